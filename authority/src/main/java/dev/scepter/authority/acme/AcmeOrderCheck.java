package dev.scepter.authority.acme;

import dev.scepter.authority.enrollment.ChallengeVerifier;
import dev.scepter.authority.enrollment.EnrollmentContext;
import dev.scepter.protocol.csr.CertificationRequests;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What vouches for an ACME finalize in the enrollment chain (RFC 8555 section 7.4): the order's
 * identifiers are all authorized (the caller checked that before), and the CSR asks for exactly
 * those names, each one the profile certifies; a common name, if any, is one of them.
 */
public final class AcmeOrderCheck implements ChallengeVerifier {

    private final AcmeProfile profile;
    private final Set<AcmeIdentifier> ordered;

    public AcmeOrderCheck(AcmeProfile profile, Set<AcmeIdentifier> ordered) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.ordered = Set.copyOf(ordered);
    }

    @Override
    public boolean accepts(EnrollmentContext enrollment) {
        return refusal(enrollment.csr()).isEmpty();
    }

    /** Why the CSR does not fit the order and the profile, or empty when it does. */
    public Optional<String> refusal(PKCS10CertificationRequest csr) {
        Set<AcmeIdentifier> asked = new HashSet<>();
        GeneralNames names;
        try {
            names = CertificationRequests.requestedExtensions(csr)
                    .map(extensions -> GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName)).orElse(null);
        } catch (RuntimeException e) { // BouncyCastle: IllegalArgumentException, IllegalStateException for a bad attribute
            return Optional.of("the CSR's subject alternative name extension is not a GeneralNames sequence (RFC 5280 section 4.2.1.6)");
        }
        if (names != null) {
            for (GeneralName name : names.getNames()) {
                if (name.getTagNo() == GeneralName.dNSName) {
                    asked.add(new AcmeIdentifier(AcmeIdentifier.DNS, name.getName().toString()));
                } else if (name.getTagNo() == GeneralName.iPAddress) {
                    try {
                        asked.add(new AcmeIdentifier(AcmeIdentifier.IP,
                                InetAddress.getByAddress(DEROctetString.getInstance(name.getName()).getOctets()).getHostAddress()));
                    } catch (UnknownHostException e) {
                        return Optional.of("the CSR has an IP address SAN of a wrong length");
                    }
                } else {
                    return Optional.of("the CSR asks for a subject alternative name that is no DNS name or IP address");
                }
            }
        }
        // The subject is copied into the certificate: ACME vouches for the order's names and nothing
        // else, so it may hold common names only, each alone in its RDN (CN=ok+CN=evil hides a second one).
        for (RDN rdn : csr.getSubject().getRDNs()) {
            if (rdn.isMultiValued()) {
                return Optional.of("the CSR's subject has a multi-valued RDN; it may hold one common name, one of the order's identifiers");
            }
            if (!BCStyle.CN.equals(rdn.getFirst().getType())) {
                return Optional.of("the CSR's subject has " + BCStyle.INSTANCE.oidToDisplayName(rdn.getFirst().getType())
                        + "; it may hold one common name, one of the order's identifiers, and nothing else");
            }
        }
        for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
            ASN1Encodable value = rdn.getFirst().getValue();
            String cn = IETFUtils.valueToString(value);
            if (ordered.stream().noneMatch(id -> id.value().equalsIgnoreCase(cn))) {
                return Optional.of("the CSR's common name " + cn + " is not one of the order's identifiers");
            }
        }
        Set<AcmeIdentifier> normalisedOrder = new HashSet<>();
        for (AcmeIdentifier id : ordered) {
            normalisedOrder.add(AcmeIdentifier.IP.equals(id.type()) ? normalisedIp(id) : id);
        }
        if (!asked.equals(normalisedOrder)) {
            return Optional.of("the CSR's names " + describe(asked) + " are not the order's identifiers " + describe(normalisedOrder));
        }
        for (AcmeIdentifier id : asked) {
            Optional<String> refusal = profile.refusal(id);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    private static AcmeIdentifier normalisedIp(AcmeIdentifier id) {
        return AcmeProfile.address(id.value()).map(bytes -> {
            try {
                return new AcmeIdentifier(AcmeIdentifier.IP, InetAddress.getByAddress(bytes).getHostAddress());
            } catch (UnknownHostException e) {
                return id;
            }
        }).orElse(id);
    }

    private static String describe(Set<AcmeIdentifier> ids) {
        return ids.stream().map(AcmeIdentifier::value).sorted().toList().toString();
    }
}
