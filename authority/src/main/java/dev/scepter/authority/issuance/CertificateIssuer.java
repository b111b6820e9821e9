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
import org.bouncycastle.asn1.DEROctetString;
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
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
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

    private static final System.Logger LOG = System.getLogger(CertificateIssuer.class.getName());

    private final CaSigner ca;
    private final IssuancePolicy policy;
    private final Clock clock;
    private final MicrosoftExtensions microsoft;
    private final BcX509ExtensionUtils extensionUtils = new BcX509ExtensionUtils();

    /** An issuer that writes none of Microsoft's extensions. */
    public CertificateIssuer(CaSigner ca, IssuancePolicy policy, Clock clock) {
        this(ca, policy, clock, MicrosoftExtensions.NONE);
    }

    public CertificateIssuer(CaSigner ca, IssuancePolicy policy, Clock clock, MicrosoftExtensions microsoft) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.microsoft = Objects.requireNonNull(microsoft, "microsoft");
    }

    /** Whether certificates carry the bound object's SID, so enrollment asks the directory for it. */
    public boolean wantsSecurityIdentifier() {
        return microsoft.addSidExtension();
    }

    /**
     * Issues a certificate for the request.
     *
     * @param requestedValidity what the requester asked for, if anything
     * @throws InvalidRequestException when the request cannot become a certificate (no subject nor SAN)
     */
    public X509CertificateHolder issue(PKCS10CertificationRequest csr, EndpointProfile endpoint,
            Optional<Duration> requestedValidity, BigInteger serialNumber) throws InvalidRequestException {
        return issue(csr, endpoint, requestedValidity, serialNumber, IssuedFor.NOTHING);
    }

    /**
     * Issues a certificate for the request, naming in Microsoft's extensions the directory object
     * it is for.
     *
     * @throws InvalidRequestException when the request cannot become a certificate (no subject nor
     *                                 SAN, once a SID the endpoint does not allow is dropped)
     */
    public X509CertificateHolder issue(PKCS10CertificationRequest csr, EndpointProfile endpoint,
            Optional<Duration> requestedValidity, BigInteger serialNumber, IssuedFor issuedFor) throws InvalidRequestException {
        return issue(csr, endpoint, requestedValidity, serialNumber, issuedFor, Optional.empty());
    }

    /**
     * Issues a certificate for the request; for a renewal, {@code renewing} is the certificate
     * being renewed, and the new one has no usage the renewed one lacks: its Key Usage and
     * Extended Key Usage are the renewed certificate's, or the part of them the request asks for
     * (where {@code AppConfig:UseRequestedKeyUsages} lets requests decide); a request asking for
     * more is refused. Without this, a certificate for client authentication alone would renew
     * into one for server authentication or code signing, with no challenge asked.
     *
     * @throws InvalidRequestException when the request cannot become a certificate, or a renewal
     *                                 asks for a usage the renewed certificate lacks
     */
    public X509CertificateHolder issue(PKCS10CertificationRequest csr, EndpointProfile endpoint,
            Optional<Duration> requestedValidity, BigInteger serialNumber, IssuedFor issuedFor, Optional<X509CertificateHolder> renewing)
            throws InvalidRequestException {
        preflight(csr, endpoint);
        Optional<Extensions> requested = CertificationRequests.requestedExtensions(csr);
        X500Name subject = csr.getSubject();
        Extension requestedSan = requested.map(e -> e.getExtension(Extension.subjectAlternativeName)).orElse(null);
        boolean emptySubject = subject.getRDNs().length == 0;
        GeneralNames san = requestedSan == null ? null : subjectAltNames(requestedSan, endpoint, csr);
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
            boolean renewal = renewing.isPresent() && endpoint.kind().isEmpty();
            ExtendedKeyUsage extendedKeyUsage;
            KeyUsage keyUsage;
            if (renewal) {
                extendedKeyUsage = renewedExtendedKeyUsage(requested, renewing.get(), endpoint);
                keyUsage = renewedKeyUsage(requested, renewing.get(), endpoint, csr, extendedKeyUsage);
            } else {
                Usages usages = usages(requested, endpoint, csr);
                extendedKeyUsage = usages.extended();
                keyUsage = usages.key();
            }
            builder.addExtension(Extension.keyUsage, true, keyUsage);
            builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage);
            if (san != null) {
                // RFC 5280 section 4.2.1.6: with an empty subject the SAN must be critical.
                builder.addExtension(Extension.subjectAlternativeName, emptySubject || requestedSan.isCritical(), san);
            }
            addMicrosoftExtensions(builder, requested, endpoint, issuedFor, csr);
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
     * The requested SANs, without SID URIs unless the endpoint allows requested SIDs: Intune does
     * not check them, and a SID that Windows' strong mapping trusts names an AD account (SCEPman's
     * "SID spoofing" advisory). Null when nothing is left.
     */
    /** @param csr the request, to name in the log line of a dropped SID; null to log nothing (a preflight) */
    private static GeneralNames subjectAltNames(Extension requestedSan, EndpointProfile endpoint, PKCS10CertificationRequest csr) {
        GeneralNames names = GeneralNames.getInstance(requestedSan.getParsedValue());
        // Intune validates a request's SANs against its profile, so there the SID URI is vouched for
        // (Microsoft's strong mapping for SCEP); SCEPman passes it through too. Elsewhere nobody checks it.
        if (endpoint.allowRequestedSid() || endpoint.binding() == EndpointProfile.Binding.VOUCHED) {
            return names;
        }
        java.util.List<GeneralName> kept = new java.util.ArrayList<>();
        for (GeneralName name : names.getNames()) {
            if (isSidUri(name)) {
                if (csr != null) {
                    LOG.log(System.Logger.Level.INFO, "Dropped the SID URI {0} requested for \"{1}\" on endpoint {2}: {3} is false",
                            name.getName(), csr.getSubject(), endpoint.name(), "AllowRequestedSidExtension");
                }
            } else {
                kept.add(name);
            }
        }
        return kept.isEmpty() ? null : new GeneralNames(kept.toArray(GeneralName[]::new));
    }

    /**
     * The SANs this endpoint issues for a request's SAN extension (a SID URI it does not allow
     * dropped), null when nothing is left: what a renewal's names are compared by.
     */
    public static GeneralNames subjectAltNamesIssued(Extension requestedSan, EndpointProfile endpoint) {
        return subjectAltNames(requestedSan, endpoint, null);
    }

    /**
     * Whether this endpoint issues a SID extension a request asks for; otherwise it is dropped
     * (the directory's own SID, {@code AddSidExtension}, is not the request's to ask).
     */
    public static boolean keepsRequestedSid(EndpointProfile endpoint) {
        return endpoint.allowRequestedSid();
    }

    /** Whether the name is a SID URI, which {@code AllowRequestedSidExtension} keeps or drops. */
    static boolean isSidUri(GeneralName name) {
        return name.getTagNo() == GeneralName.uniformResourceIdentifier
                && name.getName().toString().regionMatches(true, 0, MicrosoftExtensions.SID_URI_PREFIX, 0,
                        MicrosoftExtensions.SID_URI_PREFIX.length());
    }

    /**
     * SCEPman's Entra tenant and device id extensions, and the SID extension: the directory's SID
     * when {@code AddSidExtension} is on, else the one requested where the endpoint allows it.
     */
    private void addMicrosoftExtensions(X509v3CertificateBuilder builder, Optional<Extensions> requested, EndpointProfile endpoint,
            IssuedFor issuedFor, PKCS10CertificationRequest csr) throws CertIOException {
        if (microsoft.addAadExtensions()) {
            if (microsoft.tenantId().isPresent()) {
                builder.addExtension(MicrosoftExtensions.TENANT_ID, false,
                        new DEROctetString(SerialNumbers.dotNetBytes(microsoft.tenantId().get())));
            }
            if (issuedFor.entraDeviceId().isPresent()) {
                builder.addExtension(MicrosoftExtensions.DEVICE_ID, false,
                        new DEROctetString(SerialNumbers.dotNetBytes(issuedFor.entraDeviceId().get())));
            }
        }
        Extension requestedSid = requested.map(e -> e.getExtension(MicrosoftExtensions.SID)).orElse(null);
        if (microsoft.addSidExtension() && issuedFor.securityIdentifier().isPresent()) {
            builder.addExtension(MicrosoftExtensions.SID, false, sidExtension(issuedFor.securityIdentifier().get()));
        } else if (requestedSid != null) {
            if (endpoint.allowRequestedSid()) {
                builder.addExtension(MicrosoftExtensions.SID, false, requestedSid.getParsedValue());
            } else {
                LOG.log(System.Logger.Level.INFO, "Dropped the SID extension requested for \"{0}\" on endpoint {1}: {2} is false",
                        csr.getSubject(), endpoint.name(), "AllowRequestedSidExtension");
            }
        }
    }

    /** The SID extension's value (KB5014754): GeneralNames { otherName { 1.3.6.1.4.1.311.25.2.1, OCTET STRING "S-1-..." } }. */
    public static GeneralNames sidExtension(String sid) {
        if (!IssuedFor.isSid(sid)) {
            throw new IllegalArgumentException("not a SID in S-1-... form");
        }
        return new GeneralNames(new GeneralName(GeneralName.otherName, new OtherName(MicrosoftExtensions.SID_OTHER_NAME,
                new DEROctetString(sid.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))));
    }

    /**
     * The checks a request must pass before anything is spent on it (a one-time challenge is used
     * up by the request it authorises): a subject or SAN, and a key we certify.
     */
    public void preflight(PKCS10CertificationRequest csr, EndpointProfile endpoint) throws InvalidRequestException {
        preflightNames(csr, endpoint);
        PublicKeyPolicy.check(csr.getSubjectPublicKeyInfo());
        if (endpoint.kind().isPresent()) {
            endpoint.kind().get().check(csr);
        }
    }

    /**
     * The key policy's RSA checks (exponent, modulus odd, no small factor, not a prime or prime
     * power) of a key a response is encrypted to, such as the certificate that signed a SCEP
     * request: the same test as for the keys we certify, and free for a key that just passed it
     * (a self-signed SCEP signer has the request's key, RFC 8894 section 3.3.1).
     * A key of another algorithm passes: it cannot be encrypted to, which the encoder refuses.
     */
    public static void checkEncryptionKey(SubjectPublicKeyInfo key) throws InvalidRequestException {
        PublicKeyPolicy.checkRsaKeyQuality(key);
    }

    /**
     * {@link #preflight}'s checks of what the request asks for, not of its key, and {@link #issue}'s
     * own reading of the request's extensions for a new (not renewed) certificate: the usages it
     * derives from them and, where {@code AllowRequestedSidExtension} passes it on and
     * {@code AddSidExtension} cannot replace it, the requested SID extension. For a request whose key
     * is replaced by one made here (EST serverkeygen), judged before that key is made, so that a
     * request {@code issue} would refuse for what it asks costs no key. Not judged here: a requested
     * SID extension that the directory's SID may replace ({@code AddSidExtension}), which is read
     * only once the directory has answered.
     */
    public void preflightWithoutKey(PKCS10CertificationRequest csr, EndpointProfile endpoint) throws InvalidRequestException {
        preflightNames(csr, endpoint);
        if (endpoint.kind().isPresent()) {
            endpoint.kind().get().check(csr);
        }
        Optional<Extensions> requested = CertificationRequests.requestedExtensions(csr);
        usages(requested, endpoint, csr);
        Extension requestedSid = requested.map(e -> e.getExtension(MicrosoftExtensions.SID)).orElse(null);
        if (requestedSid != null && endpoint.allowRequestedSid() && !microsoft.addSidExtension()) {
            try {
                requestedSid.getParsedValue();
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("the request's extensions cannot be used: " + e.getMessage());
            }
        }
    }

    /** A new certificate's Extended Key Usage and Key Usage. */
    private record Usages(ExtendedKeyUsage extended, KeyUsage key) {
    }

    /**
     * The usages a new (not renewed) certificate gets, from the endpoint and, where it lets them, the
     * request's extensions; one of those that cannot be read refuses the request.
     */
    private Usages usages(Optional<Extensions> requested, EndpointProfile endpoint, PKCS10CertificationRequest csr) throws InvalidRequestException {
        try {
            ExtendedKeyUsage extendedKeyUsage = extendedKeyUsage(requested, endpoint);
            return new Usages(extendedKeyUsage, keyUsage(requested, endpoint, csr, extendedKeyUsage));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the request's extensions cannot be used: " + e.getMessage());
        }
    }

    private void preflightNames(PKCS10CertificationRequest csr, EndpointProfile endpoint) throws InvalidRequestException {
        boolean emptySubject = csr.getSubject().getRDNs().length == 0;
        Extension requestedSan = CertificationRequests.requestedExtensions(csr)
                .map(e -> e.getExtension(Extension.subjectAlternativeName)).orElse(null);
        GeneralNames san;
        try {
            san = requestedSan == null ? null : subjectAltNames(requestedSan, endpoint, null);
            if (san != null) {
                readableOtherNames(san);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the request's subject alternative name cannot be read: " + e.getMessage());
        }
        if (emptySubject && san == null) {
            throw new InvalidRequestException(requestedSan == null ? "the request names no subject and no subject alternative name"
                    : "the request names no subject and, without the SID it may not ask for, no subject alternative name");
        }
    }

    /**
     * Every otherName in the SAN has its type and its value (RFC 5280 section 4.2.1.6): the
     * rules that read a UPN (self-service, one-time challenges bound to a subject, the record)
     * then never meet one they cannot read, after the CA signed.
     */
    private static void readableOtherNames(GeneralNames san) {
        for (GeneralName name : san.getNames()) {
            if (name.getTagNo() != GeneralName.otherName) {
                continue;
            }
            try {
                OtherName other = OtherName.getInstance(name.getName());
                if (other.getTypeID() == null || other.getValue() == null) {
                    throw new IllegalArgumentException("an otherName without its type or value");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("an otherName without its type or value", e);
            }
        }
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

    private KeyUsage keyUsage(Optional<Extensions> requested, EndpointProfile endpoint, PKCS10CertificationRequest csr,
            ExtendedKeyUsage extendedKeyUsage) {
        if (endpoint.kind().isPresent()) {
            return new KeyUsage(endpoint.kind().get().keyUsage(csr.getSubjectPublicKeyInfo(), extendedKeyUsage));
        }
        if (policy.useRequestedKeyUsages() && requested.isPresent()) {
            KeyUsage fromRequest = KeyUsage.fromExtensions(requested.get());
            if (fromRequest != null) {
                return fromRequest;
            }
        }
        return new KeyUsage(endpoint.defaultKeyUsage());
    }

    /** A renewal's Key Usage: the renewed certificate's, or the part of it the request asks for. */
    private KeyUsage renewedKeyUsage(Optional<Extensions> requested, X509CertificateHolder renewing, EndpointProfile endpoint,
            PKCS10CertificationRequest csr, ExtendedKeyUsage extendedKeyUsage) throws InvalidRequestException {
        KeyUsage had = KeyUsage.fromExtensions(renewing.getExtensions());
        if (had == null) {
            // RFC 5280 section 4.2.1.3: without the extension the key had no restriction to keep.
            return keyUsage(requested, endpoint, csr, extendedKeyUsage);
        }
        KeyUsage asked = policy.useRequestedKeyUsages() ? requested.map(KeyUsage::fromExtensions).orElse(null) : null;
        if (asked == null) {
            return had;
        }
        int hadBits = bits(had);
        int askedBits = bits(asked);
        if ((askedBits & ~hadBits) != 0) {
            throw new InvalidRequestException("a renewal cannot ask for a key usage the renewed certificate does not have");
        }
        return asked;
    }

    /** A renewal's Extended Key Usage: the renewed certificate's, or the part of it the request asks for. */
    private ExtendedKeyUsage renewedExtendedKeyUsage(Optional<Extensions> requested, X509CertificateHolder renewing, EndpointProfile endpoint)
            throws InvalidRequestException {
        ExtendedKeyUsage had = ExtendedKeyUsage.fromExtensions(renewing.getExtensions());
        if (had == null) {
            // RFC 5280 section 4.2.1.12: without the extension the key had no restriction to keep.
            return extendedKeyUsage(requested, endpoint);
        }
        ExtendedKeyUsage asked = policy.useRequestedKeyUsages() ? requested.map(ExtendedKeyUsage::fromExtensions).orElse(null) : null;
        if (asked == null || asked.size() == 0) {
            return had;
        }
        for (KeyPurposeId usage : asked.getUsages()) {
            if (!had.hasKeyPurposeId(usage)) {
                throw new InvalidRequestException("a renewal cannot ask for an extended key usage the renewed certificate does not have ("
                        + usage.getId() + ")");
            }
        }
        return asked;
    }

    /** KeyUsage's bits as BouncyCastle's constants number them (the DER bit string's first two bytes). */
    private static int bits(KeyUsage usage) {
        byte[] bytes = org.bouncycastle.asn1.ASN1BitString.getInstance(usage.toASN1Primitive()).getBytes();
        return (bytes.length > 0 ? bytes[0] & 0xff : 0) | (bytes.length > 1 ? (bytes[1] & 0xff) << 8 : 0);
    }

    private ExtendedKeyUsage extendedKeyUsage(Optional<Extensions> requested, EndpointProfile endpoint) throws InvalidRequestException {
        if (endpoint.kind().isPresent()) {
            // The kind decides, whatever AppConfig:UseRequestedKeyUsages says; preflight refused what it does not allow.
            return endpoint.kind().get().extendedKeyUsage(requested);
        }
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
