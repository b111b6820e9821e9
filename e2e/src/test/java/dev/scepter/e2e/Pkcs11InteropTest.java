package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built launcher with the CA key in a real SoftHSM2 token (AppConfig:KeyVaultConfig:Pkcs11:*):
 * its first start creates the root CA in the token, and then every signature (certificates,
 * the CRL, the OCSP responder's certificate) and the SCEP envelope's key transport go through the
 * token. Real clients check the results: scepclient, strongSwan's {@code pki --scep},
 * {@code openssl ocsp}, {@code openssl crl}.
 */
class Pkcs11InteropTest {

    private static final String CRL_TOKEN = "crl-hsm-" + UUID.randomUUID();
    /** A PIN start-up never reaches (it stops at the token first), so it must never be printed either. */
    private static final String UNUSED_PIN = "pin-" + UUID.randomUUID();
    private static Path hsmFolder;
    private static SoftHsmToken token;

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(() -> {
        try {
            hsmFolder = Files.createTempDirectory("scepter-softhsm-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        token = SoftHsmToken.init(hsmFolder, "scepter-e2e");
        Map<String, String> settings = new HashMap<>(token.settings(SoftHsmToken.PIN));
        settings.put("AppConfig__CRL__RequestToken", CRL_TOKEN);
        settings.put("AppConfig__CRL__Source", "Storage");
        return settings;
    });

    @TempDir
    static Path shared;
    private static Path caPem;

    @BeforeAll
    static void writeCaPem() {
        caPem = server.caCertificatePem(shared);
    }

    @AfterAll
    static void removeTokens() throws Exception {
        if (hsmFolder != null) {
            try (var paths = Files.walk(hsmFolder)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void theCaKeyIsInTheTokenNotInTheDataFolderAndTheHomepageSaysWhere() {
        assertThat(server.dataDir().resolve("ca.p12")).doesNotExist();
        assertThat(server.dataDir().resolve("ca.p12.password")).doesNotExist();
        assertThat(server.log()).contains("Create the root CA", "in the PKCS#11 token in slot " + token.slot()
                + " of libsofthsm2.so, key label 'scepter-ca'");
        HttpResponse<byte[]> home = server.get("");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(new String(home.body(), StandardCharsets.UTF_8))
                .contains("PKCS#11 token in slot " + token.slot() + " of libsofthsm2.so, key label scepter-ca");
        // The CA row says whether the token signs now (checked in the background; CHECKING until the first check ends).
        String page = "";
        for (int i = 0; i < 60 && !page.contains("the token signs"); i++) {
            if (i > 0) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            page = new String(server.get("").body(), StandardCharsets.UTF_8);
        }
        assertThat(page).contains("key label scepter-ca): the token signs");
    }

    @Test
    void scepclientEnrollsThroughTheTokenAndOpensslOcspSaysGood(@TempDir Path dir) throws Exception {
        // scepclient encrypts its request to the CA's RSA key: the token unwraps the content key.
        OcspFixtures.Issued issued = OcspFixtures.enrollStatic(server, dir, "hsm-scepclient");
        assertThat(Openssl.verify(dir, caPem, issued.pem()).stdout()).contains(": OK");

        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), caPem, issued.pem()), issued.pem());
    }

    @Test
    void strongswanPkiEnrollsThroughTheTokenAndOpensslOcspSaysGood(@TempDir Path dir) throws Exception {
        // pki envelopes its request with AES to the CA's RSA key: the token unwraps the content key and signs the certificate.
        Path key = StrongswanPki.generateKey(dir);
        Command.Result client = StrongswanPki.scep(dir, server.url("scep"), key, server.caCertificateDer(dir),
                "C=US, O=Scepter e2e, CN=hsm-pki", server.staticChallenge(), "aes");

        Path certificate = StrongswanPki.certificate(dir);
        IssuedCertificates.assertIssuedAndRecorded(server, dir, certificate, "hsm-pki", client);
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), caPem, certificate), certificate);
    }

    @Test
    void aRevocationThroughTheApiIsListedByTheCrlTheTokenSigned(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued revoked = OcspFixtures.enrollStatic(server, dir, "hsm-revoked");
        OcspFixtures.Issued kept = OcspFixtures.enrollStatic(server, dir, "hsm-kept");

        new CoreApi(server).revoked(revoked.serialHex(), 1);

        HttpResponse<byte[]> crl = server.get("crl/" + CRL_TOKEN);
        assertThat(crl.statusCode()).as(CoreApi.body(crl)).isEqualTo(200);
        Path der = Files.write(dir.resolve("crl.der"), crl.body());
        Command.Result text = Command.run(dir, "openssl", "crl", "-inform", "DER", "-in", der.toString(), "-text", "-noout",
                "-CAfile", caPem.toString());
        assertThat(text.output()).as("%s", text).contains("verify OK");
        assertThat(text.stdout()).as("%s", text).contains("Serial Number: " + revoked.serialHex())
                .doesNotContain("Serial Number: " + kept.serialHex());
        OpensslOcsp.assertStatus(OpensslOcsp.queryCert(dir, server.url("ocsp"), caPem, revoked.pem()), revoked.pem(), "revoked",
                "keyCompromise");
    }

    @Test
    void aWrongPinStopsTheStartWithAMessageNamingTheSetting() {
        // A token of its own: the wrong PIN is never tried on the serving one.
        SoftHsmToken other = SoftHsmToken.init(hsmFolder, "scepter-e2e-wrong-pin");

        ScepterProcess.Refusal refusal = ScepterProcess.startExpectingRefusal(other.settings("9999"));

        assertThat(refusal.exitCode()).isNotZero();
        assertThat(refusal.log()).contains("Scepter cannot start", "refused the PIN", "AppConfig:KeyVaultConfig:Pkcs11:Pin")
                .doesNotContain("\tat ").doesNotContain("9999");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a slot id the module does not have", "the slot whose token was never initialised"})
    void aSlotWithoutTheTokenStopsTheStartWithAMessageNamingTheSetting(String which) {
        // SoftHSM2 numbers its tokens by their serial and the free slot by the token count: 4242 is neither here.
        long slot = which.startsWith("a slot id") ? 4242 : token.uninitialisedSlot();
        Map<String, String> settings = new HashMap<>(token.settings(UNUSED_PIN));
        settings.put("AppConfig__KeyVaultConfig__Pkcs11__Slot", String.valueOf(slot));

        ScepterProcess.Refusal refusal = ScepterProcess.startExpectingRefusal(settings);

        assertThat(refusal.exitCode()).isNotZero();
        assertThat(refusal.log())
                .contains("Scepter cannot start", "slot " + slot + " of libsofthsm2.so", "AppConfig:KeyVaultConfig:Pkcs11:Slot")
                .doesNotContain("\tat ").doesNotContain(UNUSED_PIN);
    }

    @Test
    void aModulePathThatIsNoFileStopsTheStartWithAMessageNamingTheSetting() {
        Path missing = hsmFolder.resolve("libsofthsm2-not-installed.so");
        Map<String, String> settings = new HashMap<>(token.settings(UNUSED_PIN));
        settings.put("AppConfig__KeyVaultConfig__Pkcs11__Library", missing.toString());

        ScepterProcess.Refusal refusal = ScepterProcess.startExpectingRefusal(settings);

        assertThat(refusal.exitCode()).isNotZero();
        assertThat(refusal.log()).contains("Scepter cannot start", "AppConfig:KeyVaultConfig:Pkcs11:Library", missing.toString())
                .doesNotContain("\tat ").doesNotContain(UNUSED_PIN);
    }
}
