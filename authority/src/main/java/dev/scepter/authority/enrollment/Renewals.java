package dev.scepter.authority.enrollment;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.validity.CertificateStatus;
import dev.scepter.authority.validity.Validity;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.style.BCStyle;
import dev.scepter.authority.issuance.MicrosoftExtensions;
import dev.scepter.protocol.csr.CertificationRequests;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Decides whether a certificate presented to sign a renewal (RenewalReq, or a PKCSReq signed by
 * a certificate of ours, as macOS sends; EST's re-enrollment over mutual TLS) authorises it:
 * ours, unexpired, recorded, good now (not revoked, its directory object enabled), of a type the
 * endpoint renews, and asked for the names it carries, no others.
 */
public final class Renewals {

    /** What the presented certificate comes to. */
    public sealed interface Decision {
        record Authorised(IssuedCertificate previous) implements Decision {
        }

        record Refused(String reason) implements Decision {
        }
    }

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
    public Decision authorise(X509CertificateHolder presented, PKCS10CertificationRequest request, RenewalPolicy policy) {
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
        if (!namesWhatItRenews(presented, request)) {
            return new Decision.Refused("a renewal asks for the subject and subject alternative names of the certificate it renews ("
                    + presented.getSubject() + "), and no SID but the one it had");
        }
        Optional<IssuedCertificate> previous = store.find(issuer, presented.getSerialNumber());
        if (previous.isEmpty()) {
            return new Decision.Refused("the signing certificate is not recorded");
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
     */
    public static boolean namesWhatItRenews(X509CertificateHolder presented, PKCS10CertificationRequest csr) {
        if (!presented.getSubject().equals(csr.getSubject())) {
            return false;
        }
        Extensions had = presented.getExtensions();
        Extensions asked = CertificationRequests.requestedExtensions(csr).orElse(null);
        return sameValue(had, asked, Extension.subjectAlternativeName)
                && (asked == null || asked.getExtension(MicrosoftExtensions.SID) == null || sameValue(had, asked, MicrosoftExtensions.SID));
    }

    private static boolean sameValue(Extensions had, Extensions asked, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
        Extension before = had == null ? null : had.getExtension(oid);
        Extension now = asked == null ? null : asked.getExtension(oid);
        if (before == null || now == null) {
            return before == null && now == null;
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
