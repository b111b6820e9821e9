package dev.scepter.authority.enrollment;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.issuance.IssuedFor;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.protocol.csr.CertificationRequests;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Decides which directory object a request is for, as SCEPman does: a SAN URI
 * {@code IntuneDeviceId://{id}} names an Intune device, a subject CN holding a GUID an Entra
 * device, a UPN SAN a user (resolved to the user's object GUID through the directory).
 */
public final class Binder {

    /** A binding and the serial type byte that carries it (REFERENCE.md: even for Entra ids, odd for Intune ids). */
    public record Bound(DirectoryBinding binding, int serialTypeByte) {
    }

    public static final int TYPE_DEVICE = 0x40;
    public static final int TYPE_INTUNE_DEVICE = 0x41;
    public static final int TYPE_USER = 0x60;
    private static final String INTUNE_DEVICE_URI = "intunedeviceid://";
    private static final String UPN_OID = "1.3.6.1.4.1.311.20.2.3";
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Directory directory;

    public Binder(Directory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Optional<Bound> bind(PKCS10CertificationRequest csr) {
        Optional<GeneralNames> sans = CertificationRequests.requestedExtensions(csr)
                .map(extensions -> GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName));
        if (sans.isPresent()) {
            for (GeneralName name : sans.get().getNames()) {
                if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    String uri = name.getName().toString();
                    if (uri.toLowerCase(Locale.ROOT).startsWith(INTUNE_DEVICE_URI)) {
                        Optional<UUID> id = guid(uri.substring(INTUNE_DEVICE_URI.length()));
                        if (id.isPresent()) {
                            return Optional.of(new Bound(new DirectoryBinding(DirectoryObjectType.INTUNE_DEVICE, id.get()), TYPE_INTUNE_DEVICE));
                        }
                    }
                }
            }
        }
        for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
            Optional<UUID> id = guid(rdn.getFirst().getValue().toString());
            if (id.isPresent()) {
                return Optional.of(new Bound(new DirectoryBinding(DirectoryObjectType.DEVICE, id.get()), TYPE_DEVICE));
            }
        }
        if (sans.isPresent()) {
            for (GeneralName name : sans.get().getNames()) {
                if (name.getTagNo() == GeneralName.otherName) {
                    OtherName other = OtherName.getInstance(name.getName());
                    if (UPN_OID.equals(other.getTypeID().getId()) && other.getValue() instanceof ASN1String upn) {
                        Optional<UUID> user = directory.findUserByPrincipalName(upn.getString());
                        if (user.isPresent()) {
                            return Optional.of(new Bound(new DirectoryBinding(DirectoryObjectType.USER, user.get()), TYPE_USER));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The bound object's SID, as the directory knows it. */
    public Optional<String> securityIdentifier(DirectoryBinding binding) {
        boolean named = switch (binding.type()) {
            case DEVICE, USER -> true;
            // The directory is keyed by Entra device and user ids; an Intune device id names no object there.
            case INTUNE_DEVICE, DOMAIN_CONTROLLER, JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER,
                    JAMF_USER_ON_MOBILE_DEVICE -> false;
        };
        return named
                ? directory.securityIdentifier(binding.type(), binding.objectId()).filter(IssuedFor::isSid)
                : Optional.empty();
    }

    private static Optional<UUID> guid(String text) {
        String trimmed = text.trim();
        return GUID.matcher(trimmed).matches() ? Optional.of(UUID.fromString(trimmed)) : Optional.empty();
    }
}
