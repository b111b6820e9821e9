package dev.scepter.protocol.csr;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Reads what an enrollment needs from a PKCS#10 request (RFC 2986). */
public final class CertificationRequests {

    private static final java.security.Provider BOUNCY_CASTLE = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private CertificationRequests() {
    }

    /**
     * The challengePassword attribute (RFC 2985 section 5.4.1), which SCEP uses to carry the
     * enrollment challenge (RFC 8894 section 2.2).
     */
    public static Optional<String> challengePassword(PKCS10CertificationRequest csr) {
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                if (value instanceof ASN1String text) {
                    return Optional.of(text.getString());
                }
            }
        }
        return Optional.empty();
    }

    /** The extensions requested through the extensionRequest attribute (RFC 2985 section 5.4.2), if any. */
    public static Optional<Extensions> requestedExtensions(PKCS10CertificationRequest csr) {
        return Optional.ofNullable(csr.getRequestedExtensions());
    }

    /** Microsoft's EnrollmentNameValuePair attribute (szOID_ENROLLMENT_NAME_VALUE_PAIR). */
    static final ASN1ObjectIdentifier NAME_VALUE_PAIR = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.13.2.1");

    /**
     * The validity a request asks for in Microsoft's name/value pairs {@code ValidityPeriod}
     * (Minutes, Hours, Days, Weeks, Months, Years) and {@code ValidityPeriodUnits}, as Windows and
     * SCEPman's clients send them; months count 30 days and years 365. Empty when absent or
     * unreadable: the endpoint's caps apply then.
     */
    public static Optional<Duration> requestedValidity(PKCS10CertificationRequest csr) {
        Map<String, String> pairs = new HashMap<>();
        for (Attribute attribute : csr.getAttributes(NAME_VALUE_PAIR)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                try {
                    ASN1Sequence pair = ASN1Sequence.getInstance(value);
                    if (pair.size() == 2 && pair.getObjectAt(0) instanceof ASN1String name && pair.getObjectAt(1) instanceof ASN1String text) {
                        pairs.put(name.getString().trim().toLowerCase(Locale.ROOT), text.getString().trim());
                    }
                } catch (IllegalArgumentException e) {
                    // Not a pair: ignored, like any attribute we do not read.
                }
            }
        }
        String period = pairs.get("validityperiod");
        String units = pairs.get("validityperiodunits");
        if (period == null || units == null || !units.matches("[0-9]{1,6}")) {
            return Optional.empty();
        }
        long count = Long.parseLong(units);
        Duration unit = switch (period.toLowerCase(Locale.ROOT)) {
            case "minutes" -> Duration.ofMinutes(1);
            case "hours" -> Duration.ofHours(1);
            case "days" -> Duration.ofDays(1);
            case "weeks" -> Duration.ofDays(7);
            case "months" -> Duration.ofDays(30);
            case "years" -> Duration.ofDays(365);
            default -> null;
        };
        return count > 0 && unit != null ? Optional.of(unit.multipliedBy(count)) : Optional.empty();
    }

    /** Proof of possession: the request is signed by the key it asks a certificate for. */
    public static boolean isSelfSignatureValid(PKCS10CertificationRequest csr) {
        try {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .setProvider(BOUNCY_CASTLE)
                    .build(csr.getSubjectPublicKeyInfo()));
        } catch (Exception e) {
            // An unreadable key or unknown algorithm is a request we cannot accept, not a server fault.
            return false;
        }
    }
}
