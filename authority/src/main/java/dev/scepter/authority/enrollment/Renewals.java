package dev.scepter.authority.enrollment;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.validity.CertificateStatus;
import dev.scepter.authority.validity.Validity;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.style.BCStyle;
import dev.scepter.authority.issuance.MicrosoftExtensions;
import dev.scepter.protocol.csr.CertificationRequests;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.util.encoders.Hex;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Decides whether a certificate presented to sign a renewal (RenewalReq, or a PKCSReq signed by
 * a certificate of ours, as macOS sends; EST's re-enrollment over mutual TLS) authorises it:
 * ours, unexpired, recorded, good now (not revoked, its directory object enabled), of a type the
 * endpoint renews, not a device's self-service certificate ({@link SelfServiceRules#OWNED_DEVICE_ENDPOINT}),
 * and asked for the names it carries, no others.
 */
public final class Renewals {

    /** What the presented certificate comes to. */
    public sealed interface Decision {
        record Authorised(IssuedCertificate previous) implements Decision {
        }

        /** @param namesDiffer whether only the names it asks for stopped it (a client's mistake) */
        record Refused(String reason, boolean namesDiffer) implements Decision {
            public Refused(String reason) {
                this(reason, false);
            }
        }
    }

    /** Microsoft's UPN otherName, which Entra compares in any case. */
    private static final ASN1ObjectIdentifier UPN = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3");

    private final X509CertificateHolder caCertificate;
    private final String issuer;
    private final CertificateStore store;
    private final Validity validity;
    private final Clock clock;

    public Renewals(X509CertificateHolder caCertificate, CertificateStore store, Validity validity, Clock clock) {
        this.caCertificate = Objects.requireNonNull(caCertificate, "caCertificate");
        this.issuer = BCStyle.INSTANCE.toString(caCertificate.getSubject());
        this.store = Objects.requireNonNull(store, "store");
        this.validity = Objects.requireNonNull(validity, "validity");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether the certificate claims to be one of ours (its issuer is our CA's name). */
    public boolean claimsToBeOurs(X509CertificateHolder presented) {
        return presented.getIssuer().equals(caCertificate.getSubject()) && !presented.getSubject().equals(presented.getIssuer());
    }

    /**
     * Whether {@code presented} authorises {@code request} as its renewal, whatever protocol
     * carried it (SCEP's RenewalReq and macOS's PKCSReq signed by it, EST's simplereenroll and a
     * client certificate's simpleenroll): besides the certificate itself, the request must name
     * what it names ({@link #namesWhatItRenews}).
     */
    public Decision authorise(X509CertificateHolder presented, PKCS10CertificationRequest request, RenewalPolicy policy,
            EndpointProfile endpoint) {
        if (!policy.allowed()) {
            return new Decision.Refused("this endpoint does not renew (AllowRenewals)");
        }
        if (!claimsToBeOurs(presented) || !signedByOurCa(presented)) {
            return new Decision.Refused("the signing certificate is not one of ours");
        }
        Instant now = clock.instant();
        if (now.isBefore(presented.getNotBefore().toInstant()) || now.isAfter(presented.getNotAfter().toInstant())) {
            return new Decision.Refused("the signing certificate is not valid now");
        }
        if (!namesWhatItRenews(presented, request, endpoint)) {
            return new Decision.Refused("a renewal asks for the subject and subject alternative names of the certificate it renews ("
                    + presented.getSubject() + "), and no SID but the one it had; another subject (ChangeSubjectName, RFC 6402) "
                    + "is not offered: enroll anew", true);
        }
        Optional<IssuedCertificate> previous = store.find(issuer, presented.getSerialNumber());
        if (previous.isEmpty()) {
            return new Decision.Refused("the signing certificate is not recorded");
        }
        if (SelfServiceRules.OWNED_DEVICE_ENDPOINT.equals(previous.get().endpoint())) {
            return new Decision.Refused("a device's self-service certificate is not renewed, since only the directory's word that "
                    + "its requester owns the device earned it: its owner enrolls again with CSR.SelfService");
        }
        Optional<CertificateType> type = CertificateType.of(presented.getSerialNumber());
        if (type.isEmpty() || !policy.permits(type.get())) {
            return new Decision.Refused("this endpoint does not renew " + type.map(CertificateType::settingName).orElse("this type of")
                    + " certificates (ReenrollmentAllowedCertificateTypes)");
        }
        CertificateStatus status = validity.statusOf(presented.getSerialNumber());
        if (!(status instanceof CertificateStatus.Good)) {
            return new Decision.Refused("the signing certificate is revoked or on hold");
        }
        return new Decision.Authorised(previous.get());
    }

    /**
     * Whether the request names exactly what the certificate being renewed names (RFC 7030
     * section 4.2.2: "the Subject and SubjectAltName ... identical"): the same subject, the same
     * subject alternative names, and no SID extension but the one it had. A certificate that
     * authorises its own successor vouches for nothing else: another UPN, DNS name or SID in the
     * request would be a certificate naming someone else, with no challenge asked.
     * <p>
     * The request is judged by what this endpoint would issue from it: a SID URI or SID extension
     * the issuer drops here is no name it asks for (else a device whose profile always asks for
     * one could never renew). The SANs are compared as a set in any order, DNS names, the domain of
     * an e-mail address and UPNs in any case, as the subject is compared (BCStyle) and as their
     * owners (DNS, Entra) treat them.
     */
    public static boolean namesWhatItRenews(X509CertificateHolder presented, PKCS10CertificationRequest csr, EndpointProfile endpoint) {
        if (!presented.getSubject().equals(csr.getSubject())) {
            return false;
        }
        Extensions had = presented.getExtensions();
        Extensions asked = CertificationRequests.requestedExtensions(csr).orElse(null);
        Extension askedSan = asked == null ? null : asked.getExtension(Extension.subjectAlternativeName);
        Extension hadSan = had == null ? null : had.getExtension(Extension.subjectAlternativeName);
        List<String> askedNames;
        List<String> hadNames;
        try {
            askedNames = comparable(askedSan == null ? null : CertificateIssuer.subjectAltNamesIssued(askedSan, endpoint));
            hadNames = comparable(hadSan == null ? null : GeneralNames.getInstance(hadSan.getParsedValue()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!askedNames.equals(hadNames)) {
            return false;
        }
        Extension askedSid = asked == null || !CertificateIssuer.keepsRequestedSid(endpoint) ? null : asked.getExtension(MicrosoftExtensions.SID);
        return askedSid == null || sameValue(had, askedSid);
    }

    /** The names as a sorted list of canonical strings: a multiset, whatever their order. */
    private static List<String> comparable(GeneralNames names) {
        if (names == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (GeneralName name : names.getNames()) {
            result.add(canonical(name));
        }
        result.sort(null);
        return result;
    }

    private static String canonical(GeneralName name) {
        switch (name.getTagNo()) {
            case GeneralName.dNSName:
                return "dns:" + name.getName().toString().toLowerCase(Locale.ROOT);
            case GeneralName.rfc822Name: {
                String address = name.getName().toString();
                int at = address.lastIndexOf('@');
                return "email:" + address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT);
            }
            case GeneralName.otherName: {
                OtherName other = OtherName.getInstance(name.getName());
                if (UPN.equals(other.getTypeID()) && other.getValue() instanceof ASN1String upn) {
                    return "upn:" + upn.getString().toLowerCase(Locale.ROOT);
                }
                return "der:" + Hex.toHexString(der(name));
            }
            default:
                return "der:" + Hex.toHexString(der(name));
        }
    }

    private static byte[] der(GeneralName name) {
        try {
            return name.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalArgumentException("a name that cannot be encoded", e);
        }
    }

    private static boolean sameValue(Extensions had, Extension now) {
        Extension before = had == null ? null : had.getExtension(now.getExtnId());
        if (before == null) {
            return false;
        }
        try {
            return before.getParsedValue().toASN1Primitive().equals(now.getParsedValue().toASN1Primitive());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean signedByOurCa(X509CertificateHolder presented) {
        try {
            return presented.isSignatureValid(new JcaContentVerifierProviderBuilder().build(caCertificate));
        } catch (Exception e) {
            return false;
        }
    }
}
