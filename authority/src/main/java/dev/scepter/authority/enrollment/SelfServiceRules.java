package dev.scepter.authority.enrollment;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.protocol.csr.CertificationRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
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
 * Authentication, and it is either for the caller or for one device the caller owns. An
 * allow-list, not a deny-list, in two sets of rules that never mix, since the certificate of one
 * is bound to nothing and that of the other to a device ({@link #namesADevice} says which applies):
 * <ul>
 *   <li>{@linkplain #SelfServiceRules() the caller's own certificate}: every name in it is the
 *       caller's (the {@link EnrollmentContext#actor() actor}, an API token's name or a user's UPN).
 *       The subject is empty or one CN, the caller's: no second CN, no E=, OU=, O= or other
 *       attribute the caller could claim with no one checking; subject alternative names are UPNs
 *       (Microsoft's otherName) or rfc822Names, each the caller's: no DNS name, IP address, URI
 *       ({@code IntuneDeviceId://...}, a SID URI) or other otherName; and the caller is named at
 *       least once, by the CN or a UPN;</li>
 *   <li>{@linkplain #forOwnedDevices(Directory) a device's certificate}: the request names exactly
 *       one device, by a subject CN that is its id ({@code CN=<Entra or Intune device id>}) or by a
 *       SAN URI {@code IntuneDeviceId://<id>}, and otherwise only the names the first rules allow
 *       for the caller. The directory must say the device exists and is enabled, and that the user
 *       the caller's UPN resolves to exists, is enabled and is one of the device's registered owners
 *       ({@link Directory#isRegisteredOwner}). The certificate is then bound to that device as an
 *       Intune enrollment's is (the {@link Binder} reads the same name), so it is good exactly while
 *       the device exists and is enabled.</li>
 * </ul>
 * Names compare case-insensitively, as UPNs do. A directory that cannot answer is an outage
 * ({@link dev.scepter.authority.directory.DirectoryUnavailableException}, which the protocol
 * answers "try later"), never a refusal and never an acceptance.
 */
public final class SelfServiceRules implements ChallengeVerifier {

    /**
     * The endpoint a device's self-service certificate is recorded under. Its serial carries
     * Intune's device type (0x40, 0x41) so that OCSP follows the device, which would make it an
     * {@code IntuneDevice} renewal; but only the directory's word that its requester owned the device
     * earned it, and a renewal asks no one. So {@link Renewals} never renews it, whatever
     * {@code ReenrollmentAllowedCertificateTypes} says: its owner enrolls again with
     * {@code CSR.SelfService}, and the directory is asked again.
     */
    public static final String OWNED_DEVICE_ENDPOINT = "est-self-service";

    /** Microsoft's UPN otherName in a SAN (szOID_NT_PRINCIPAL_NAME). */
    static final ASN1ObjectIdentifier UPN = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3");
    private static final String INTUNE_DEVICE_URI = "intunedeviceid://";
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** What the device rules ask; empty for the caller's own certificate. */
    private final Optional<Directory> directory;

    /** The rules for the caller's own certificate (bound to nothing): a request naming a device is refused. */
    public SelfServiceRules() {
        this.directory = Optional.empty();
    }

    private SelfServiceRules(Directory directory) {
        this.directory = Optional.of(Objects.requireNonNull(directory, "directory"));
    }

    /**
     * The rules for a device's certificate, which the endpoint binds to the device: only a request
     * for exactly one device that the directory says the caller owns.
     */
    public static SelfServiceRules forOwnedDevices(Directory directory) {
        return new SelfServiceRules(directory);
    }

    /**
     * Whether the request asks for a device's certificate, and so is judged by the device rules: its
     * subject CN is a device id, or a SAN URI is {@code IntuneDeviceId://...}. A request that cannot
     * be read names no device (the caller's rules refuse it).
     */
    public static boolean namesADevice(PKCS10CertificationRequest csr) {
        try {
            for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
                if (rdn.getFirst().getValue() instanceof ASN1String cn && guid(cn.getString()).isPresent()) {
                    return true;
                }
            }
            GeneralNames sans = CertificationRequests.requestedExtensions(csr)
                    .map(e -> GeneralNames.fromExtensions(e, Extension.subjectAlternativeName)).orElse(null);
            if (sans != null) {
                for (GeneralName name : sans.getNames()) {
                    if (name.getTagNo() == GeneralName.uniformResourceIdentifier
                            && name.getName().toString().toLowerCase(Locale.ROOT).startsWith(INTUNE_DEVICE_URI)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean accepts(EnrollmentContext enrollment) {
        Optional<String> caller = enrollment.actor().map(name -> name.toLowerCase(Locale.ROOT));
        if (caller.isEmpty()) {
            return false;
        }
        Names names;
        try {
            Optional<Extensions> extensions = CertificationRequests.requestedExtensions(enrollment.csr());
            if (!onlyClientAuthentication(extensions)) {
                return false;
            }
            names = names(enrollment.csr(), extensions, caller.get());
        } catch (RuntimeException e) {
            // A request whose names cannot be read names nobody we can vouch for.
            return false;
        }
        if (!names.allowed()) {
            return false;
        }
        if (directory.isEmpty()) {
            return names.devices().isEmpty() && names.callerNamed();
        }
        return names.devices().size() == 1 && owns(directory.get(), caller.get(), names.devices().get(0));
    }

    /** Asked only of a request that passed every other rule, so that only such a request makes the directory work. */
    private static boolean owns(Directory directory, String caller, DirectoryBinding device) {
        Optional<UUID> user = directory.findUserByPrincipalName(caller);
        return user.isPresent()
                && directory.lookup(DirectoryObjectType.USER, user.get()) == DirectoryAnswer.ENABLED
                && directory.lookup(device.type(), device.objectId()) == DirectoryAnswer.ENABLED
                && directory.isRegisteredOwner(device.type(), device.objectId(), user.get());
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

    /**
     * The request's names as these rules see them.
     *
     * @param allowed     every name is the caller's or a device's, in the forms allowed
     * @param callerNamed the CN or a UPN is the caller
     * @param devices     the devices named (a CN that is a device id, a SAN URI {@code IntuneDeviceId://})
     */
    private record Names(boolean allowed, boolean callerNamed, List<DirectoryBinding> devices) {
        static final Names REFUSED = new Names(false, false, List.of());
    }

    private static Names names(PKCS10CertificationRequest csr, Optional<Extensions> extensions, String caller) {
        boolean named = false;
        List<DirectoryBinding> devices = new ArrayList<>();
        RDN[] rdns = csr.getSubject().getRDNs();
        if (rdns.length > 1) {
            return Names.REFUSED;
        }
        if (rdns.length == 1) {
            if (rdns[0].isMultiValued() || !BCStyle.CN.equals(rdns[0].getFirst().getType())
                    || !(rdns[0].getFirst().getValue() instanceof ASN1String cn)) {
                return Names.REFUSED;
            }
            Optional<UUID> device = guid(cn.getString());
            if (device.isPresent()) {
                // As the Binder reads it: an Entra device id (an Intune one too, which the directory answers as its device).
                devices.add(new DirectoryBinding(DirectoryObjectType.DEVICE, device.get()));
            } else if (isCaller(cn.getString(), caller)) {
                named = true;
            } else {
                return Names.REFUSED;
            }
        }
        GeneralNames sans = extensions.map(e -> GeneralNames.fromExtensions(e, Extension.subjectAlternativeName)).orElse(null);
        if (sans != null) {
            for (GeneralName name : sans.getNames()) {
                switch (name.getTagNo()) {
                    case GeneralName.rfc822Name -> {
                        if (!isCaller(((ASN1String) name.getName()).getString(), caller)) {
                            return Names.REFUSED;
                        }
                    }
                    case GeneralName.uniformResourceIdentifier -> {
                        String uri = ((ASN1String) name.getName()).getString();
                        Optional<UUID> device = uri.toLowerCase(Locale.ROOT).startsWith(INTUNE_DEVICE_URI)
                                ? guid(uri.substring(INTUNE_DEVICE_URI.length()))
                                : Optional.empty();
                        if (device.isEmpty()) {
                            return Names.REFUSED;
                        }
                        devices.add(new DirectoryBinding(DirectoryObjectType.INTUNE_DEVICE, device.get()));
                    }
                    case GeneralName.otherName -> {
                        OtherName other = OtherName.getInstance(name.getName());
                        if (!UPN.equals(other.getTypeID()) || !(other.getValue() instanceof ASN1String upn) || !isCaller(upn.getString(), caller)) {
                            return Names.REFUSED;
                        }
                        named = true;
                    }
                    default -> {
                        return Names.REFUSED;
                    }
                }
            }
        }
        return new Names(true, named, List.copyOf(devices));
    }

    /** A device id as the {@link Binder} reads one, surrounding blanks aside. */
    private static Optional<UUID> guid(String text) {
        String trimmed = text.trim();
        return GUID.matcher(trimmed).matches() ? Optional.of(UUID.fromString(trimmed)) : Optional.empty();
    }

    private static boolean isCaller(String name, String caller) {
        return name.toLowerCase(Locale.ROOT).equals(caller);
    }

    @Override
    public String toString() {
        return directory.isPresent() ? "SelfServiceRules[owned devices]" : "SelfServiceRules";
    }
}
