package dev.scepter.authority.issuance;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.protocol.csr.CertificationRequests;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Builds and signs end-entity certificates by the issuance rules: the one place that decides
 * what goes into a certificate.
 */
public final class CertificateIssuer {

    private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

    private final CaSigner ca;
    private final IssuancePolicy policy;
    private final Clock clock;
    private final BcX509ExtensionUtils extensionUtils = new BcX509ExtensionUtils();

    public CertificateIssuer(CaSigner ca, IssuancePolicy policy, Clock clock) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Issues a certificate for the request.
     *
     * @param requestedValidity what the requester asked for, if anything
     * @throws InvalidRequestException when the request cannot become a certificate (no subject nor SAN)
     */
    public X509CertificateHolder issue(PKCS10CertificationRequest csr, EndpointProfile endpoint,
            Optional<Duration> requestedValidity, BigInteger serialNumber) throws InvalidRequestException {
        preflight(csr);
        Optional<Extensions> requested = CertificationRequests.requestedExtensions(csr);
        X500Name subject = csr.getSubject();
        Extension san = requested.map(e -> e.getExtension(Extension.subjectAlternativeName)).orElse(null);
        boolean emptySubject = subject.getRDNs().length == 0;
        Instant now = clock.instant();
        Instant notBefore = now.minus(policy.clockSkew());
        Instant notAfter = now.plus(validity(endpoint, requestedValidity));
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            // A certificate outliving its issuer would fail path validation (RFC 5280 section 6.1.3) anyway.
            notAfter = caNotAfter;
        }
        X509CertificateHolder caCertificate = ca.certificate();
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(caCertificate.getSubject(), serialNumber,
                Date.from(notBefore), Date.from(notAfter), subject, csr.getSubjectPublicKeyInfo());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, keyUsage(requested, endpoint));
            builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(requested, endpoint));
            if (san != null) {
                // RFC 5280 section 4.2.1.6: with an empty subject the SAN must be critical.
                builder.addExtension(Extension.subjectAlternativeName, emptySubject || san.isCritical(),
                        GeneralNames.getInstance(san.getParsedValue()));
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensionUtils.createSubjectKeyIdentifier(csr.getSubjectPublicKeyInfo()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(caCertificate));
            builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
                new AccessDescription(AccessDescription.id_ad_caIssuers, uri(policy.caIssuersUrl().toString())),
                new AccessDescription(AccessDescription.id_ad_ocsp, uri(policy.ocspUrl().toString()))
            }));
            if (policy.crlDistributionPoint().isPresent()) {
                DistributionPointName name = new DistributionPointName(new GeneralNames(uri(policy.crlDistributionPoint().get().toString())));
                builder.addExtension(Extension.cRLDistributionPoints, false,
                        new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(name, null, null)}));
            }
            return builder.build(ca.contentSigner(SHA256));
        } catch (CertIOException | IllegalArgumentException e) {
            throw new InvalidRequestException("the request's extensions cannot be used: " + e.getMessage());
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("the CA key cannot sign", e);
        }
    }

    /**
     * The checks a request must pass before anything is spent on it (a one-time challenge is used
     * up by the request it authorises): a subject or SAN, and a key we certify.
     */
    public void preflight(PKCS10CertificationRequest csr) throws InvalidRequestException {
        boolean emptySubject = csr.getSubject().getRDNs().length == 0;
        boolean noSan = CertificationRequests.requestedExtensions(csr)
                .map(e -> e.getExtension(Extension.subjectAlternativeName)).isEmpty();
        if (emptySubject && noSan) {
            throw new InvalidRequestException("the request names no subject and no subject alternative name");
        }
        PublicKeyPolicy.check(csr.getSubjectPublicKeyInfo());
    }

    /** The issuing CA's name, as recorded. */
    public X500Name caName() {
        return ca.certificate().getSubject();
    }

    /** Validity is the smallest of the requested, the endpoint's and the global cap. */
    Duration validity(EndpointProfile endpoint, Optional<Duration> requestedValidity) {
        Duration validity = Duration.ofDays(policy.validityPeriodDays());
        if (endpoint.validityPeriodDays().isPresent()) {
            validity = min(validity, Duration.ofDays(endpoint.validityPeriodDays().get()));
        }
        if (requestedValidity.isPresent() && !requestedValidity.get().isNegative() && !requestedValidity.get().isZero()) {
            validity = min(validity, requestedValidity.get());
        }
        return validity;
    }

    private KeyUsage keyUsage(Optional<Extensions> requested, EndpointProfile endpoint) {
        if (policy.useRequestedKeyUsages() && requested.isPresent()) {
            KeyUsage fromRequest = KeyUsage.fromExtensions(requested.get());
            if (fromRequest != null) {
                return fromRequest;
            }
        }
        return new KeyUsage(endpoint.defaultKeyUsage());
    }

    private ExtendedKeyUsage extendedKeyUsage(Optional<Extensions> requested, EndpointProfile endpoint) {
        if (policy.useRequestedKeyUsages() && requested.isPresent()) {
            ExtendedKeyUsage fromRequest = ExtendedKeyUsage.fromExtensions(requested.get());
            if (fromRequest != null && fromRequest.size() > 0) {
                return fromRequest;
            }
        }
        return new ExtendedKeyUsage(endpoint.defaultEkus().toArray(KeyPurposeId[]::new));
    }

    private org.bouncycastle.asn1.x509.AuthorityKeyIdentifier authorityKeyIdentifier(X509CertificateHolder caCertificate) {
        SubjectKeyIdentifier caKeyId = SubjectKeyIdentifier.fromExtensions(caCertificate.getExtensions());
        return caKeyId != null
                ? new org.bouncycastle.asn1.x509.AuthorityKeyIdentifier(caKeyId.getKeyIdentifier())
                : extensionUtils.createAuthorityKeyIdentifier(caCertificate.getSubjectPublicKeyInfo());
    }

    private static GeneralName uri(String value) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, value);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** OIDs of Extended Key Usages, for reading settings such as {@code DefaultEkus}. */
    public static KeyPurposeId keyPurpose(String oid) {
        return KeyPurposeId.getInstance(new ASN1ObjectIdentifier(oid));
    }
}
