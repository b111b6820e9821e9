package dev.scepter.azure.jamf;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.JamfObjectId;
import dev.scepter.authority.enrollment.Binder;
import dev.scepter.authority.enrollment.ObjectBinder;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.protocol.csr.CertificationRequests;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Binds a {@code /jamf} request to the Jamf Pro object it names, which must exist, the way
 * SCEPman's Jamf profiles name it (docs/configuration.md "Jamf Pro"):
 * <ul>
 * <li>the first subject CN names the device: {@code $JSSID} (the Jamf Pro id, digits only) or
 * {@code $UDID}, resolved to the Jamf Pro id through the inventory;</li>
 * <li>an OU says the kind: {@code computers}, {@code devices}, {@code users-on-computers},
 * {@code users-on-devices} or {@code users}; without one a UDID is looked up among computers, then
 * mobile devices (a bare Jamf Pro id is ambiguous: computers and mobile devices are numbered
 * apart);</li>
 * <li>a user is named by the first RFC 822 SAN ({@code $EMAIL}), which must be one Jamf Pro user's.</li>
 * </ul>
 * The serial then carries the Jamf Pro ids ({@link JamfObjectId}) with SCEPman's type byte.
 */
public final class JamfBinder implements ObjectBinder {

    private static final Pattern JAMF_PRO_ID = Pattern.compile("[0-9]{1,10}");

    private final JamfClient jamf;

    public JamfBinder(JamfClient jamf) {
        this.jamf = Objects.requireNonNull(jamf, "jamf");
    }

    @Override
    public Result bind(PKCS10CertificationRequest csr) {
        Optional<String> cn = first(csr.getSubject().getRDNs(BCStyle.CN));
        Optional<DirectoryObjectType> kind = kind(csr.getSubject().getRDNs(BCStyle.OU));
        Optional<String> email = email(csr);
        try {
            if (kind.isPresent() && kind.get() == DirectoryObjectType.JAMF_USER) {
                return user(email).<Result>map(userId -> found(kind.get(), 0, userId)).orElseGet(() -> userMissing(email));
            }
            if (cn.isEmpty()) {
                return new Refused("the request names no Jamf Pro device: its subject has no CN ($JSSID or $UDID)");
            }
            Optional<Device> device = device(cn.get(), kind);
            if (device.isEmpty()) {
                return new Refused("Jamf Pro has no " + kind.map(JamfBinder::deviceWord).orElse("computer or mobile device") + " "
                        + cn.get() + (kind.isEmpty() && JAMF_PRO_ID.matcher(cn.get()).matches()
                                ? " (a Jamf Pro id needs OU=computers, devices, users-on-computers or users-on-devices)" : ""));
            }
            DirectoryObjectType deviceKind = device.get().kind();
            boolean forUser = kind.filter(k -> k == DirectoryObjectType.JAMF_USER_ON_COMPUTER
                    || k == DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE).isPresent();
            if (!forUser) {
                return found(deviceKind, device.get().id(), 0);
            }
            Optional<Long> user = user(email);
            if (user.isEmpty()) {
                return userMissing(email);
            }
            return found(deviceKind == DirectoryObjectType.JAMF_COMPUTER
                    ? DirectoryObjectType.JAMF_USER_ON_COMPUTER : DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE,
                    device.get().id(), user.get());
        } catch (JamfUnavailableException e) {
            return new Refused("Jamf Pro cannot tell now whether the object exists: " + e.getMessage());
        } catch (JamfClient.AmbiguousException | IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
    }

    private record Device(DirectoryObjectType kind, long id) {
    }

    private Optional<Device> device(String name, Optional<DirectoryObjectType> kind) {
        boolean computers = kind.isEmpty() || kind.get() == DirectoryObjectType.JAMF_COMPUTER
                || kind.get() == DirectoryObjectType.JAMF_USER_ON_COMPUTER;
        boolean mobile = kind.isEmpty() || kind.get() == DirectoryObjectType.JAMF_MOBILE_DEVICE
                || kind.get() == DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE;
        if (JAMF_PRO_ID.matcher(name).matches()) {
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            long id = Long.parseLong(name);
            if (id < 1 || id > 0xFFFF_FFFFL) {
                return Optional.empty();
            }
            return computers
                    ? Optional.of(new Device(DirectoryObjectType.JAMF_COMPUTER, id)).filter(d -> jamf.computerExists(id))
                    : Optional.of(new Device(DirectoryObjectType.JAMF_MOBILE_DEVICE, id)).filter(d -> jamf.mobileDeviceExists(id));
        }
        if (computers) {
            OptionalLong computer = jamf.computerByUdid(name);
            if (computer.isPresent()) {
                return Optional.of(new Device(DirectoryObjectType.JAMF_COMPUTER, computer.getAsLong()));
            }
        }
        if (mobile) {
            OptionalLong device = jamf.mobileDeviceByUdid(name);
            if (device.isPresent()) {
                return Optional.of(new Device(DirectoryObjectType.JAMF_MOBILE_DEVICE, device.getAsLong()));
            }
        }
        return Optional.empty();
    }

    private Optional<Long> user(Optional<String> email) {
        if (email.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong id = jamf.userByEmail(email.get());
        return id.isPresent() ? Optional.of(id.getAsLong()) : Optional.empty();
    }

    private static Refused userMissing(Optional<String> email) {
        return new Refused(email.map(e -> "Jamf Pro has no user with email " + e)
                .orElse("the request names no Jamf Pro user: a user certificate needs an RFC 822 SAN ($EMAIL)"));
    }

    private static Found found(DirectoryObjectType type, long deviceId, long userId) {
        JamfObjectId ids = new JamfObjectId(deviceId, userId);
        return new Found(new Binder.Bound(new DirectoryBinding(type, ids.toUuid()), JamfObjectId.typeByte(type)));
    }

    private static String deviceWord(DirectoryObjectType kind) {
        return kind == DirectoryObjectType.JAMF_COMPUTER || kind == DirectoryObjectType.JAMF_USER_ON_COMPUTER ? "computer" : "mobile device";
    }

    /** SCEPman's OU values for its Jamf profiles. */
    static Optional<DirectoryObjectType> kind(RDN[] ous) {
        for (RDN ou : ous) {
            Optional<DirectoryObjectType> kind = switch (ou.getFirst().getValue().toString().trim().toLowerCase(Locale.ROOT)) {
                case "computers" -> Optional.of(DirectoryObjectType.JAMF_COMPUTER);
                case "devices" -> Optional.of(DirectoryObjectType.JAMF_MOBILE_DEVICE);
                case "users-on-computers" -> Optional.of(DirectoryObjectType.JAMF_USER_ON_COMPUTER);
                case "users-on-devices" -> Optional.of(DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE);
                case "users" -> Optional.of(DirectoryObjectType.JAMF_USER);
                default -> Optional.empty();
            };
            if (kind.isPresent()) {
                return kind;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> first(RDN[] rdns) {
        return rdns.length == 0 ? Optional.empty() : Optional.of(rdns[0].getFirst().getValue().toString().trim()).filter(s -> !s.isEmpty());
    }

    private static Optional<String> email(PKCS10CertificationRequest csr) {
        Optional<GeneralNames> sans = CertificationRequests.requestedExtensions(csr)
                .map(extensions -> GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName));
        if (sans.isEmpty() || sans.get() == null) {
            return Optional.empty();
        }
        return List.of(sans.get().getNames()).stream().filter(name -> name.getTagNo() == GeneralName.rfc822Name)
                .map(name -> name.getName().toString().trim()).findFirst();
    }
}
