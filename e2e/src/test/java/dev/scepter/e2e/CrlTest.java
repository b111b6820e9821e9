package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /crl/{token}} (DER) and {@code /crl/pem/{token}} (PEM) with {@code AppConfig:CRL:Source=Storage},
 * read by {@code openssl crl}: manual revocations are listed with their reasons at once, automatic
 * ones (a disabled or deleted device) are OCSP's alone, the CRL verifies against the CA, and
 * without the right token, or with none configured, the answer is 404.
 */
class CrlTest {

    private static final String TOKEN = "crl-e2e-" + UUID.randomUUID();
    private static final String AAD_CHALLENGE = "aad-crl-challenge";

    @RegisterExtension
    @Order(1)
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__CRL__RequestToken", TOKEN,
            "AppConfig__CRL__Source", "Storage",
            "AppConfig__StaticAADValidation__Enabled", "true",
            "AppConfig__StaticAADValidation__RequestPassword", AAD_CHALLENGE));
    /**
     * No AppConfig:CRL:RequestToken at all. Started after the other: on a 2-core machine, starting
     * JVMs side by side is slower.
     */
    @RegisterExtension
    @Order(2)
    static final ScepterServerExtension withoutToken = ScepterServerExtension.withDefaults();
    @TempDir
    static Path shared;
    private static Path caPem;

    @BeforeAll
    static void writeCaPem() {
        caPem = server.caCertificatePem(shared);
    }

    @Test
    void manualRevocationsAreListedAtOnceWithTheirReasonsAndAutomaticOnesAreNot(@TempDir Path dir) throws Exception {
        CoreApi api = new CoreApi(server);
        OcspFixtures.Issued compromised = OcspFixtures.enrollStatic(server, dir, "crl-compromised");
        OcspFixtures.Issued superseded = OcspFixtures.enrollStatic(server, dir, "crl-superseded");
        OcspFixtures.Issued kept = OcspFixtures.enrollStatic(server, dir, "crl-kept");
        UUID disabled = UUID.randomUUID();
        OcspFixtures.Issued onHold = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, disabled);
        api.device(disabled, false);
        UUID deleted = UUID.randomUUID();
        OcspFixtures.Issued gone = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, deleted);
        api.device(deleted, true);
        api.deleteDevice(deleted);

        Map<BigInteger, String> before = revokedSerials(dir, fetchDer(dir, "before.der"));
        assertThat(before).doesNotContainKeys(compromised.serial(), superseded.serial());

        api.revoked(compromised.serialHex(), 1);
        api.revoked(superseded.serialHex(), 4);
        Path after = fetchDer(dir, "after.der");
        Command.Result text = crlText(dir, after, "DER");

        Map<BigInteger, String> listed = revokedSerials(text);
        assertThat(listed).as("%s", text).containsEntry(compromised.serial(), "Key Compromise")
                .containsEntry(superseded.serial(), "Superseded")
                .doesNotContainKeys(kept.serial(), onHold.serial(), gone.serial());
        Command.Result issuer = Command.run(dir, "openssl", "crl", "-inform", "DER", "-in", after.toString(), "-noout", "-issuer",
                "-nameopt", "RFC2253");
        assertThat(issuer.stdout().strip()).isEqualTo("issuer=" + server.caCertificate().getSubjectX500Principal().getName("RFC2253"));
    }

    @Test
    void thePemEndpointServesTheSameCrlAsTheDerOne(@TempDir Path dir) throws Exception {
        HttpResponse<byte[]> pem = server.get("crl/pem/" + TOKEN);
        assertThat(pem.statusCode()).isEqualTo(200);
        Path pemFile = Files.write(dir.resolve("crl.pem"), pem.body());
        Path der = fetchDer(dir, "crl.der");

        assertThat(new String(pem.body(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN X509 CRL-----\n")
                .endsWith("-----END X509 CRL-----\n");
        crlText(dir, pemFile, "PEM");
        Path converted = dir.resolve("converted.der");
        Command.Result convert = Command.run(dir, "openssl", "crl", "-in", pemFile.toString(), "-outform", "DER", "-out", converted.toString());
        assertThat(convert.exitCode()).as("%s", convert).isZero();
        assertThat(Files.readAllBytes(converted)).as("the PEM CRL is the DER CRL").isEqualTo(Files.readAllBytes(der));

        // AppConfig:CRL:ValidityDays defaults to 0.1: 2.4 hours from lastUpdate to nextUpdate.
        Command.Result dates = Command.run(dir, "openssl", "crl", "-in", pemFile.toString(), "-noout", "-lastupdate", "-nextupdate");
        Matcher last = Pattern.compile("lastUpdate=(.+)").matcher(dates.stdout());
        Matcher next = Pattern.compile("nextUpdate=(.+)").matcher(dates.stdout());
        assertThat(last.find() && next.find()).as("%s", dates).isTrue();
        DateTimeFormatter openssl = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy z", Locale.ROOT);
        Duration validity = Duration.between(ZonedDateTime.parse(last.group(1).strip(), openssl), ZonedDateTime.parse(next.group(1).strip(), openssl));
        assertThat(validity).isEqualTo(Duration.ofMinutes(144));
    }

    @Test
    void aWrongOrMissingTokenIs404AndSoIsEveryCrlWithoutAConfiguredToken() {
        for (String path : new String[] {"crl/wrong-" + TOKEN, "crl/pem/wrong-" + TOKEN, "crl/", "crl", "crl/pem/",
                "crl/" + TOKEN.substring(0, TOKEN.length() - 1)}) {
            HttpResponse<byte[]> response = server.get(path);
            assertThat(response.statusCode()).as("GET /%s with a token configured: %s", path, CoreApi.body(response)).isEqualTo(404);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain(TOKEN);
        }
        for (String path : new String[] {"crl/" + TOKEN, "crl/pem/" + TOKEN, "crl/anything", "crl/"}) {
            HttpResponse<byte[]> response = withoutToken.get(path);
            assertThat(response.statusCode()).as("GET /%s without a token configured: %s", path, CoreApi.body(response)).isEqualTo(404);
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    private static Path fetchDer(Path dir, String name) throws Exception {
        HttpResponse<byte[]> response = server.get("crl/" + TOKEN);
        assertThat(response.statusCode()).as(CoreApi.body(response)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        return Files.write(dir.resolve(name), response.body());
    }

    /** {@code openssl crl -text}, which must verify the CRL's signature against the CA. */
    private static Command.Result crlText(Path dir, Path crl, String format) {
        Command.Result text = Command.run(dir, "openssl", "crl", "-inform", format, "-in", crl.toString(), "-text", "-noout",
                "-CAfile", caPem.toString());
        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.output()).as("%s", text).contains("verify OK");
        return text;
    }

    private static Map<BigInteger, String> revokedSerials(Path dir, Path der) {
        return revokedSerials(crlText(dir, der, "DER"));
    }

    /** Serial number to the reason openssl prints ("Key Compromise"), or "" for an entry without one. */
    private static Map<BigInteger, String> revokedSerials(Command.Result text) {
        Map<BigInteger, String> entries = new LinkedHashMap<>();
        Matcher entry = Pattern.compile("Serial Number: ([0-9A-Fa-f]+)\\n((?:\\s{8,}.*\\n?)*)").matcher(text.stdout());
        while (entry.find()) {
            Matcher reason = Pattern.compile("X509v3 CRL Reason Code:\\s*\\n\\s*(.+)").matcher(entry.group(2));
            entries.put(new BigInteger(entry.group(1), 16), reason.find() ? reason.group(1).strip() : "");
        }
        return entries;
    }
}
