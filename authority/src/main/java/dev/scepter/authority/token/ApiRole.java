package dev.scepter.authority.token;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The core API's roles: SCEPman-api's app roles, and our own two. */
public enum ApiRole {
    CSR_REQUEST("CSR.Request"),
    CSR_REQUEST_DB("CSR.Request.Db"),
    CSR_REQUEST_DIRECT("CSR.Request.Direct"),
    CSR_SELF_SERVICE("CSR.SelfService"),
    MANAGE_ALL("Manage.All"),
    CHALLENGE_CREATE("Challenge.Create"),
    DIRECTORY_MANAGE("Directory.Manage");

    private final String value;

    ApiRole(String value) {
        this.value = value;
    }

    /** The role's name as Entra ID app roles and our tokens spell it. */
    public String value() {
        return value;
    }

    /** Reads a role name case-insensitively. */
    public static Optional<ApiRole> fromValue(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.value.toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }
}
