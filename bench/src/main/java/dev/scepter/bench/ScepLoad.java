package dev.scepter.bench;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.CollectionStore;

/**
 * SCEP enrollments against one server (RFC 8894 PKCSReq over POST), with every request built
 * before the clock starts, so that the figure is the server's and not this client's.
 *
 * <p>Requests come from {@code --keys} RSA-2048 client keys (4 unless told), used in turn, each
 * request with a CN, transactionID and senderNonce of its own. A real device brings a key of its
 * own, and a server pays for a new key (BouncyCastle's validation of a modulus it has not seen, the
 * authority's key checks: a full-size modular exponentiation, milliseconds in Java) where a key it
 * has just seen costs it nothing: {@code --keys} equal to the count gives every request a new key.
 * With {@code --key-seed} the keys come from a generator seeded with it, so that two runs with the
 * same seed (one per server) send the same keys; they are made before the clock starts.
 * After the clock stops every answer is checked: a CertRep whose signature verifies with the
 * server's certificate, status SUCCESS, our transactionID and nonce echoed, and an envelope that
 * decrypts with the client's key to a certificate for that key. A CertRep FAILURE is counted (only
 * delivered certificates make the rate); any other failed check fails the run.
 *
 * <p>Prints one line: {@code enrollments=N failures=F seconds=S per_second=R p50_ms=A p99_ms=B}.
 */
final class ScepLoad {

    private static final ASN1ObjectIdentifier MESSAGE_TYPE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.2");
    private static final ASN1ObjectIdentifier PKI_STATUS = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.3");
    private static final ASN1ObjectIdentifier FAIL_INFO = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.4");
    private static final ASN1ObjectIdentifier SENDER_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.5");
    private static final ASN1ObjectIdentifier RECIPIENT_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.6");
    private static final ASN1ObjectIdentifier TRANSACTION_ID = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.7");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A PKCSReq ready to send: its body, and what checking the answer needs. */
    record Prepared(KeyPair keys, String transactionId, byte[] senderNonce, byte[] body) {
    }

    private record Sent(Prepared request, int status, byte[] response, long nanos) {
    }

    private ScepLoad() {
    }

    static void run(Options options) throws Exception {
        URI url = URI.create(options.get("url"));
        String challenge = options.get("challenge");
        int count = options.getInt("count", 64);
        int warmup = options.getInt("warmup", 8);
        int concurrency = options.getInt("concurrency", 8);
        int keyCount = options.getInt("keys", 4);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        X509Certificate recipient = recipient(http, url);
        String caps = new String(http.send(HttpRequest.newBuilder(URI.create(url + "?operation=GetCACaps")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body(), java.nio.charset.StandardCharsets.US_ASCII);
        ASN1ObjectIdentifier cipher = caps.contains("AES") ? CMSAlgorithm.AES128_CBC : CMSAlgorithm.DES_EDE3_CBC;

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        String seed = options.get("key-seed", null);
        if (seed == null) {
            generator.initialize(2048);
        } else {
            // SHA1PRNG seeded before its first use is deterministic: the same seed, the same keys.
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            generator.initialize(2048, seeded);
        }
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            keys.add(generator.generateKeyPair());
        }
        // With a key per request, the warm-up has keys of its own, so that no measured request's key is one the server has seen.
        List<KeyPair> warmKeys = keys;
        if (keyCount >= count && warmup > 0) {
            warmKeys = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                warmKeys.add(generator.generateKeyPair());
            }
        }
        List<Prepared> warm = prepare(warmup, warmKeys, recipient, challenge, cipher, "warm");
        List<Prepared> measured = prepare(count, keys, recipient, challenge, cipher, "run");

        check(send(http, url, warm, concurrency), recipient);
        long start = System.nanoTime();
        List<Sent> sent = send(http, url, measured, concurrency);
        double seconds = (System.nanoTime() - start) / 1e9;
        int failures = check(sent, recipient);

        // Only certificates delivered count; the latencies are of every answer.
        long[] latencies = sent.stream().mapToLong(Sent::nanos).sorted().toArray();
        int enrolled = count - failures;
        System.out.printf(java.util.Locale.ROOT, "enrollments=%d failures=%d seconds=%.3f per_second=%.2f p50_ms=%.1f p99_ms=%.1f cipher=%s%n",
                enrolled, failures, seconds, enrolled / seconds, percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
                cipher.equals(CMSAlgorithm.AES128_CBC) ? "aes128" : "3des");
    }

    private static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The certificate requests are encrypted to: the RA's when GetCACert hands out a chain, else the CA's. */
    private static X509Certificate recipient(HttpClient http, URI url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + "?operation=GetCACert")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GetCACert answered " + response.statusCode());
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Collection<? extends java.security.cert.Certificate> certificates = factory.generateCertificates(new ByteArrayInputStream(response.body()));
        for (var certificate : certificates) {
            X509Certificate x509 = (X509Certificate) certificate;
            if (x509.getBasicConstraints() < 0) {
                return x509;
            }
        }
        return (X509Certificate) certificates.iterator().next();
    }

    static List<Prepared> prepare(int count, List<KeyPair> keys, X509Certificate recipient, String challenge,
            ASN1ObjectIdentifier cipher, String label) throws Exception {
        List<Prepared> prepared = new ArrayList<>(count);
        String run = Long.toHexString(RANDOM.nextLong());
        for (int i = 0; i < count; i++) {
            KeyPair pair = keys.get(i % keys.size());
            String cn = "bench-" + run + "-" + label + "-" + i;
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), pair.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
            CMSEnvelopedDataGenerator envelope = new CMSEnvelopedDataGenerator();
            envelope.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient));
            byte[] enveloped = envelope.generate(new CMSProcessableByteArray(csr.getEncoded()),
                    new JceCMSContentEncryptorBuilder(cipher).build()).toASN1Structure().getEncoded(ASN1Encoding.DER);

            X509CertificateHolder signer = new JcaX509v3CertificateBuilder(new X500Name("CN=" + cn), BigInteger.valueOf(i + 1),
                    Date.from(Instant.now().minusSeconds(3600)), Date.from(Instant.now().plusSeconds(86_400)), new X500Name("CN=" + cn),
                    pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
            String transactionId = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest((cn + run).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            org.bouncycastle.asn1.ASN1EncodableVector attributes = new org.bouncycastle.asn1.ASN1EncodableVector();
            attributes.add(new Attribute(MESSAGE_TYPE, new DERSet(new DERPrintableString("19"))));
            attributes.add(new Attribute(TRANSACTION_ID, new DERSet(new DERPrintableString(transactionId))));
            attributes.add(new Attribute(SENDER_NONCE, new DERSet(new DEROctetString(nonce))));
            CMSSignedDataGenerator signed = new CMSSignedDataGenerator();
            signed.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()), signer));
            signed.addCertificates(new CollectionStore<>(List.of(signer)));
            // DER, not BC's default BER: micromdm's PKCS#7 parser digests a chunked (indefinite-length)
            // eContent differently and answers "message digest mismatch".
            byte[] body = signed.generate(new CMSProcessableByteArray(enveloped), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
            prepared.add(new Prepared(pair, transactionId, nonce, body));
        }
        return prepared;
    }

    private static List<Sent> send(HttpClient http, URI url, List<Prepared> requests, int concurrency) throws Exception {
        URI operation = URI.create(url + "?operation=PKIOperation");
        AtomicInteger next = new AtomicInteger();
        Sent[] sent = new Sent[requests.size()];
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
                        Prepared request = requests.get(i);
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(operation)
                                .header("Content-Type", "application/x-pki-message")
                                .timeout(Duration.ofSeconds(120))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body())).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        sent[i] = new Sent(request, response.statusCode(), response.body(), System.nanoTime() - t0);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return Arrays.asList(sent);
    }

    /** Checks every answer; returns how many were a CertRep FAILURE (anything else wrong throws). */
    private static int check(List<Sent> sent, X509Certificate recipient) throws Exception {
        int failures = 0;
        String firstFailure = null;
        for (Sent one : sent) {
            if (one.status() != 200) {
                throw new IllegalStateException("PKIOperation answered HTTP " + one.status() + ": "
                        + new String(one.response(), java.nio.charset.StandardCharsets.UTF_8));
            }
            CMSSignedData reply = new CMSSignedData(one.response());
            SignerInformation signer = reply.getSignerInfos().getSigners().iterator().next();
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signerCertificate(reply, signer, recipient)))) {
                throw new IllegalStateException("a CertRep's signature does not verify");
            }
            AttributeTable attributes = signer.getSignedAttributes();
            String status = text(attributes, PKI_STATUS);
            if (!"0".equals(status)) {
                // A well-formed refusal is the server's answer, counted, not a broken run (micromdm's
                // file depot refuses some requests under concurrency: "open depot/serial: file exists").
                String failure = "CertRep status " + status + ", failInfo " + (attributes.get(FAIL_INFO) == null ? "none"
                        : text(attributes, FAIL_INFO)) + " for transaction " + one.request().transactionId();
                if (firstFailure == null) {
                    firstFailure = failure;
                }
                failures++;
                continue;
            }
            if (!one.request().transactionId().equals(text(attributes, TRANSACTION_ID))
                    || !Arrays.equals(one.request().senderNonce(), octets(attributes, RECIPIENT_NONCE))) {
                throw new IllegalStateException("a CertRep does not echo its request's transactionID and nonce");
            }
            CMSEnvelopedData envelope = new CMSEnvelopedData((byte[]) reply.getSignedContent().getContent());
            RecipientInformation mine = envelope.getRecipientInfos().getRecipients().iterator().next();
            byte[] degenerate = mine.getContent(new JceKeyTransEnvelopedRecipient(one.request().keys().getPrivate()));
            boolean issuedForKey = new CMSSignedData(degenerate).getCertificates().getMatches(null).stream()
                    .anyMatch(c -> Arrays.equals(encodedKey((X509CertificateHolder) c), one.request().keys().getPublic().getEncoded()));
            if (!issuedForKey) {
                throw new IllegalStateException("a CertRep holds no certificate for the request's key");
            }
        }
        if (firstFailure != null) {
            System.err.println("scep-load: " + failures + " of " + sent.size() + " refused, the first: " + firstFailure);
        }
        return failures;
    }

    private static byte[] encodedKey(X509CertificateHolder certificate) {
        try {
            return certificate.getSubjectPublicKeyInfo().getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate signerCertificate(CMSSignedData reply, SignerInformation signer, X509Certificate fallback) throws Exception {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = reply.getCertificates().getMatches(signer.getSID());
        return matches.isEmpty() ? fallback : new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
    }

    private static String text(AttributeTable attributes, ASN1ObjectIdentifier type) {
        ASN1Encodable value = attributes.get(type).getAttrValues().getObjectAt(0);
        return ((ASN1String) value).getString();
    }

    private static byte[] octets(AttributeTable attributes, ASN1ObjectIdentifier type) {
        return attributes.get(type) == null ? null : ASN1OctetString.getInstance(attributes.get(type).getAttrValues().getObjectAt(0)).getOctets();
    }
}
