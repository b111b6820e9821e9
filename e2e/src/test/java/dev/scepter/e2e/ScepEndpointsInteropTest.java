package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SCEP endpoint of the built launcher, switched on, enrolls with micromdm's
 * {@code scepclient}; switched off, it answers 404. A request built here carries the SAN URI
 * {@code IntuneDeviceId://<guid>} that Intune profiles send and neither real client can.
 */
class ScepEndpointsInteropTest {

    private static final String AAD = "aad-challenge";
    private static final String JAMF = "jamf-challenge-of-32-characters!";
    private static final String DC = "dc-challenge";
    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__StaticAADValidation__Enabled", "true",
            "AppConfig__StaticAADValidation__RequestPassword", AAD,
            "AppConfig__JamfValidation__Enabled", "true",
            "AppConfig__JamfValidation__RequestPassword", JAMF,
            "AppConfig__DCValidation__Enabled", "true",
            "AppConfig__DCValidation__RequestPassword", DC));

    /** Enrolls {@code commonName} at {@code path} with scepclient; returns the serial as openssl prints it. */
    private static String enroll(Path dir, String path, String challenge, String commonName, String endpoint) throws Exception {
        Path own = Files.createDirectory(dir.resolve(path.replace('/', '_')));
        Command.Result enrolled = Scepclient.enroll(own, server.url(path), challenge, commonName);
        IssuedCertificates.assertIssuedAndRecorded(server, own, Scepclient.certificate(own), commonName, enrolled);
        String serial = Openssl.serial(own, Scepclient.certificate(own));
        assertThat(StoreRecords.issuedCertificate(server.dataDir(), serial).orElseThrow().endpoint()).isEqualTo(endpoint);
        return serial;
    }

    @Test
    void everyEnabledEndpointEnrollsWithScepclient(@TempDir Path dir) throws Exception {
        assertThat(enroll(dir, "scep", server.staticChallenge(), "via-scep", "static")).startsWith("50");
        assertThat(enroll(dir, "static", server.staticChallenge(), "via-static", "static")).startsWith("50");
        UUID device = UUID.randomUUID();
        assertThat(enroll(dir, "static/aad", AAD, device.toString(), "static-aad")).startsWith("40").endsWith(dotNetHex(device));
        assertThat(enroll(dir, "jamf", JAMF, "via-jamf", "jamf")).startsWith("50");
        assertThat(enroll(dir, "dc", DC, "dc1.corp.example", "dc")).startsWith("70");
    }

    @Test
    void eachEndpointTakesOnlyItsOwnChallenge(@TempDir Path dir) throws Exception {
        Command.Result refused = Scepclient.enroll(dir, server.url("dc"), JAMF, "wrong-challenge");
        assertThat(refused.exitCode()).as("%s", refused).isNotZero();
        assertThat(refused.output()).contains("badRequest");
        assertThat(Scepclient.certificate(dir)).doesNotExist();
    }

    @Test
    void aRequestWithAnIntuneDeviceIdUriIsBoundToThatDeviceInItsSerial() throws Exception {
        UUID intuneDevice = UUID.randomUUID();
        X509Certificate ca = server.caCertificate();
        ScepMessages.Requester requester = ScepMessages.Requester.create("intune-probe");
        ScepMessages.PkcsReq request = ScepMessages.pkcsReq(requester, ca, "intune-probe", AAD,
                List.of("IntuneDeviceId://" + intuneDevice));
        HttpResponse<byte[]> response = server.send(HttpRequest.newBuilder(server.url("static/aad?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.der())).build());
        assertThat(response.statusCode()).isEqualTo(200);
        ScepMessages.CertRep certRep = ScepMessages.readCertRep(response.body(), ca, requester);
        assertThat(certRep.pkiStatus()).as("pkiStatus (failInfo %s)", certRep.failInfo()).isEqualTo(ScepMessages.SUCCESS);

        BigInteger serial = certRep.certificates().get(0).getSerialNumber();
        byte[] bytes = new byte[20];
        byte[] raw = serial.toByteArray();
        System.arraycopy(raw, raw.length - Math.min(raw.length, 20), bytes, 20 - Math.min(raw.length, 20), Math.min(raw.length, 20));
        assertThat(bytes[0]).as("type byte: Intune device, bound by its Intune id").isEqualTo((byte) 0x41);
        assertThat(fromDotNetBytes(bytes, 4)).isEqualTo(intuneDevice);
        assertThat(StoreRecords.issuedCertificate(server.dataDir(), serial.toString(16)).orElseThrow().endpoint()).isEqualTo("static-aad");
    }

    @Test
    void disabledEndpointsAnswer404AndScepclientGetsNoCertificate(@TempDir Path dir) throws Exception {
        try (ScepterProcess defaults = ScepterProcess.start()) {
            for (String path : List.of("jamf", "dc", "static/aad")) {
                assertThat(defaults.get(path + "?operation=GetCACaps").statusCode()).as(path).isEqualTo(404);
                assertThat(defaults.get(path + "/pkiclient.exe?operation=GetCACert").statusCode()).as(path).isEqualTo(404);
                Path own = Files.createDirectory(dir.resolve(path.replace('/', '_')));
                Command.Result refused = Scepclient.enroll(own, defaults.url(path), defaults.staticChallenge(), "refused");
                assertThat(refused.exitCode()).as("%s", refused).isNotZero();
                assertThat(Scepclient.certificate(own)).doesNotExist();
            }
            assertThat(defaults.get("scep?operation=GetCACaps").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aJamfChallengeLongerThanJamfCanSendStopsStartUpNamingTheSettingButNotItsValue() {
        String tooLong = "a-jamf-challenge-of-thirty-three!";
        ScepterProcess.Refusal refusal = ScepterProcess.startExpectingRefusal(Map.of(
                "AppConfig__JamfValidation__Enabled", "true",
                "AppConfig__JamfValidation__RequestPassword", tooLong));
        assertThat(refusal.exitCode()).as(refusal.log()).isNotZero();
        assertThat(refusal.log()).contains("AppConfig:JamfValidation:RequestPassword", "at most 32 characters")
                .doesNotContain(tooLong);
    }

    /** The GUID as SCEPman's serial holds it: .NET Guid.ToByteArray() order, in hex. */
    private static String dotNetHex(UUID id) {
        ByteBuffer out = ByteBuffer.allocate(16);
        long high = id.getMostSignificantBits();
        out.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (high >>> 32)).putShort((short) (high >>> 16)).putShort((short) high);
        out.order(ByteOrder.BIG_ENDIAN).putLong(id.getLeastSignificantBits());
        return java.util.HexFormat.of().withUpperCase().formatHex(out.array());
    }

    private static UUID fromDotNetBytes(byte[] serial, int offset) {
        ByteBuffer guid = ByteBuffer.wrap(serial, offset, 16);
        long data1 = Integer.toUnsignedLong(guid.order(ByteOrder.LITTLE_ENDIAN).getInt());
        long data2 = Short.toUnsignedLong(guid.getShort());
        long data3 = Short.toUnsignedLong(guid.getShort());
        long low = guid.order(ByteOrder.BIG_ENDIAN).getLong();
        return new UUID((data1 << 32) | (data2 << 16) | data3, low);
    }
}
