package dev.scepter.authority;

import dev.scepter.authority.ca.CaSigner;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A software CA for tests of the authority's rules (the keys module has the real adapters). */
public final class TestCa implements CaSigner {

    private final KeyPair keyPair;
    private final X509CertificateHolder certificate;

    public TestCa(Instant notAfter) throws Exception {
        this.keyPair = rsa();
        X500Name name = new X500Name("CN=Test Root CA,O=Scepter Tests");
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.valueOf(1),
                Date.from(Instant.now().minus(1, ChronoUnit.DAYS)), Date.from(notAfter), name, publicKey);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.subjectKeyIdentifier, false, new BcX509ExtensionUtils().createSubjectKeyIdentifier(publicKey));
        this.certificate = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate()));
    }

    public static KeyPair rsa() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    @Override
    public X509CertificateHolder certificate() {
        return certificate;
    }

    @Override
    public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
        String digest = new DefaultAlgorithmNameFinder().getAlgorithmName(digestAlgorithm).replace("-", "");
        return new JcaContentSignerBuilder(digest + "withRSA").build(keyPair.getPrivate());
    }

    @Override
    public String describe() {
        return "test key in memory";
    }
}
