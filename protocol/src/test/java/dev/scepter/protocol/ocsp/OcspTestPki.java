package dev.scepter.protocol.ocsp;

import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates of the OCSP tests, on top of the SCEP tests' CA ({@link TestPki#CA_CERT}, RSA):
 * leaves it issued, a delegated responder with an EC key (RFC 6960 section 4.2.2.2), a CA with an
 * EC key, and another CA.
 */
public final class OcspTestPki {
    public static final X509CertificateHolder CA_CERT = TestPki.CA_CERT;

    public static final List<X509CertificateHolder> LEAVES = List.of(
            TestPki.issue(CA_CERT, TestPki.CA_KEYS.getPrivate(), "CN=leaf-1", TestPki.CLIENT_KEYS, BigInteger.valueOf(1001)),
            TestPki.issue(CA_CERT, TestPki.CA_KEYS.getPrivate(), "CN=leaf-2", TestPki.CLIENT_KEYS, BigInteger.valueOf(1002)),
            TestPki.issue(CA_CERT, TestPki.CA_KEYS.getPrivate(), "CN=leaf-3", TestPki.CLIENT_KEYS,
                    new BigInteger("40390ba11484b5d6ed606b42b382276a3e8d626d", 16)));

    public static final KeyPair RESPONDER_KEYS = TestPki.ec();
    public static final X509CertificateHolder RESPONDER_CERT = delegatedResponder(RESPONDER_KEYS);

    public static final KeyPair EC_CA_KEYS = TestPki.ec();
    public static final X509CertificateHolder EC_CA_CERT = TestPki.selfSigned("CN=Scepter EC CA", EC_CA_KEYS, true);

    /** Another CA, whose CertIDs Scepter is not authoritative for. */
    public static final X509CertificateHolder OTHER_CA_CERT = TestPki.STRANGER_CERT;

    private OcspTestPki() {
    }

    /** The CA signing its own responses. */
    public static CmsSigner caResponder() {
        return CmsSigner.of(CA_CERT, TestPki.CA_KEYS.getPrivate());
    }

    /** The delegated responder, with its EC key. */
    public static CmsSigner delegatedResponder() {
        return CmsSigner.of(RESPONDER_CERT, RESPONDER_KEYS.getPrivate());
    }

    public static CmsSigner ecCaResponder() {
        return CmsSigner.of(EC_CA_CERT, EC_CA_KEYS.getPrivate());
    }

    /**
     * A responder certificate as RFC 6960 section 4.2.2.2 wants it: issued by the CA, with
     * id-kp-OCSPSigning, and id-pkix-ocsp-nocheck so clients do not ask about it in turn.
     */
    private static X509CertificateHolder delegatedResponder(KeyPair keys) {
        try {
            Instant now = Instant.now();
            PrivateKey issuerKey = TestPki.CA_KEYS.getPrivate();
            var builder = new JcaX509v3CertificateBuilder(CA_CERT.getSubject(), BigInteger.valueOf(77),
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
                    new X500Name("CN=Scepter OCSP Responder"), keys.getPublic());
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.getInstance(OcspObjectIdentifiers.OCSP_SIGNING)));
            builder.addExtension(OcspObjectIdentifiers.NO_CHECK, false, DERNull.INSTANCE);
            return builder.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(TestPki.BC).build(issuerKey));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
