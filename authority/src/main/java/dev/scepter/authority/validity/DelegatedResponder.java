package dev.scepter.authority.validity;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.protocol.crypto.CryptoProviders;
import dev.scepter.protocol.crypto.SoftwareKey;
import dev.scepter.protocol.scep.CmsSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Who signs OCSP responses. By default a delegated responder (RFC 6960 section 4.2.2.2): a key
 * made at start and kept in memory only, certified by the CA for id-kp-OCSPSigning with
 * id-pkix-ocsp-nocheck, for {@code AppConfig:OCSP:AuthorizedResponderValidityHours}, and renewed
 * before it ends; the CA key (in an HSM or Key Vault, perhaps) then signs once a day, not once a
 * response. With {@code AppConfig:OCSP:UseAuthorizedResponder=false} the CA key signs each one.
 *
 * <p>The responder key is ECDSA P-256, made and used by the providers {@link CryptoProviders}
 * chooses: made by BouncyCastle, signing with the native provider when it loads, else
 * BouncyCastle (measured here on one core,
 * about 11,600 signatures a second against 1,020 for RSA-2048 and 1,800 for the JDK's P-256).
 */
public final class DelegatedResponder {

    /** The signer of one response, and the certificates a relying party needs to check it. */
    public record Identity(CmsSigner signer, List<X509CertificateHolder> certificatesToInclude) {
        public Identity {
            Objects.requireNonNull(signer, "signer");
            certificatesToInclude = List.copyOf(certificatesToInclude);
        }
    }

    /**
     * The {@code endpoint} its own certificates are recorded under: they sign OCSP responses
     * (RFC 6960 section 4.2.2.2) and were issued to no device, so device counts leave them out.
     */
    public static final String ENDPOINT = "ocsp-responder";

    private static final System.Logger LOG = System.getLogger(DelegatedResponder.class.getName());
    /** How soon a renewal that failed is tried again. */
    private static final Duration RETRY_RENEWAL = Duration.ofMinutes(1);
    private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

    private final CaSigner ca;
    private final CertificateStore store;
    private final SerialNumbers serials;
    private final Clock clock;
    private final SecureRandom random;
    private final boolean delegated;
    private final Duration lifetime;
    private final Duration clockSkew;
    private volatile Identity current;
    private volatile Instant renewAt = Instant.MIN;

    public DelegatedResponder(CaSigner ca, CertificateStore store, SerialNumbers serials, Clock clock, SecureRandom random,
            boolean delegated, Duration lifetime, Duration clockSkew) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.store = Objects.requireNonNull(store, "store");
        this.serials = Objects.requireNonNull(serials, "serials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.delegated = delegated;
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        if (!delegated) {
            current = new Identity(ca, List.of());
            renewAt = Instant.MAX;
        }
    }

    /** The identity to sign with now, renewed when three quarters of its lifetime are gone. */
    public Identity identity() {
        if (clock.instant().isBefore(renewAt)) {
            return current;
        }
        synchronized (this) {
            Instant now = clock.instant();
            if (now.isBefore(renewAt)) {
                return current;
            }
            try {
                current = issue(now);
            } catch (RuntimeException e) {
                // The store (where the new certificate is recorded) or the CA key cannot be used
                // now. A certificate renewed at three quarters of its life still has a quarter
                // left: sign with it and try again shortly, rather than answer nothing.
                if (current == null || !now.isBefore(current.certificatesToInclude().get(0).getNotAfter().toInstant())) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "Could not renew the OCSP responder certificate, still signing with the current one: "
                        + e.getMessage());
                renewAt = now.plus(RETRY_RENEWAL);
                return current;
            }
            renewAt = now.plus(lifetime.multipliedBy(3).dividedBy(4));
            return current;
        }
    }

    public boolean isDelegated() {
        return delegated;
    }

    private Identity issue(Instant now) {
        try {
            Optional<Provider> keyMaker = CryptoProviders.current().provider(CryptoProviders.Operation.EC_KEY_GENERATION);
            KeyPairGenerator generator = keyMaker.isPresent() ? KeyPairGenerator.getInstance("EC", keyMaker.get())
                    : KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keyPair = generator.generateKeyPair();
            X509CertificateHolder caCertificate = ca.certificate();
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded());
            BigInteger serial = serials.unbound(SerialNumbers.TYPE_STATIC);
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(caCertificate.getSubject(), serial,
                    Date.from(now.minus(clockSkew)), Date.from(now.plus(lifetime)), responderName(caCertificate.getSubject()), publicKey);
            BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
            // RFC 6960 section 4.2.2.2.1: relying parties need not check the responder's own status.
            builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            SubjectKeyIdentifier caKeyId = SubjectKeyIdentifier.fromExtensions(caCertificate.getExtensions());
            if (caKeyId != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        new org.bouncycastle.asn1.x509.AuthorityKeyIdentifier(caKeyId.getKeyIdentifier()));
            }
            X509CertificateHolder certificate = builder.build(ca.contentSigner(SHA256));
            store.record(new IssuedCertificate(serial, BCStyle.INSTANCE.toString(certificate.getIssuer()),
                    BCStyle.INSTANCE.toString(certificate.getSubject()), List.of(), certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant(), ENDPOINT, "node", Optional.empty(), Optional.empty(),
                    Optional.empty(), certificate.getEncoded()));
            SoftwareKey key = SoftwareKey.of(keyPair.getPrivate());
            CmsSigner signer = new CmsSigner() {
                @Override
                public X509CertificateHolder certificate() {
                    return certificate;
                }

                @Override
                public org.bouncycastle.operator.ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm)
                        throws OperatorCreationException {
                    return key.contentSigner("SHA256withECDSA");
                }
            };
            return new Identity(signer, List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the OCSP responder's key and certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X500Name responderName(X500Name caName) {
        String commonName = caName.getRDNs(BCStyle.CN).length > 0
                ? caName.getRDNs(BCStyle.CN)[0].getFirst().getValue().toString()
                : "Scepter";
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName + " OCSP Responder").build();
    }
}
