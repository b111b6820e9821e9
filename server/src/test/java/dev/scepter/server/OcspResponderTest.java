package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.validity.DelegatedResponder;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.authority.validity.Validity;
import dev.scepter.protocol.ocsp.IssuerMatcher;
import dev.scepter.server.load.ConcurrencyLimit;
import dev.scepter.server.load.ShedLog;
import dev.scepter.server.ocsp.OcspResponder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The responder's layers with the running core's validity and signer: the bounded response
 * cache, the store's health before it, and the signing bulkhead after it.
 */
class OcspResponderTest {

    private static final OcspResponder.Asker ASKER = new OcspResponder.Asker("POST /ocsp", "192.0.2.7");
    private static RunningServer server;
    private static CertificateID caItself;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        caItself = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), server.core.ca().certificate().getSerialNumber());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static OcspResponder responder(StoreHealth health, ConcurrencyLimit signing, int maxCached) {
        return new OcspResponder(new IssuerMatcher(server.core.ca().certificate()), server.context.getBean(Validity.class),
                server.context.getBean(DelegatedResponder.class), OcspResponder.timing(600, 300, 600), Clock.systemUTC(), health, signing,
                maxCached);
    }

    /** A request without a nonce, made distinct by its requestorName. */
    private static byte[] request(int n) throws Exception {
        return new OCSPReqBuilder().setRequestorName(new GeneralName(new X500Name("CN=relying-party-" + n))).addRequest(caItself)
                .build().getEncoded();
    }

    private static byte[] withNonce() throws Exception {
        return new OCSPReqBuilder().setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                new DEROctetString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))).addRequest(caItself).build().getEncoded();
    }

    private static int status(OcspResponder.Answer answer) throws Exception {
        return new OCSPResp(answer.response()).getStatus();
    }

    @Test
    void aFloodOfOneTimeRequestsDoesNotEvictTheAnswersAskedForOften() throws Exception {
        int max = 100;
        OcspResponder responder = responder(new StoreHealth(Clock.systemUTC()),
                new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog()), max);
        // A cache in use: Caffeine starts counting how often entries are asked for once it is half full.
        for (int n = 500; n < 500 + max; n++) {
            responder.respond(request(n), ASKER);
        }
        List<OcspResponder.Answer> popular = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            popular.add(responder.respond(request(n), ASKER));
            for (int again = 0; again < 5; again++) {
                assertThat(responder.respond(request(n), ASKER)).as("cached").isSameAs(popular.get(n));
            }
        }
        for (int n = 1_000; n < 1_000 + 3 * max; n++) {
            assertThat(status(responder.respond(request(n), ASKER))).isEqualTo(OCSPResp.SUCCESSFUL);
        }
        int kept = 0;
        for (int n = 0; n < 20; n++) {
            if (responder.respond(request(n), ASKER) == popular.get(n)) {
                kept++;
            }
        }
        assertThat(kept).as("popular answers still cached after %d one-time requests into a cache of %d", 3 * max, max)
                .isGreaterThanOrEqualTo(18);
    }

    @Test
    void beyondTheSigningLimitTheAnswerIsTryLaterAtOnceNotAQueue() throws Exception {
        ConcurrencyLimit signing = new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 1, new ShedLog());
        OcspResponder responder = responder(new StoreHealth(Clock.systemUTC()), signing, 100);
        assertThat(signing.tryAcquire("test", "test", "-")).as("the one place, taken by a request in progress").isTrue();
        OcspResponder.Answer shed = responder.respond(withNonce(), ASKER);
        assertThat(status(shed)).isEqualTo(OCSPResp.TRY_LATER);
        assertThat(shed.outcome()).isEqualTo("shed");
        signing.release();
        assertThat(status(responder.respond(withNonce(), ASKER))).isEqualTo(OCSPResp.SUCCESSFUL);
    }

    @Test
    void whileTheStoreIsUnreachableEvenACachedAnswerIsTryLater() throws Exception {
        StoreHealth health = new StoreHealth(Clock.systemUTC());
        OcspResponder responder = responder(health, new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog()), 100);
        OcspResponder.Answer cached = responder.respond(request(1), ASKER);
        assertThat(status(cached)).isEqualTo(OCSPResp.SUCCESSFUL);
        health.unreachable();
        OcspResponder.Answer during = responder.respond(request(1), ASKER);
        assertThat(status(during)).isEqualTo(OCSPResp.TRY_LATER);
        assertThat(during.outcome()).isEqualTo("store-unreachable");
        assertThat(status(responder.respond(withNonce(), ASKER))).isEqualTo(OCSPResp.TRY_LATER);
        health.refreshed();
        assertThat(responder.respond(request(1), ASKER)).as("recovered, and the cache kept").isSameAs(cached);
    }
}
