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
import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.CertID;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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

    /**
     * A request without a nonce for the CA itself and a certificate of another issuer with serial
     * {@code n}: a key of the response cache of its own (its CertIDs differ), answered with a
     * nextUpdate (good, and unknown for the foreign one), so cached.
     */
    private static byte[] request(int n) throws Exception {
        CertificateID foreign = new CertificateID(new CertID(CertificateID.HASH_SHA1, new DEROctetString(new byte[20]),
                new DEROctetString(new byte[20]), new ASN1Integer(n)));
        return new OCSPReqBuilder().addRequest(caItself).addRequest(foreign).build().getEncoded();
    }

    private static CertificateID caItself(AlgorithmIdentifier hash) throws Exception {
        return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(hash), server.core.ca().certificate(),
                server.core.ca().certificate().getSerialNumber());
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
        ConcurrencyLimit signing = new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog());
        // Room for 100 answers: the cache is weighed in KiB, 1 + the size of an answer.
        int max = 100 * (1 + responder(new StoreHealth(Clock.systemUTC()), signing, 0).respond(request(0), ASKER).response().length / 1024);
        OcspResponder responder = responder(new StoreHealth(Clock.systemUTC()), signing, max);
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

    /**
     * The encoder made once per responder identity follows a renewal: after the delegated
     * responder's certificate and key are renewed, answers name the new key (ResponderID byKey),
     * include the new certificate, and verify with it; an encoder kept from the first identity
     * would sign with a key whose certificate expires.
     */
    @Test
    void afterTheResponderIsRenewedAnswersAreSignedAsTheNewResponder() throws Exception {
        MovingClock clock = new MovingClock(Instant.now());
        DelegatedResponder delegated = renewedHourly(clock);
        OcspResponder responder = responder(clock, delegated, 600);

        X509CertificateHolder first = signedBy(responder.respond(withNonce(), ASKER));
        clock.advance(Duration.ofMinutes(50));
        X509CertificateHolder renewed = delegated.identity().certificatesToInclude().get(0);
        assertThat(renewed).as("renewed at three quarters of its life").isNotEqualTo(first);
        assertThat(signedBy(responder.respond(withNonce(), ASKER))).isEqualTo(renewed);
    }

    /**
     * A cached answer is not served again once the responder has been renewed, though its status
     * holds and it is within its reuse window: it would carry the old responder's certificate.
     */
    @Test
    void anAnswerOfTheRenewedResponderIsNotServedAgain() throws Exception {
        MovingClock clock = new MovingClock(Instant.now());
        DelegatedResponder delegated = renewedHourly(clock);
        OcspResponder responder = responder(clock, delegated, 5);
        byte[] der = request(recordCertificate());
        X509CertificateHolder original = delegated.identity().certificatesToInclude().get(0);
        clock.advance(Duration.ofMinutes(44).plusSeconds(30));
        OcspResponder.Answer before = responder.respond(der, ASKER);
        assertThat(signedBy(before)).as("signed just before the renewal, at three quarters of an hour").isEqualTo(original);

        clock.advance(Duration.ofSeconds(40));
        OcspResponder.Answer after = responder.respond(der, ASKER);
        X509CertificateHolder renewed = delegated.identity().certificatesToInclude().get(0);
        assertThat(renewed).isNotEqualTo(original);
        assertThat(after).as("40 s later, within the reuse window, after the renewal").isNotSameAs(before);
        assertThat(signedBy(after)).isEqualTo(renewed);
    }

    /** A delegated responder of the running core's CA on {@code clock}, valid an hour, renewed at three quarters of it. */
    private static DelegatedResponder renewedHourly(Clock clock) {
        return new DelegatedResponder(server.core.ca(), server.context.getBean(CertificateStore.class),
                server.context.getBean(dev.scepter.authority.issuance.SerialNumbers.class), clock, new java.security.SecureRandom(), true,
                Duration.ofHours(1), Duration.ZERO);
    }

    /** The responder certificate a successful answer includes, once its ResponderID names that certificate's key and it verifies with it. */
    private static X509CertificateHolder signedBy(OcspResponder.Answer answer) throws Exception {
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(answer.response()).getResponseObject();
        assertThat(basic.getCerts()).hasSize(1);
        X509CertificateHolder certificate = basic.getCerts()[0];
        assertThat(basic.getResponderId()).isEqualTo(new org.bouncycastle.cert.ocsp.RespID(certificate.getSubjectPublicKeyInfo(),
                new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1)));
        assertThat(basic.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(certificate))).isTrue();
        return certificate;
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

    @Test
    void requestsForTheSameCertificateEncodedDifferentlyShareOneCachedAnswer() throws Exception {
        OcspResponder responder = responder(new StoreHealth(Clock.systemUTC()),
                new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog()), 100);
        byte[] plain = new OCSPReqBuilder().addRequest(caItself).build().getEncoded();
        OcspResponder.Answer first = responder.respond(plain, ASKER);
        assertThat(status(first)).isEqualTo(OCSPResp.SUCCESSFUL);
        KeyPair relyingParty = initialized(KeyPairGenerator.getInstance("EC")).generateKeyPair();
        X509CertificateHolder relyingPartyCertificate = new JcaX509v3CertificateBuilder(new X500Name("CN=relying party"), BigInteger.TEN,
                new Date(), new Date(System.currentTimeMillis() + 3_600_000), new X500Name("CN=relying party"), relyingParty.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(relyingParty.getPrivate()));
        Map<String, byte[]> variants = Map.of(
                "with a requestorName", new OCSPReqBuilder().setRequestorName(new GeneralName(new X500Name("CN=relying party")))
                        .addRequest(caItself).build().getEncoded(),
                "with an extension other than the nonce (acceptable response types, RFC 6960 section 4.4.3)", new OCSPReqBuilder()
                        .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_response, false,
                                new DERSequence(OCSPObjectIdentifiers.id_pkix_ocsp_basic).getEncoded())))
                        .addRequest(caItself).build().getEncoded(),
                "signed by the relying party", new OCSPReqBuilder().setRequestorName(new GeneralName(new X500Name("CN=relying party")))
                        .addRequest(caItself).build(new JcaContentSignerBuilder("SHA256withECDSA").build(relyingParty.getPrivate()),
                                new X509CertificateHolder[] {relyingPartyCertificate}).getEncoded());
        variants.forEach((what, der) -> {
            assertThat(der).as(what).isNotEqualTo(plain);
            assertThat(responder.respond(der, new OcspResponder.Asker("GET /ocsp", "192.0.2.8"))).as(what).isSameAs(first);
        });
    }

    private static KeyPairGenerator initialized(KeyPairGenerator generator) throws Exception {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator;
    }

    @Test
    void overHttpAGetAndAPostOfDifferentRequestsForOneCertificateGetTheSameSignedBytes() throws Exception {
        // A certificate no other test here asks about over HTTP: SHA-384 CertIDs.
        CertificateID sha384 = caItself(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha384, DERNull.INSTANCE));
        byte[] posted = new OCSPReqBuilder().addRequest(sha384).build().getEncoded();
        byte[] gotten = new OCSPReqBuilder().setRequestorName(new GeneralName(new X500Name("CN=relying party"))).addRequest(sha384)
                .build().getEncoded();
        byte[] viaPost = server.post("/ocsp", "application/ocsp-request", posted).body();
        byte[] viaGet = server.get("/ocsp/" + URLEncoder.encode(Base64.getEncoder().encodeToString(gotten), StandardCharsets.US_ASCII))
                .body();
        assertThat(new OCSPResp(viaPost).getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        // The delegated responder signs with ECDSA (P-256): two signings of one answer differ in their bytes.
        assertThat(viaGet).as("the POST's answer, from the cache").isEqualTo(viaPost);
    }

    @Test
    void eachHashAlgorithmAndEachSpellingOfItsParametersIsAnEntryOfItsOwn() throws Exception {
        OcspResponder responder = responder(new StoreHealth(Clock.systemUTC()),
                new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog()), 100);
        List<CertificateID> ids = List.of(caItself,
                caItself(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE)),
                caItself(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)));
        List<OcspResponder.Answer> answers = new ArrayList<>();
        for (CertificateID id : ids) {
            byte[] der = new OCSPReqBuilder().addRequest(id).build().getEncoded();
            OcspResponder.Answer answer = responder.respond(der, ASKER);
            assertThat(responder.respond(der, ASKER)).as("cached").isSameAs(answer);
            SingleResp[] singles = ((BasicOCSPResp) new OCSPResp(answer.response()).getResponseObject()).getResponses();
            assertThat(singles).hasSize(1);
            assertThat(singles[0].getCertID().toASN1Primitive()).as("the CertID echoed as sent").isEqualTo(id.toASN1Primitive());
            answers.add(answer);
        }
        assertThat(answers).doesNotHaveDuplicates();
        assertThat(answers.get(0)).isNotSameAs(answers.get(1));
        assertThat(answers.get(1)).isNotSameAs(answers.get(2));
    }

    @Test
    void requestsWithANonceAreNeverAnsweredFromTheCacheNorFillIt() throws Exception {
        OcspResponder responder = responder(new StoreHealth(Clock.systemUTC()),
                new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog()), 100);
        byte[] plain = new OCSPReqBuilder().addRequest(caItself).build().getEncoded();
        OcspResponder.Answer withNonce = responder.respond(withNonce(), ASKER);
        OcspResponder.Answer again = responder.respond(withNonce(), ASKER);
        assertThat(again).isNotSameAs(withNonce);
        assertThat(again.response()).as("signed anew").isNotEqualTo(withNonce.response());
        OcspResponder.Answer cached = responder.respond(plain, ASKER);
        assertThat(cached).isNotSameAs(withNonce).isNotSameAs(again);
        assertThat(((BasicOCSPResp) new OCSPResp(cached.response()).getResponseObject())
                .getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)).as("no nonce in the answer to a request without one").isNull();
        assertThat(responder.respond(withNonce(), ASKER)).as("a cached answer exists, and a nonce still gets its own")
                .isNotSameAs(cached);
    }

    @Test
    void aRevocationReachesTheNextAnswerThoughTheGoodOneWasCached() throws Exception {
        // The running core's responder, which its Revocations tell.
        OcspResponder responder = server.context.getBean(OcspResponder.class);
        BigInteger serial = recordCertificate();
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), serial);
        byte[] der = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        OcspResponder.Answer good = responder.respond(der, ASKER);
        assertThat(good.outcome()).isEqualTo("good");
        assertThat(responder.respond(der, ASKER)).as("cached").isSameAs(good);
        server.context.getBean(Revocations.class).revoke("test", serial, 1 /* keyCompromise */, null);
        OcspResponder.Answer revoked = responder.respond(der, ASKER);
        assertThat(revoked.outcome()).isEqualTo("revoked");
        SingleResp single = ((BasicOCSPResp) new OCSPResp(revoked.response()).getResponseObject()).getResponses()[0];
        assertThat(single.getCertStatus()).isInstanceOf(RevokedStatus.class);
        // And one for the same certificate spelled otherwise: the entry is per certificate, not per request.
        byte[] otherwise = new OCSPReqBuilder().setRequestorName(new GeneralName(new X500Name("CN=relying party"))).addRequest(id)
                .build().getEncoded();
        assertThat(responder.respond(otherwise, ASKER)).isSameAs(revoked);
    }

    /**
     * After the response cache's period the statuses are asked for again: unchanged, the same signed
     * answer is served on (not signed again); changed, by a revocation this responder was not told
     * of (as one made on another node), the next period's answer says so.
     */
    @Test
    void afterTheCachePeriodAnUnchangedAnswerIsServedAgainAndAChangedOneSignedAnew() throws Exception {
        MovingClock clock = new MovingClock(Instant.now());
        OcspResponder responder = responder(clock);
        BigInteger serial = recordCertificate();
        byte[] der = request(serial);
        OcspResponder.Answer good = responder.respond(der, ASKER);
        assertThat(good.outcome()).isEqualTo("good");

        clock.advance(Duration.ofSeconds(6));
        assertThat(responder.respond(der, ASKER)).as("checked again after the 5 s period, unchanged: the same signed answer")
                .isSameAs(good);

        // Revoked behind this responder's back: the core's Revocations tell the core's responder, not this one.
        server.context.getBean(Revocations.class).revoke("test", serial, 1 /* keyCompromise */, null);
        clock.advance(Duration.ofSeconds(2));
        assertThat(responder.respond(der, ASKER)).as("within the period that began at the check").isSameAs(good);
        clock.advance(Duration.ofSeconds(4));
        OcspResponder.Answer revoked = responder.respond(der, ASKER);
        assertThat(revoked.outcome()).as("the next period's check finds the revocation").isEqualTo("revoked");
        assertThat(((BasicOCSPResp) new OCSPResp(revoked.response()).getResponseObject()).getResponses()[0].getCertStatus())
                .isInstanceOf(RevokedStatus.class);
    }

    /** A good answer (valid 600 s) is served on for a tenth of that after its thisUpdate, then signed anew. */
    @Test
    void anUnchangedAnswerIsServedOnForATenthOfItsValidityThenSignedAnew() throws Exception {
        MovingClock clock = new MovingClock(Instant.now());
        OcspResponder responder = responder(clock);
        byte[] der = request(recordCertificate());
        OcspResponder.Answer first = responder.respond(der, ASKER);
        assertThat(first.outcome()).isEqualTo("good");
        servedOnUntil(responder, clock, der, first, 60);
    }

    /**
     * A revocation is valid 7 days, but its answer is served again for no more than a minute after
     * its thisUpdate: a relying party that bounds a response's age gets a recent one.
     */
    @Test
    void aRevokedAnswerIsServedOnForAMinuteAtMost() throws Exception {
        MovingClock clock = new MovingClock(Instant.now());
        OcspResponder responder = responder(clock);
        BigInteger serial = recordCertificate();
        server.context.getBean(Revocations.class).revoke("test", serial, 1 /* keyCompromise */, null);
        byte[] der = request(serial);
        OcspResponder.Answer first = responder.respond(der, ASKER);
        assertThat(first.outcome()).isEqualTo("revoked");
        assertThat(Duration.between(first.thisUpdate().orElseThrow(), first.nextUpdate().orElseThrow())).isEqualTo(Duration.ofDays(7));
        servedOnUntil(responder, clock, der, first, 60);
    }

    /**
     * A request for the CA and for a certificate of another issuer: its answer is valid as long as
     * its shortest part (the unknown one's 300 s), so it is served on for a tenth of that.
     */
    @Test
    void anAnswerOfSeveralPartsIsServedOnForATenthOfItsShortestValidity() throws Exception {
        MovingClock clock = new MovingClock(Instant.now());
        OcspResponder responder = responder(clock);
        byte[] der = request(7);
        OcspResponder.Answer first = responder.respond(der, ASKER);
        assertThat(first.outcome()).isEqualTo("good");
        assertThat(Duration.between(first.thisUpdate().orElseThrow(), first.nextUpdate().orElseThrow())).isEqualTo(Duration.ofSeconds(300));
        servedOnUntil(responder, clock, der, first, 30);
    }

    /** Asks every 6 s: the same answer until {@code seconds} after its thisUpdate, then a new one signed then. */
    private static void servedOnUntil(OcspResponder responder, MovingClock clock, byte[] der, OcspResponder.Answer first, int seconds)
            throws Exception {
        Instant signedAt = first.thisUpdate().orElseThrow();
        Instant start = clock.instant();
        while (true) {
            clock.advance(Duration.ofSeconds(6));
            OcspResponder.Answer answer = responder.respond(der, ASKER);
            if (clock.instant().isBefore(signedAt.plusSeconds(seconds))) {
                assertThat(answer).as("%s after the first answer", Duration.between(start, clock.instant())).isSameAs(first);
                continue;
            }
            assertThat(answer).as("%d s after its thisUpdate", seconds).isNotSameAs(first);
            assertThat(answer.outcome()).isEqualTo(first.outcome());
            assertThat(answer.thisUpdate().orElseThrow()).isAfterOrEqualTo(signedAt.plusSeconds(seconds));
            return;
        }
    }

    /** A clock a test moves by hand. */
    private static final class MovingClock extends Clock {
        private volatile Instant now;

        MovingClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** The running core's validity and signer, a 600 s good answer, a 5 s response cache, and {@code clock}. */
    private static OcspResponder responder(Clock clock) {
        return responder(clock, server.context.getBean(DelegatedResponder.class), 5);
    }

    /** The running core's validity, {@code delegated} to sign, a 600 s good answer, and {@code clock}. */
    private static OcspResponder responder(Clock clock, DelegatedResponder delegated, int responseCacheSeconds) {
        return new OcspResponder(new IssuerMatcher(server.core.ca().certificate()), server.context.getBean(Validity.class), delegated,
                OcspResponder.timing(600, 300, responseCacheSeconds), clock, new StoreHealth(clock),
                new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog()));
    }

    private static byte[] request(BigInteger serial) throws Exception {
        return new OCSPReqBuilder().addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), serial)).build().getEncoded();
    }

    /** A static-endpoint certificate (type byte 0x50, bound to nothing) recorded as issued by the CA. */
    private static BigInteger recordCertificate() throws Exception {
        byte[] bytes = new byte[20];
        new java.security.SecureRandom().nextBytes(bytes);
        bytes[0] = 0x50;
        BigInteger serial = new BigInteger(1, bytes);
        KeyPair key = initialized(KeyPairGenerator.getInstance("EC")).generateKeyPair();
        X500Name issuer = server.core.ca().certificate().getSubject();
        Instant notBefore = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notBefore.plus(Duration.ofDays(30));
        // Signed by a throwaway key: OCSP never reads the DER.
        byte[] der = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore), Date.from(notAfter), new X500Name("CN=cached"),
                key.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
        server.context.getBean(CertificateStore.class).record(new IssuedCertificate(serial, server.context.getBean("issuerName", String.class),
                "CN=cached", Collections.emptyList(), notBefore, notAfter, "static", "challenge", Optional.empty(), Optional.empty(),
                Optional.empty(), der));
        return serial;
    }

    @Test
    void theCacheKeepsNoMoreThanItsBound() throws Exception {
        int max = 50;
        OcspResponder responder = responder(new StoreHealth(Clock.systemUTC()),
                new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 4, new ShedLog()), max);
        for (int n = 0; n < 10 * max; n++) {
            assertThat(status(responder.respond(request(n), ASKER))).isEqualTo(OCSPResp.SUCCESSFUL);
        }
        assertThat(responder.cachedKiB()).as("KiB of responses cached after %d distinct answers", 10 * max).isPositive()
                .isLessThanOrEqualTo(max);
    }
}
