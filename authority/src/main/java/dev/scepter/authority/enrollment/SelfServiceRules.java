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
 * Authentication, and it is for the caller: its subject CN, or its UPN SAN, is the caller's name
 * (the {@link EnrollmentContext#actor() actor}, an API token's name or a user's UPN), and no UPN
 * SAN names anyone else. Case-insensitive, as UPNs are.
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
        Optional<Extensions> extensions = CertificationRequests.requestedExtensions(enrollment.csr());
        return onlyClientAuthentication(extensions) && namesOnly(enrollment.csr(), extensions, caller.get());
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
        for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
            named |= rdn.getFirst().getValue().toString().toLowerCase(Locale.ROOT).equals(caller);
        }
        GeneralNames sans = extensions.map(e -> GeneralNames.fromExtensions(e, Extension.subjectAlternativeName)).orElse(null);
        if (sans != null) {
            for (GeneralName name : sans.getNames()) {
                if (name.getTagNo() != GeneralName.otherName) {
                    continue;
                }
                OtherName other = OtherName.getInstance(name.getName());
                if (!UPN.equals(other.getTypeID())) {
                    continue;
                }
                if (!(other.getValue() instanceof ASN1String upn) || !upn.getString().toLowerCase(Locale.ROOT).equals(caller)) {
                    return false;
                }
                named = true;
            }
        }
        return named;
    }

    @Override
    public String toString() {
        return "SelfServiceRules";
    }
}
