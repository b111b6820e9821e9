package dev.scepter.e2e;

import static dev.scepter.e2e.OpensslOcsp.assertGood;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSP for certificates bound to Active Directory-style computer objects in a real LDAP server
 * ({@code AppConfig:Directory:Type=Ldap}): good while the object is enabled, on hold
 * (certificateHold) while userAccountControl has ACCOUNTDISABLE, good again when it is cleared,
 * revoked (cessationOfOperation) once the object is deleted, each within the cache bound (1 s per
 * cache here: 3 s); and tryLater, never a verdict, while the directory cannot answer.
 */
class OcspLdapTest {

    private static final String AAD_CHALLENGE = "aad-ldap-challenge";
    /** The three caches at 1 s each. */
    private static final Duration BOUND = Duration.ofSeconds(3);

    @RegisterExtension
    @Order(1)
    static final ClassFixture<LdapTestServer> ldap = ClassFixture.of(LdapTestServer::start);
    @RegisterExtension
    @Order(2)
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(() -> Map.ofEntries(
            Map.entry("AppConfig__StaticAADValidation__Enabled", "true"),
            Map.entry("AppConfig__StaticAADValidation__RequestPassword", AAD_CHALLENGE),
            Map.entry("AppConfig__Directory__Type", "Ldap"),
            Map.entry("AppConfig__LDAP__Urls", ldap.get().url()),
            Map.entry("AppConfig__LDAP__BaseDn", LdapTestServer.BASE_DN),
            Map.entry("AppConfig__LDAP__BindDn", LdapTestServer.BIND_DN),
            Map.entry("AppConfig__LDAP__BindPassword", LdapTestServer.BIND_PASSWORD),
            Map.entry("AppConfig__LDAP__GuidAttribute", "objectGUID"),
            Map.entry("AppConfig__LDAP__GuidFormat", "DotNetBinary"),
            Map.entry("AppConfig__LDAP__DeviceFilter", "(objectClass=computer)"),
            Map.entry("AppConfig__LDAP__UserFilter", "(&(objectClass=user)(!(objectClass=computer)))"),
            Map.entry("AppConfig__LDAP__UpnAttribute", "userPrincipalName"),
            Map.entry("AppConfig__LDAP__ConnectTimeoutSeconds", "2"),
            Map.entry("AppConfig__LDAP__ResponseTimeoutSeconds", "2"),
            Map.entry("AppConfig__Directory__CacheSeconds", "1"),
            Map.entry("AppConfig__OCSP__ResponseCacheSeconds", "1"),
            Map.entry("AppConfig__Store__RevocationRefreshSeconds", "1")));
    private static URI ocsp;
    @TempDir
    static Path shared;
    private static Path caPem;

    @BeforeAll
    static void clients() {
        ocsp = server.url("ocsp");
        caPem = server.caCertificatePem(shared);
    }

    /** Polls without a nonce, so the response cache is part of what the bound covers. */
    private static Duration await(String what, Path dir, OcspFixtures.Issued cert, String status, String reason) {
        return OcspFixtures.awaitStatus(what, BOUND, () -> OpensslOcsp.queryCert(dir, ocsp, caPem, cert.pem(), "-no_nonce"),
                cert.pem().toString(), new OpensslOcsp.Status(status, Optional.ofNullable(reason)));
    }

    @Test
    void aCertificateFollowsItsComputerObjectInLdap(@TempDir Path dir) throws Exception {
        UUID objectGuid = UUID.randomUUID();
        String dn = ldap.get().addComputer("WS-" + objectGuid.toString().substring(0, 8), objectGuid, LdapTestServer.ENABLED);
        OcspFixtures.Issued cert = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, objectGuid);
        assertGood(OpensslOcsp.queryCert(dir, ocsp, caPem, cert.pem()), cert.pem());
        assertGood(OpensslOcsp.queryCert(dir, ocsp, caPem, cert.pem(), "-no_nonce"), cert.pem());

        ldap.get().setUserAccountControl(dn, LdapTestServer.DISABLED);
        Duration onHold = await("disabled in LDAP", dir, cert, "revoked", "certificateHold");

        ldap.get().setUserAccountControl(dn, LdapTestServer.ENABLED);
        Duration good = await("enabled in LDAP", dir, cert, "good", null);

        ldap.get().delete(dn);
        Duration revoked = await("deleted from LDAP", dir, cert, "revoked", "cessationOfOperation");
        System.out.printf("OcspLdapTest: on hold after %d ms, good after %d ms, revoked after %d ms (bound %d s)%n",
                onHold.toMillis(), good.toMillis(), revoked.toMillis(), BOUND.toSeconds());
    }

    /** A directory that cannot answer is no reason to call a certificate good or revoked. */
    @Test
    void whileLdapIsDownTheAnswerIsTryLaterNotAVerdict(@TempDir Path dir) throws Exception {
        UUID objectGuid = UUID.randomUUID();
        ldap.get().addComputer("DOWN-" + objectGuid.toString().substring(0, 8), objectGuid, LdapTestServer.ENABLED);
        OcspFixtures.Issued cert = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, objectGuid);
        assertGood(OpensslOcsp.queryCert(dir, ocsp, caPem, cert.pem()), cert.pem());

        ldap.get().stopListening();
        try {
            // Past the 1 s directory cache, plus the 2 s connect/response time limits.
            long deadline = System.nanoTime() + BOUND.plusSeconds(4).toNanos();
            Command.Result last;
            do {
                last = OpensslOcsp.queryCert(dir, ocsp, caPem, cert.pem());
                assertThat(last.stdout()).as("never a verdict while LDAP is down:\n%s", last).doesNotContain(": revoked");
                if (last.output().contains("Responder Error: trylater (3)")) {
                    break;
                }
                OcspFixtures.sleep(Duration.ofMillis(200));
            } while (System.nanoTime() < deadline);
            assertThat(last.output()).as("tryLater while LDAP is down:\n%s", last).contains("Responder Error: trylater (3)");
        } finally {
            ldap.get().startListening();
        }
        OcspFixtures.awaitStatus("LDAP back", BOUND.plusSeconds(4), () -> OpensslOcsp.queryCert(dir, ocsp, caPem, cert.pem()),
                cert.pem().toString(), new OpensslOcsp.Status("good", Optional.empty()));
    }

    @Test
    void theEmbeddedDirectoryApiAnswers409WhenTheDirectoryIsLdap() {
        HttpResponse<byte[]> response = new CoreApi(server).putDevice(UUID.randomUUID(), true);

        assertThat(response.statusCode()).as(CoreApi.body(response)).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }
}
