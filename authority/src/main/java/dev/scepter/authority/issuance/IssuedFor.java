package dev.scepter.authority.issuance;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What the directory told us about the object a certificate is issued for, for the extensions
 * that name it; empty for certificates bound to nothing.
 *
 * @param entraDeviceId      the Entra device id, for the device id extension (not an Intune device id)
 * @param securityIdentifier the object's SID ({@code S-1-5-21-...}), for the SID extension
 */
public record IssuedFor(Optional<UUID> entraDeviceId, Optional<String> securityIdentifier) {

    private static final Pattern SID = Pattern.compile("S-1-[0-9]+(-[0-9]+)+");

    /** A certificate bound to nothing. */
    public static final IssuedFor NOTHING = new IssuedFor(Optional.empty(), Optional.empty());

    public IssuedFor {
        Objects.requireNonNull(entraDeviceId, "entraDeviceId");
        Objects.requireNonNull(securityIdentifier, "securityIdentifier");
        securityIdentifier.ifPresent(sid -> {
            if (!isSid(sid)) {
                throw new IllegalArgumentException("not a SID in S-1-... form");
            }
        });
    }

    /** Whether the text is a SID in its string form (MS-DTYP section 2.4.2.1). */
    public static boolean isSid(String text) {
        return SID.matcher(text).matches();
    }
}
