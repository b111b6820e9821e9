package dev.scepter.azure.jamf;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.directory.JamfObjectId;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Jamf Pro as the directory for the certificates bound to its objects (OCSP, renewals), as
 * SCEPman's table has it: a computer, mobile device or user that Jamf Pro no longer has revokes
 * its certificates for good, and for a user on a device either one gone does. Jamf Pro knows no
 * "disabled", so nothing is ever on hold here. Jamf Pro unreachable or refusing us is
 * {@link DirectoryUnavailableException} (OCSP tryLater), never "not found".
 */
public final class JamfDirectory implements Directory {

    private final JamfClient jamf;

    public JamfDirectory(JamfClient jamf) {
        this.jamf = Objects.requireNonNull(jamf, "jamf");
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        JamfObjectId ids = JamfObjectId.of(objectId)
                .orElseThrow(() -> new IllegalArgumentException("not a Jamf Pro binding: " + objectId));
        try {
            boolean exists = switch (type) {
                case JAMF_COMPUTER -> jamf.computerExists(ids.deviceId());
                case JAMF_MOBILE_DEVICE -> jamf.mobileDeviceExists(ids.deviceId());
                case JAMF_USER -> jamf.userExists(ids.userId());
                case JAMF_USER_ON_COMPUTER -> jamf.computerExists(ids.deviceId()) && jamf.userExists(ids.userId());
                case JAMF_USER_ON_MOBILE_DEVICE -> jamf.mobileDeviceExists(ids.deviceId()) && jamf.userExists(ids.userId());
                case DEVICE, INTUNE_DEVICE, USER, DOMAIN_CONTROLLER -> throw new IllegalArgumentException(
                        "Jamf Pro answers only for Jamf objects, not " + type);
            };
            return exists ? DirectoryAnswer.ENABLED : DirectoryAnswer.NOT_FOUND;
        } catch (JamfUnavailableException e) {
            throw new DirectoryUnavailableException(e.getMessage(), e);
        }
    }

    /** Jamf Pro holds no Entra user principal names. */
    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        return Optional.empty();
    }

    /** Jamf Pro holds no SIDs. */
    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return jamf.describe();
    }
}
