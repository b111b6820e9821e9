package dev.scepter.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every key custody hands out, whatever keeps the key: signers whose signatures the
 * certificates verify, and decrypters that open what a SCEP client encrypts to the CA or its RA
 * (RFC 8894 sections 2.1, 3.2.2). Each adapter's test extends this, in this module or another
 * (Key Vault's, in azure).
 */
public abstract class KeyCustodyContractTest {

    protected static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);
    protected static final RootCaSpec RSA_CA = new RootCaSpec("CN=RSA Root,O=Example", 2048, 30, false);
    protected static final RootCaSpec EC_CA = new RootCaSpec("CN=EC Root,O=Example", "EC", 256, 30, false);

    /** Creates a new root CA in a fresh, empty custody of the kind under test. */
    protected abstract KeyCustody create(RootCaSpec spec) throws Exception;

    /** Opens again what {@link #create} made, as a restarted server does. */
    protected abstract KeyCustody reopen() throws Exception;

    @Test
    void anRsaCaSignsWhatItsCertificateVerifiesAndIsItsOwnScepKey() throws Exception {
        KeyCustody custody = create(RSA_CA);

        assertThat(custody.needsScepRa()).isFalse();
        assertSignsVerifiably(custody.ca(), custody.ca().certificate());
        ScepKey scep = custody.scepKey();
        assertThat(scep.raCertificate()).isEmpty();
        assertThat(scep.signer().certificate()).isEqualTo(custody.ca().certificate());
        assertDecryptsScepRequestsTo(scep, custody.ca().certificate());
    }

    @Test
    void theReopenedCustodyHasTheSameCaAndKey() throws Exception {
        KeyCustody created = create(RSA_CA);
        KeyCustody opened = reopen();

        assertThat(opened.kind()).isEqualTo(created.kind());
        assertThat(opened.ca().certificate()).isEqualTo(created.ca().certificate());
        assertThat(opened.ca().certificate().getSubject().toString()).isEqualTo("CN=RSA Root,O=Example");
        assertSignsVerifiably(opened.ca(), created.ca().certificate());
        assertDecryptsScepRequestsTo(opened.scepKey(), created.ca().certificate());
    }

    @Test
    void anEcCaSignsAndItsScepRaIsIssuedByItAndDecrypts() throws Exception {
        KeyCustody custody = create(EC_CA);

        assertThat(custody.needsScepRa()).isTrue();
        assertSignsVerifiably(custody.ca(), custody.ca().certificate());
        assertThatThrownBy(custody::scepKey).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The CA key is not RSA, so SCEP needs the RSA RA")
                .hasMessageContaining("run complete-installation to create it.");

        custody.createScepRa(Clock.systemUTC(), new SecureRandom());

        ScepKey scep = reopen().scepKey();
        X509CertificateHolder ra = scep.raCertificate().orElseThrow();
        assertThat(ra.getIssuer()).isEqualTo(custody.ca().certificate().getSubject());
        assertThat(ra.isSignatureValid(new JcaContentVerifierProviderBuilder().build(custody.ca().certificate()))).isTrue();
        assertThat(KeyUsage.fromExtensions(ra.getExtensions()).hasUsages(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)).isTrue();
        assertThat(scep.signer().certificate()).isEqualTo(ra);
        assertSignsVerifiably(scep.signer(), ra);
        assertDecryptsScepRequestsTo(scep, ra);
    }

    @Test
    void anExpiredRaIsRefused() throws Exception {
        // A CA of 30 days made two months ago: its RA lived as long as the CA, and ended with it.
        Clock then = Clock.fixed(Instant.now().minus(Duration.ofDays(60)), ZoneOffset.UTC);
        KeyCustody custody = create(EC_CA, then);
        custody.createScepRa(then, new SecureRandom());

        assertThatThrownBy(custody::scepKey).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a valid certificate of this CA");
    }

    /** Creates a root CA as if at {@code clock}'s time. */
    protected abstract KeyCustody create(RootCaSpec spec, Clock clock) throws Exception;

    protected static void assertSignsVerifiably(CmsSigner signer, X509CertificateHolder certificate) throws Exception {
        byte[] data = "to be signed".getBytes(StandardCharsets.UTF_8);
        ContentSigner contentSigner = signer.contentSigner(SHA256);
        try (OutputStream out = contentSigner.getOutputStream()) {
            out.write(data);
        }
        byte[] signature = contentSigner.getSignature();
        ContentVerifier verifier = new JcaContentVerifierProviderBuilder().build(certificate).get(contentSigner.getAlgorithmIdentifier());
        try (OutputStream out = verifier.getOutputStream()) {
            out.write(data);
        }
        assertThat(verifier.verify(signature)).isTrue();
        // A signature over other data must not verify: the check above can fail.
        ContentVerifier other = new JcaContentVerifierProviderBuilder().build(certificate).get(contentSigner.getAlgorithmIdentifier());
        try (OutputStream out = other.getOutputStream()) {
            out.write("something else".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(other.verify(signature)).isFalse();
    }

    /** A PKCSReq built by an independent encoder, encrypted to {@code recipient}, opens to the client's CSR. */
    protected static void assertDecryptsScepRequestsTo(ScepKey scep, X509CertificateHolder recipient) throws Exception {
        byte[] request = ScepRequestBuilder.pkcsReq().recipient(recipient).build();
        assertThat(PkiMessageDecoder.decode(request).decryptCertificationRequest(scep.decrypter(), recipient).getEncoded())
                .isEqualTo(TestPki.CSR.getEncoded());
    }
}
