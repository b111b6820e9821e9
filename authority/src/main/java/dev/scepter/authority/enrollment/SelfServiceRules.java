package dev.scepter.authority.enrollment;

import dev.scepter.protocol.csr.CertificationRequests;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * SCEPman's self-service rules for a caller with the role {@code CSR.SelfService} only (its
 * "EST or the raw CSR API for your own devices or your own user account"), as far as a caller
 * known by name can be held to them: the request asks for no Extended Key Usage but Client
 * Authentication, and every name in it is the caller's (the {@link EnrollmentContext#actor()
 * actor}, an API token's name or a user's UPN). An allow-list, not a deny-list:
 * <ul>
 *   <li>the subject is empty or one CN, the caller's: no second CN, no E=, OU=, O= or other
 *       attribute the caller could claim with no one checking;</li>
 *   <li>subject alternative names are UPNs (Microsoft's otherName) or rfc822Names, each the
 *       caller's: no DNS name, IP address, URI ({@code IntuneDeviceId://...}, a SID URI) or
 *       other otherName;</li>
 *   <li>the caller is named at least once, by the CN or a UPN.</li>
 * </ul>
 * Case-insensitive, as UPNs are.
 */
public final class SelfServiceRules implements ChallengeVerifier {

    /** Microsoft's UPN otherName in a SAN (szOID_NT_PRINCIPAL_NAME). */
    static final ASN1ObjectIdentifier UPN = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3");

    @Override
    public boolean accepts(EnrollmentContext enrollment) {
        Optional<String> caller = enrollment.actor().map(name -> name.toLowerCase(Locale.ROOT));
        if (caller.isEmpty()) {
            return false;
        }
        Optional<Extensions> extensions;
        try {
            extensions = CertificationRequests.requestedExtensions(enrollment.csr());
            return onlyClientAuthentication(extensions) && namesOnly(enrollment.csr(), extensions, caller.get());
        } catch (RuntimeException e) {
            // A request whose names cannot be read names nobody we can vouch for.
            return false;
        }
    }

    private static boolean onlyClientAuthentication(Optional<Extensions> extensions) {
        ExtendedKeyUsage ekus = extensions.map(ExtendedKeyUsage::fromExtensions).orElse(null);
        if (ekus == null) {
            return true;
        }
        KeyPurposeId[] usages = ekus.getUsages();
        for (KeyPurposeId usage : usages) {
            if (!KeyPurposeId.id_kp_clientAuth.equals(usage)) {
                return false;
            }
        }
        return usages.length > 0;
    }

    private static boolean namesOnly(PKCS10CertificationRequest csr, Optional<Extensions> extensions, String caller) {
        boolean named = false;
        RDN[] rdns = csr.getSubject().getRDNs();
        if (rdns.length > 1) {
            return false;
        }
        if (rdns.length == 1) {
            if (rdns[0].isMultiValued() || !BCStyle.CN.equals(rdns[0].getFirst().getType())
                    || !(rdns[0].getFirst().getValue() instanceof ASN1String cn) || !isCaller(cn.getString(), caller)) {
                return false;
            }
            named = true;
        }
        GeneralNames sans = extensions.map(e -> GeneralNames.fromExtensions(e, Extension.subjectAlternativeName)).orElse(null);
        if (sans != null) {
            for (GeneralName name : sans.getNames()) {
                if (name.getTagNo() == GeneralName.rfc822Name) {
                    if (!isCaller(((ASN1String) name.getName()).getString(), caller)) {
                        return false;
                    }
                    continue;
                }
                if (name.getTagNo() != GeneralName.otherName) {
                    return false;
                }
                OtherName other = OtherName.getInstance(name.getName());
                if (!UPN.equals(other.getTypeID()) || !(other.getValue() instanceof ASN1String upn) || !isCaller(upn.getString(), caller)) {
                    return false;
                }
                named = true;
            }
        }
        return named;
    }

    private static boolean isCaller(String name, String caller) {
        return name.toLowerCase(Locale.ROOT).equals(caller);
    }

    @Override
    public String toString() {
        return "SelfServiceRules";
    }
}
