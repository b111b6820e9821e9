package dev.scepter.authority.issuance;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.protocol.csr.CertificationRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
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
    SERVER("Server", 397, List.of(KeyPurposeId.id_kp_serverAuth), List.of(KeyPurposeId.id_kp_clientAuth)),
    /** A device authenticating itself (Wi-Fi, VPN, mutual TLS). */
    CLIENT("Client", 730, List.of(KeyPurposeId.id_kp_clientAuth), List.of()),
    /** A person: client authentication, optionally smart-card logon and e-mail protection. */
    USER("User", 730, List.of(KeyPurposeId.id_kp_clientAuth), List.of(KeyPurposeId.id_kp_smartcardlogon, KeyPurposeId.id_kp_emailProtection)),
    /** Code signing (CA/Browser Forum's code-signing requirements: 39 months at most; we keep 3 years). */
    CODE_SIGNING("CodeSigning", 1095, List.of(KeyPurposeId.id_kp_codeSigning), List.of()),
    /** S/MIME: signed and encrypted e-mail (RFC 8550, RFC 8551). */
    SMIME("SMime", 730, List.of(KeyPurposeId.id_kp_emailProtection), List.of(KeyPurposeId.id_kp_clientAuth));

    private final String wireName;
    private final int maximumValidityDays;
    private final List<KeyPurposeId> ekus;
    private final List<KeyPurposeId> optionalEkus;

    CertificateKind(String wireName, int maximumValidityDays, List<KeyPurposeId> ekus, List<KeyPurposeId> optionalEkus) {
        this.wireName = wireName;
        this.maximumValidityDays = maximumValidityDays;
        this.ekus = ekus;
        this.optionalEkus = optionalEkus;
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
        ExtendedKeyUsage asked = requested.map(ExtendedKeyUsage::fromExtensions).orElse(null);
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
     * RSA keys also keyEncipherment (TLS RSA key exchange, S/MIME enveloping), for EC keys
     * keyAgreement where the kind encrypts (S/MIME's ECDH, RFC 8551 and RFC 5753).
     */
    public int keyUsage(SubjectPublicKeyInfo key) {
        boolean ec = X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm());
        boolean rsa = !ec && org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm());
        return switch (this) {
            case CODE_SIGNING -> KeyUsage.digitalSignature;
            case SMIME -> KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : ec ? KeyUsage.keyAgreement : 0);
            default -> KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0);
        };
    }

    /**
     * Checks the request against the kind: the usages it asks for, and the names the kind needs
     * (a DNS name or IP address for a server, whose clients ignore the CN (RFC 6125 section 6.4.4);
     * an e-mail address for S/MIME (RFC 8550 section 3)).
     */
    public void check(PKCS10CertificationRequest csr) throws InvalidRequestException {
        Optional<Extensions> requested = CertificationRequests.requestedExtensions(csr);
        extendedKeyUsage(requested);
        List<Integer> nameTypes = new ArrayList<>();
        Extension san = requested.map(e -> e.getExtension(Extension.subjectAlternativeName)).orElse(null);
        if (san != null) {
            try {
                for (GeneralName name : GeneralNames.getInstance(san.getParsedValue()).getNames()) {
                    nameTypes.add(name.getTagNo());
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("the request's subject alternative name cannot be read");
            }
        }
        if (this == SERVER && !nameTypes.contains(GeneralName.dNSName) && !nameTypes.contains(GeneralName.iPAddress)) {
            throw new InvalidRequestException("a Server certificate needs a DNS name or IP address among its subject alternative names");
        }
        if (this == SMIME && !nameTypes.contains(GeneralName.rfc822Name)) {
            throw new InvalidRequestException("an SMime certificate needs an e-mail address among its subject alternative names");
        }
    }
}
