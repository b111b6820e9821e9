package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.GraphSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * OCSP follows Entra ID through Microsoft Graph: good, on hold once the device is disabled (within
 * the cache bound), tryLater while Graph is down, revoked for good once it is deleted.
 */
class GraphDirectoryOcspTest {

    private static final String CLIENT = "scepter-core";
    /** AppConfig:Directory:CacheSeconds + AppConfig:OCSP:ResponseCacheSeconds, as set below. */
    private static final Duration CACHE_BOUND = Duration.ofSeconds(2);

    @Test
    void ocspAnswersGoodThenOnHoldAfterTheDeviceIsDisabledThenTryLaterWhileGraphIsDownThenRevokedOnceDeleted() throws Exception {
        SimTls tls = SimTls.generate();
        try (SimServer server = SimServer.start("graph", tls)) {
            SimTokens tokens = new SimTokens(Instant::now);
            GraphSimulator graph = new GraphSimulator(server, tokens, Instant::now);
            tokens.grant(CLIENT, graph.audience(), "Device.Read.All");
            AccessTokens signIn = new AccessTokens() {
                @Override
                public String token(URI resource) {
                    return tokens.mint(CLIENT, resource.toString(), Duration.ofMinutes(10));
                }

                @Override
                public String describe() {
                    return "simulated Entra ID";
                }
            };
            UUID device = UUID.randomUUID();
            graph.addDevice(device);
            try (RunningServer scepter = RunningServer.start(Map.of(
                    "AppConfig:Directory:Type", "Graph",
                    "AppConfig:AzureCloudConfig:MSGraphEndpoint", graph.audience(),
                    "AppConfig:IntuneValidation:DeviceDirectory", "AADAndIntuneOpportunistic",
                    "AppConfig:Directory:CacheSeconds", "1",
                    "AppConfig:OCSP:ResponseCacheSeconds", "1",
                    "AppConfig:StaticAADValidation:Enabled", "true",
                    "AppConfig:StaticAADValidation:RequestPassword", TestPki.CHALLENGE), signIn, tls.clientContext())) {
                assertThat(scepter.text("/")).as("the homepage names the directory and its mode")
                        .contains("Microsoft Graph " + graph.audience(), "AADAndIntuneOpportunistic");
                BigInteger serial = enroll(scepter, "CN=" + device).getSerialNumber();
                assertThat(serial.shiftRight(152).intValue()).isEqualTo(0x40);

                assertThat(status(scepter, serial)).isNull(); // good

                graph.disableDevice(device);
                Thread.sleep(CACHE_BOUND.toMillis() + 200);
                CertificateStatus onHold = status(scepter, serial);
                assertThat(onHold).isInstanceOf(RevokedStatus.class);
                assertThat(((RevokedStatus) onHold).getRevocationReason()).as("certificateHold").isEqualTo(6);

                graph.enableDevice(device);
                server.down(true);
                graph.deleteDevice(device);
                Thread.sleep(CACHE_BOUND.toMillis() + 200);
                assertThat(ocsp(scepter, serial).getStatus()).as("Graph down: never revoked").isEqualTo(OCSPResp.TRY_LATER);

                server.down(false);
                Thread.sleep(1200); // past the directory's fail-fast second
                CertificateStatus revoked = status(scepter, serial);
                assertThat(revoked).isInstanceOf(RevokedStatus.class);
                assertThat(((RevokedStatus) revoked).getRevocationReason()).as("cessationOfOperation, for good").isEqualTo(5);
                assertThat(server.requests()).as("no call without a token")
                        .allMatch(r -> r.header("Authorization") != null && r.header("Authorization").startsWith("Bearer sim."));
            }
        }
    }

    /**
     * docs/est.md: with Graph as the directory, EST self-service issues a certificate for an Entra
     * device the caller is a registered owner of, bound to it (OCSP good, then on hold once it is
     * disabled in Entra ID); a device someone else owns is a 403.
     */
    @Test
    void selfServiceEnrollsADeviceEntraIdSaysTheCallerOwnsAndOcspFollowsIt() throws Exception {
        SimTls tls = SimTls.generate();
        try (SimServer server = SimServer.start("graph", tls)) {
            SimTokens tokens = new SimTokens(Instant::now);
            GraphSimulator graph = new GraphSimulator(server, tokens, Instant::now);
            tokens.grant(CLIENT, graph.audience(), "Device.Read.All");
            tokens.grant(CLIENT, graph.audience(), "User.Read.All");
            AccessTokens signIn = new AccessTokens() {
                @Override
                public String token(URI resource) {
                    return tokens.mint(CLIENT, resource.toString(), Duration.ofMinutes(10));
                }

                @Override
                public String describe() {
                    return "simulated Entra ID";
                }
            };
            UUID alice = UUID.randomUUID();
            graph.addUser(alice, "alice@contoso.example");
            UUID bob = UUID.randomUUID();
            graph.addUser(bob, "bob@contoso.example");
            UUID laptop = UUID.randomUUID();
            graph.addDevice(laptop).registeredOwners.add(alice);
            UUID phone = UUID.randomUUID();
            graph.addDevice(phone).registeredOwners.add(bob);
            try (RunningServer scepter = RunningServer.start(Map.of(
                    "AppConfig:Directory:Type", "Graph",
                    "AppConfig:AzureCloudConfig:MSGraphEndpoint", graph.audience(),
                    "AppConfig:IntuneValidation:DeviceDirectory", "AAD",
                    "AppConfig:Directory:CacheSeconds", "1",
                    "AppConfig:OCSP:ResponseCacheSeconds", "1"), signIn, tls.clientContext())) {
                String token = new dev.scepter.authority.token.ApiTokens(scepter.core.storage().apiTokenStore(),
                        scepter.core.storage().auditLog(), java.time.Clock.systemUTC(), new java.security.SecureRandom())
                        .create("test", "alice@contoso.example", java.util.Set.of(dev.scepter.authority.token.ApiRole.CSR_SELF_SERVICE),
                                java.util.Optional.empty()).value();

                HttpResponse<byte[]> mine = selfService(scepter, token, "CN=" + laptop);
                assertThat(mine.statusCode()).as(new String(mine.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(200);
                BigInteger serial = dev.scepter.protocol.est.EstCodec.readCertsOnly(mine.body()).get(0).getSerialNumber();
                assertThat(serial.shiftRight(152).intValue()).as("bound to the Entra device").isEqualTo(0x40);
                assertThat(selfService(scepter, token, "CN=" + phone).statusCode()).as("Bob's phone").isEqualTo(403);

                assertThat(status(scepter, serial)).isNull(); // good
                graph.disableDevice(laptop);
                Thread.sleep(CACHE_BOUND.toMillis() + 200);
                CertificateStatus onHold = status(scepter, serial);
                assertThat(onHold).isInstanceOf(RevokedStatus.class);
                assertThat(((RevokedStatus) onHold).getRevocationReason()).as("certificateHold").isEqualTo(6);
                assertThat(server.requests()).as("Graph was asked who owns the devices")
                        .anyMatch(r -> r.path().contains("registeredOwners"));
            }
        }
    }

    private static HttpResponse<byte[]> selfService(RunningServer server, String token, String subject) throws Exception {
        KeyPair key = TestPki.rsa();
        byte[] csr = java.util.Base64.getMimeEncoder().encode(new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())).getEncoded());
        return server.post("/.well-known/est/simpleenroll", "application/pkcs10", csr, "Authorization", "Bearer " + token);
    }

    private static X509CertificateHolder enroll(RunningServer server, String subject) throws Exception {
        KeyPair key = TestPki.rsa();
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(TestPki.CHALLENGE))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())).getEncoded();
        byte[] request = ScepRequestBuilder.pkcsReq().signer(key, TestPki.selfSigned(subject, key, false))
                .recipient(server.core.ca().certificate()).messageData(csr).build();
        HttpResponse<byte[]> response = server.post("/static/aad?operation=PKIOperation", "application/x-pki-message", request);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.SUCCESS);
        byte[] certsOnly = certRep.decryptEnvelope(KeyTransportDecryptor.of(key.getPrivate()));
        return new CMSSignedData(certsOnly).getCertificates().getMatches(null).iterator().next();
    }

    private static OCSPResp ocsp(RunningServer server, BigInteger serial) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), serial);
        HttpResponse<byte[]> response = server.post("/ocsp", "application/ocsp-request", new OCSPReqBuilder().addRequest(id).build().getEncoded());
        assertThat(response.statusCode()).as("never an HTTP error").isEqualTo(200);
        return new OCSPResp(response.body());
    }

    /** The single answer's status: null for good. */
    private static CertificateStatus status(RunningServer server, BigInteger serial) throws Exception {
        OCSPResp response = ocsp(server, serial);
        assertThat(response.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        return ((BasicOCSPResp) response.getResponseObject()).getResponses()[0].getCertStatus();
    }
}
