package dev.scepter.authority.issuance;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.protocol.csr.CertificationRequests;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The kind of certificate a caller of {@code POST /api/csr?kind=...} asks for (Certificate
 * Master's forms, SCEPman 3.0's per-form types): it, not the request, decides the Extended Key
 * Usages (the kind's own, plus those of its optional ones the request asks for), the Key Usage
 * (by the key's algorithm, RFC 5280 section 4.2.1.3) and the longest lifetime. A request that asks
 * for a usage outside its kind, or lacks the names its kind needs, is refused, not trimmed.
 */
public enum CertificateKind {
    /** TLS server (CA/Browser Forum's 397 days, which private CAs' clients increasingly enforce too). */
    SERVER("Server", 397, List.of(KeyPurposeId.id_kp_serverAuth), List.of(KeyPurposeId.id_kp_clientAuth),
            EnumSet.of(NameType.DNS, NameType.WILDCARD_DNS, NameType.IP)),
    /** A device authenticating itself (Wi-Fi, VPN, mutual TLS); a DNS name at most, never a person's name. */
    CLIENT("Client", 730, List.of(KeyPurposeId.id_kp_clientAuth), List.of(), EnumSet.of(NameType.DNS)),
    /** A person: client authentication, optionally smart-card logon and e-mail protection. */
    USER("User", 730, List.of(KeyPurposeId.id_kp_clientAuth), List.of(KeyPurposeId.id_kp_smartcardlogon, KeyPurposeId.id_kp_emailProtection),
            EnumSet.of(NameType.UPN, NameType.EMAIL)),
    /** Code signing (CA/Browser Forum's code-signing requirements: 39 months at most; we keep 3 years). */
    CODE_SIGNING("CodeSigning", 1095, List.of(KeyPurposeId.id_kp_codeSigning), List.of(), EnumSet.noneOf(NameType.class)),
    /** S/MIME: signed and encrypted e-mail (RFC 8550, RFC 8551). */
    SMIME("SMime", 730, List.of(KeyPurposeId.id_kp_emailProtection), List.of(KeyPurposeId.id_kp_clientAuth), EnumSet.of(NameType.EMAIL));

    /** The subject alternative names a kind may carry. */
    private enum NameType {
        DNS("DNS names"),
        WILDCARD_DNS("wildcards"),
        IP("IP addresses"),
        UPN("one user principal name"),
        EMAIL("e-mail addresses");

        private final String words;

        NameType(String words) {
            this.words = words;
        }
    }

    private final String wireName;
    private final int maximumValidityDays;
    private final List<KeyPurposeId> ekus;
    private final List<KeyPurposeId> optionalEkus;
    private final Set<NameType> nameTypes;

    CertificateKind(String wireName, int maximumValidityDays, List<KeyPurposeId> ekus, List<KeyPurposeId> optionalEkus,
            Set<NameType> nameTypes) {
        this.wireName = wireName;
        this.maximumValidityDays = maximumValidityDays;
        this.ekus = ekus;
        this.optionalEkus = optionalEkus;
        this.nameTypes = nameTypes;
    }

    /** The name the API takes ({@code ?kind=Server}). */
    public String wireName() {
        return wireName;
    }

    /** The kind's own cap, before the installation's ({@code AppConfig:ValidityPeriodDays} and the API's). */
    public int maximumValidityDays() {
        return maximumValidityDays;
    }

    /** A kind by its API name, case-insensitively. */
    public static Optional<CertificateKind> byName(String name) {
        return Arrays.stream(values()).filter(kind -> kind.wireName.equalsIgnoreCase(name.strip())).findFirst();
    }

    /** The API names of all kinds, for a refusal's message. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(CertificateKind::wireName).toList());
    }

    /**
     * Whether a caller with these API roles may ask for this kind. The CSR roles are application
     * roles (Certificate Master's own credential, SCEPman's API clients) and may ask for every
     * kind; Certificate Master checks its signed-in person's {@code Request.*} role itself.
     * {@code CSR.SelfService} (a person for their own device or account) gets client and user
     * certificates only.
     */
    public boolean mayBeRequestedBy(Set<ApiRole> roles) {
        if (roles.contains(ApiRole.CSR_REQUEST) || roles.contains(ApiRole.CSR_REQUEST_DB) || roles.contains(ApiRole.CSR_REQUEST_DIRECT)) {
            return true;
        }
        return roles.contains(ApiRole.CSR_SELF_SERVICE) && (this == CLIENT || this == USER);
    }

    /**
     * The lifetime to issue: the one asked for, or the longest allowed, which is the smaller of
     * the kind's and the installation's cap.
     *
     * @param requestedDays    what the caller asked for, if anything
     * @param installationDays the installation's cap (the smaller of {@code AppConfig:ValidityPeriodDays} and the API's own)
     * @throws InvalidRequestException when the caller asked for less than a day or more than allowed
     */
    public Duration validity(Optional<Integer> requestedDays, int installationDays) throws InvalidRequestException {
        int cap = Math.min(maximumValidityDays, installationDays);
        if (requestedDays.isEmpty()) {
            return Duration.ofDays(cap);
        }
        int days = requestedDays.get();
        if (days < 1 || days > cap) {
            throw new InvalidRequestException("a " + wireName + " certificate lives from 1 to " + cap + " days here, not " + days);
        }
        return Duration.ofDays(days);
    }

    /**
     * The certificate's Extended Key Usages: the kind's, then those of its optional ones that the
     * request asks for.
     *
     * @throws InvalidRequestException when the request asks for a usage this kind does not have
     */
    public ExtendedKeyUsage extendedKeyUsage(Optional<Extensions> requested) throws InvalidRequestException {
        Set<KeyPurposeId> usages = new LinkedHashSet<>(ekus);
        ExtendedKeyUsage asked;
        try {
            asked = requested.map(ExtendedKeyUsage::fromExtensions).orElse(null);
        } catch (IllegalArgumentException e) {
            // BouncyCastle's words for it ("illegal object in getInstance", "can't convert extension") say nothing to the caller.
            throw new InvalidRequestException("the request's Extended Key Usage cannot be read: it must be a SEQUENCE of OBJECT IDENTIFIERs"
                    + " (RFC 5280 section 4.2.1.12)");
        }
        if (asked != null) {
            for (KeyPurposeId usage : asked.getUsages()) {
                if (optionalEkus.contains(usage)) {
                    usages.add(usage);
                } else if (!ekus.contains(usage)) {
                    throw new InvalidRequestException("a " + wireName + " certificate cannot have the Extended Key Usage "
                            + ((ASN1ObjectIdentifier) usage.toASN1Primitive()).getId());
                }
            }
        }
        return new ExtendedKeyUsage(usages.toArray(KeyPurposeId[]::new));
    }

    /**
     * The Key Usage bits (BouncyCastle {@code KeyUsage} constants): digitalSignature always; for
     * RSA keys also keyEncipherment (TLS RSA key exchange, S/MIME enveloping), except for code
     * signing; for EC keys keyAgreement where the certificate protects e-mail, which is then
     * encrypted to it (S/MIME's ECDH, RFC 8551 and RFC 5753): every SMime certificate, and a User
     * certificate that has emailProtection.
     *
     * @param issued the certificate's Extended Key Usages ({@link #extendedKeyUsage})
     */
    public int keyUsage(SubjectPublicKeyInfo key, ExtendedKeyUsage issued) {
        boolean ec = X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm());
        boolean rsa = !ec && org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm());
        if (this == CODE_SIGNING) {
            return KeyUsage.digitalSignature;
        }
        boolean encryptsMail = issued.hasKeyPurposeId(KeyPurposeId.id_kp_emailProtection);
        return KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : ec && encryptsMail ? KeyUsage.keyAgreement : 0);
    }

    /**
     * Checks the request against the kind: the usages it asks for, and its subject alternative
     * names. A kind allows only its own types of name, each well formed, and refuses the request
     * otherwise (a user principal name in a Client certificate would log on as that user wherever
     * certificates are mapped by UPN: Entra ID's certificate-based authentication, NPS, PKINIT):
     * <ul>
     * <li>Server: DNS names (a wildcard as the whole leftmost label over two more) and IP
     *     addresses, at least one of them (its clients ignore the CN, RFC 6125 section 6.4.4);</li>
     * <li>Client: DNS names, without wildcards, or none;</li>
     * <li>User: one user principal name and e-mail addresses, or none;</li>
     * <li>CodeSigning: none;</li>
     * <li>SMime: e-mail addresses, at least one (RFC 8550 section 3).</li>
     * </ul>
     * A SID URI ({@code tag:microsoft.com,2022-09-14:sid:}) is not the kind's to decide: like the
     * SID extension, the endpoint's {@code AllowRequestedSidExtension} keeps or drops it.
     */
    public void check(PKCS10CertificationRequest csr) throws InvalidRequestException {
        Optional<Extensions> requested = CertificationRequests.requestedExtensions(csr);
        extendedKeyUsage(requested);
        Extension san = requested.map(e -> e.getExtension(Extension.subjectAlternativeName)).orElse(null);
        GeneralName[] names = new GeneralName[0];
        if (san != null) {
            try {
                names = GeneralNames.getInstance(san.getParsedValue()).getNames();
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("the request's subject alternative name cannot be read");
            }
        }
        Set<NameType> found = EnumSet.noneOf(NameType.class);
        for (GeneralName name : names) {
            if (CertificateIssuer.isSidUri(name)) {
                continue;
            }
            NameType type = type(name);
            if (type == null || !nameTypes.contains(type)) {
                throw new InvalidRequestException(article() + " certificate cannot have " + describe(name) + " among its subject alternative names"
                        + " (it may have " + allowedNames() + ")");
            }
            if (type == NameType.UPN && found.contains(NameType.UPN)) {
                throw new InvalidRequestException("a User certificate names one user principal name, not several");
            }
            found.add(type);
            Optional<String> problem = problem(name, type);
            if (problem.isPresent()) {
                throw new InvalidRequestException(problem.get());
            }
        }
        if (this == SERVER && !found.contains(NameType.DNS) && !found.contains(NameType.WILDCARD_DNS) && !found.contains(NameType.IP)) {
            throw new InvalidRequestException("a Server certificate needs a DNS name or IP address among its subject alternative names");
        }
        if (this == SMIME && !found.contains(NameType.EMAIL)) {
            throw new InvalidRequestException("an SMime certificate needs an e-mail address among its subject alternative names");
        }
    }

    /** The name's type, null for a type no kind allows. */
    private static NameType type(GeneralName name) {
        return switch (name.getTagNo()) {
            case GeneralName.dNSName -> name.getName().toString().startsWith("*.") ? NameType.WILDCARD_DNS : NameType.DNS;
            case GeneralName.iPAddress -> NameType.IP;
            case GeneralName.rfc822Name -> NameType.EMAIL;
            case GeneralName.otherName -> NameSyntax.otherNameType(name.getName()).filter(NameSyntax.UPN::equals).isPresent() ? NameType.UPN : null;
            default -> null;
        };
    }

    private static Optional<String> problem(GeneralName name, NameType type) {
        return switch (type) {
            case DNS, WILDCARD_DNS -> NameSyntax.dnsNameProblem(name.getName().toString(), type == NameType.WILDCARD_DNS);
            case IP -> NameSyntax.ipAddressProblem(ASN1OctetString.getInstance(name.getName()).getOctets());
            case EMAIL -> NameSyntax.mailboxProblem(name.getName().toString());
            case UPN -> NameSyntax.userPrincipalName(name.getName())
                    .map(NameSyntax::userPrincipalNameProblem)
                    .orElse(Optional.of("the user principal name must be a UTF8String (otherName 1.3.6.1.4.1.311.20.2.3 holding [0] EXPLICIT UTF8String)"));
        };
    }

    private static String describe(GeneralName name) {
        return switch (name.getTagNo()) {
            case GeneralName.dNSName -> name.getName().toString().startsWith("*.")
                    ? "the wildcard " + NameSyntax.quote(name.getName().toString()) : "the DNS name " + NameSyntax.quote(name.getName().toString());
            case GeneralName.iPAddress -> "an IP address";
            case GeneralName.rfc822Name -> "the e-mail address " + NameSyntax.quote(name.getName().toString());
            case GeneralName.otherName -> NameSyntax.otherNameType(name.getName())
                    .map(type -> NameSyntax.UPN.equals(type) ? "a user principal name" : "an otherName of type " + type.getId())
                    .orElse("an otherName");
            case GeneralName.uniformResourceIdentifier -> "a URI";
            case GeneralName.directoryName -> "a directory name";
            case GeneralName.registeredID -> "a registered ID";
            case GeneralName.x400Address -> "an X.400 address";
            default -> "an EDI party name";
        };
    }

    private String allowedNames() {
        if (nameTypes.isEmpty()) {
            return "none";
        }
        return String.join(", ", nameTypes.stream().map(type -> type.words).toList());
    }

    private String article() {
        return (this == SMIME ? "an " : "a ") + wireName;
    }
}
