package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SCEP life cycle with real clients: one-time challenges and retransmissions with
 * {@code scepclient}, renewal by the old certificate with strongSwan's {@code pki}, and
 * certificates bound to a device on {@code /static/aad} with both.
 */
class ScepLifecycleInteropTest {

    private static final String AAD_CHALLENGE = "aad-static-challenge";
    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__StaticValidation__AllowDynamicChallenges", "true",
            "AppConfig__StaticValidation__AllowRenewals", "true",
            "AppConfig__StaticAADValidation__Enabled", "true",
            "AppConfig__StaticAADValidation__RequestPassword", AAD_CHALLENGE));

    private static String mintChallenge() throws Exception {
        String admin = Files.readString(server.dataDir().resolve("admin-token"), StandardCharsets.UTF_8).strip();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("api/challenges"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"validityMinutes\": 10}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        Matcher challenge = Pattern.compile("\"challenge\":\"([^\"]+)\"").matcher(response.body());
        assertThat(challenge.find()).as(response.body()).isTrue();
        return challenge.group(1);
    }

    @Test
    void aOneTimeChallengeEnrollsOnceAndNeverWithANewKey(@TempDir Path dir) throws Exception {
        String challenge = mintChallenge();
        Path first = Files.createDirectory(dir.resolve("first"));
        Path second = Files.createDirectory(dir.resolve("second"));

        Command.Result enrolled = Scepclient.enroll(first, server.url("scep"), challenge, "one-time-1");
        IssuedCertificates.assertIssuedAndRecorded(server, first, Scepclient.certificate(first), "one-time-1", enrolled);

        Command.Result again = Scepclient.enroll(second, server.url("scep"), challenge, "one-time-2");
        assertThat(again.exitCode()).as("the spent challenge with a new key:\n%s", again).isNotZero();
        assertThat(again.output()).contains("badRequest");
        assertThat(Scepclient.certificate(second)).doesNotExist();
    }

    @Test
    void aRetransmittedRequestGetsTheSameCertificateEvenWithItsChallengeSpent(@TempDir Path dir) throws Exception {
        String challenge = mintChallenge();
        Command.Result enrolled = Scepclient.enroll(dir, server.url("scep"), challenge, "retransmitted");
        IssuedCertificates.assertIssuedAndRecorded(server, dir, Scepclient.certificate(dir), "retransmitted", enrolled);
        String firstSerial = Openssl.serial(dir, Scepclient.certificate(dir));

        // scepclient keeps the key and csr.pem in its folder: without the certificate it sends the
        // same PKCSReq again, with the same transactionID (derived from the key), as after a lost answer.
        Files.delete(Scepclient.certificate(dir));
        Command.Result retransmitted = Scepclient.enroll(dir, server.url("scep"), challenge, "retransmitted");

        assertThat(retransmitted.exitCode()).as("%s", retransmitted).isZero();
        assertThat(Openssl.serial(dir, Scepclient.certificate(dir))).isEqualTo(firstSerial);
    }

    @Test
    void strongswanRenewsWithANewKeyAuthenticatedByTheOldCertificateAndNoChallenge(@TempDir Path dir) throws Exception {
        Path caDer = server.caCertificateDer(dir);
        Path oldKey = StrongswanPki.generateKey(Files.createDirectory(dir.resolve("old")));
        Command.Result enrolled = StrongswanPki.scep(dir.resolve("old"), server.url("scep"), oldKey, caDer, "CN=renewing", server.staticChallenge(), "aes");
        Path oldCert = StrongswanPki.certificate(dir.resolve("old"));
        IssuedCertificates.assertIssuedAndRecorded(server, dir.resolve("old"), oldCert, "renewing", enrolled);

        Path next = Files.createDirectory(dir.resolve("new"));
        Path newKey = StrongswanPki.generateKey(next);
        Command.Result renewed = Command.run(next, "pki", "--scep", "--url", server.url("scep").toString(), "--in", newKey.toString(),
                "--dn", "CN=renewing", "--cacert-enc", caDer.toString(), "--cacert-sig", caDer.toString(),
                "--cert", oldCert.toString(), "--key", oldKey.toString(), "--maxpolltime", "1", "--outform", "pem");
        Path newCert = Files.writeString(next.resolve("cert.pem"), renewed.stdout());

        IssuedCertificates.assertIssuedAndRecorded(server, next, newCert, "renewing", renewed);
        assertThat(Openssl.serial(next, newCert)).isNotEqualTo(Openssl.serial(dir, oldCert));
        Command.Result newPublicKey = Command.run(next, "openssl", "x509", "-in", newCert.toString(), "-noout", "-pubkey");
        Command.Result keyPublicKey = Command.run(next, "openssl", "pkey", "-in", newKey.toString(), "-pubout");
        assertThat(newPublicKey.stdout()).isEqualTo(keyPublicKey.stdout());
    }

    @Test
    void bothClientsGetCertificatesBoundToTheDeviceTheirCommonNameNames(@TempDir Path dir) throws Exception {
        UUID scepclientDevice = UUID.randomUUID();
        Path viaScepclient = Files.createDirectory(dir.resolve("scepclient"));
        Command.Result enrolled = Scepclient.enroll(viaScepclient, server.url("static/aad"), AAD_CHALLENGE, scepclientDevice.toString());
        IssuedCertificates.assertIssuedAndRecorded(server, viaScepclient, Scepclient.certificate(viaScepclient), scepclientDevice.toString(), enrolled);
        assertBoundTo(Openssl.serial(viaScepclient, Scepclient.certificate(viaScepclient)), scepclientDevice);

        UUID pkiDevice = UUID.randomUUID();
        Path viaPki = Files.createDirectory(dir.resolve("pki"));
        Path key = StrongswanPki.generateKey(viaPki);
        Command.Result pki = StrongswanPki.scep(viaPki, server.url("static/aad"), key, server.caCertificateDer(viaPki), "CN=" + pkiDevice,
                AAD_CHALLENGE, "aes");
        IssuedCertificates.assertIssuedAndRecorded(server, viaPki, StrongswanPki.certificate(viaPki), pkiDevice.toString(), pki);
        assertBoundTo(Openssl.serial(viaPki, StrongswanPki.certificate(viaPki)), pkiDevice);
    }

    @Test
    void aStaticAadRequestThatNamesNoDeviceIsRefused(@TempDir Path dir) {
        Command.Result refused = Scepclient.enroll(dir, server.url("static/aad"), AAD_CHALLENGE, "not-a-guid");
        assertThat(refused.exitCode()).as("%s", refused).isNotZero();
        assertThat(refused.output()).contains("badRequest");
    }

    /** SCEPman's layout: type byte 0x40, 3 bytes, then the GUID in .NET Guid.ToByteArray() order. */
    private static void assertBoundTo(String opensslSerial, UUID device) {
        String hex = opensslSerial.toLowerCase();
        String guid = device.toString().replace("-", "");
        String dotNet = swap(guid.substring(0, 8)) + swap(guid.substring(8, 12)) + swap(guid.substring(12, 16)) + guid.substring(16);
        assertThat(hex).hasSize(40).startsWith("40").endsWith(dotNet);
    }

    private static String swap(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        byte[] reversed = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            reversed[i] = bytes[bytes.length - 1 - i];
        }
        return HexFormat.of().formatHex(reversed);
    }

}
