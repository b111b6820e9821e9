package dev.scepter.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.csr.CertificationRequests;
import dev.scepter.protocol.ocsp.OcspGetPath;
import dev.scepter.protocol.ocsp.OcspRequestDecoder;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.MessageType;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.ScepMessageParameter;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/**
 * The fuzz tests' seeds are what they claim to be (docs/development.md): real clients' requests
 * that reach the deepest code, not noise the decoders refuse at once. Findings ({@code crash-*},
 * {@code timeout-*}) are not seeds and are left out.
 */
class SeedCorpusTest {

    private static List<Path> seeds(String folder) throws Exception {
        Path root = Path.of(SeedCorpusTest.class.getResource("/dev/scepter/protocol/" + folder).toURI());
        try (Stream<Path> files = Files.list(root)) {
            List<Path> seeds = files.filter(f -> !f.getFileName().toString().matches("(crash|timeout|oom|leak)-.*"))
                    .sorted().toList();
            assertThat(seeds).as(folder).isNotEmpty();
            return seeds;
        }
    }

    @Test
    void everyPkiMessageSeedIsASignedRequestThatDecryptsWithTheCommittedCaKeyToASignedCsr() throws Exception {
        KeyTransportDecryptor ca;
        try (PEMParser pem = new PEMParser(new InputStreamReader(
                SeedCorpusTest.class.getResourceAsStream("/dev/scepter/protocol/scep/PkiMessageFuzzTest-ca.pem"), StandardCharsets.US_ASCII))) {
            X509CertificateHolder certificate = (X509CertificateHolder) pem.readObject();
            assertThat(certificate.getSubject().toString()).isEqualTo("CN=Scepter-Root-CA-V1,O=Scepter");
            ca = KeyTransportDecryptor.of(new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) pem.readObject()));
        }
        int renewals = 0;
        for (Path seed : seeds("scep/PkiMessageFuzzTestInputs/postBody")) {
            renewals += checkPkiMessage(seed, PkiMessageDecoder.decode(Files.readAllBytes(seed)), ca);
        }
        for (Path seed : seeds("scep/PkiMessageFuzzTestInputs/getQuery")) {
            String query = Files.readString(seed, StandardCharsets.ISO_8859_1);
            assertThat(ScepMessageParameter.value(query, "operation")).isEqualTo("PKIOperation");
            renewals += checkPkiMessage(seed,
                    PkiMessageDecoder.decode(ScepMessageParameter.decode(ScepMessageParameter.value(query, "message"))), ca);
        }
        assertThat(renewals).as("RenewalReq seeds").isGreaterThanOrEqualTo(2);
    }

    private static int checkPkiMessage(Path seed, PkiMessage message, KeyTransportDecryptor ca) throws Exception {
        assertThat(message.signatureValid()).as("%s is signed", seed).isTrue();
        assertThat(message.messageType()).as("%s", seed).isIn(MessageType.PKCS_REQ, MessageType.RENEWAL_REQ);
        PKCS10CertificationRequest csr = message.decryptCertificationRequest(ca);
        assertThat(CertificationRequests.isSelfSignatureValid(csr)).as("%s carries a signed CSR", seed).isTrue();
        return message.messageType() == MessageType.RENEWAL_REQ ? 1 : 0;
    }

    @Test
    void everyOcspSeedDecodesAndEachGetPathHoldsOneOfThePostedRequests() throws Exception {
        List<byte[]> posted = new java.util.ArrayList<>();
        for (Path seed : seeds("ocsp/OcspRequestFuzzTestInputs/postBody")) {
            byte[] der = Files.readAllBytes(seed);
            assertThat(OcspRequestDecoder.decode(der).certificateIds()).as("%s", seed).isNotEmpty();
            posted.add(der);
        }
        for (Path seed : seeds("ocsp/OcspRequestFuzzTestInputs/getPath")) {
            byte[] der = OcspGetPath.decode(Files.readString(seed, StandardCharsets.ISO_8859_1));
            assertThat(posted).as("%s", seed).anySatisfy(request -> assertThat(request).isEqualTo(der));
        }
    }

    @Test
    void everyCsrSeedDecodesToASignedRequest() throws Exception {
        for (Path seed : seeds("csr/CertificationRequestFuzzTestInputs/apiCsrBody")) {
            PKCS10CertificationRequest csr = CertificationRequests.decode(Files.readAllBytes(seed));
            assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(csr.getSubjectPublicKeyInfo())))
                    .as("%s", seed).isTrue();
        }
    }
}
