package dev.scepter.certmaster.forms;

import java.util.Arrays;
import java.util.Optional;

/**
 * The certificate forms. Each names the role kind that may use it ({@code Request.<kind>} and its
 * {@code .Form} variant, SCEPman's names), the kind the core issues ({@code POST /api/csr?kind=}),
 * and the longest lifetime the core allows for the kind; the forms offer the smaller of it and the
 * installation's cap ({@link #maximumDays(int)}), as the core enforces both.
 */
public enum FormKind {
    SERVER("server", "TLS server", "Server", "Server", 397),
    CLIENT("client", "Client (device)", "Client", "Client", 730),
    USER("user", "User", "User", "User", 730),
    CODE_SIGNING("code-signing", "Code signing", "CodeSigning", "CodeSigning", 1095),
    /** A person's mail: SCEPman has no role of its own for it, so the user roles. */
    SMIME("smime", "S/MIME", "User", "SMime", 730);

    private final String slug;
    private final String title;
    private final String roleKind;
    private final String coreKind;
    private final int maximumDays;

    FormKind(String slug, String title, String roleKind, String coreKind, int maximumDays) {
        this.slug = slug;
        this.title = title;
        this.roleKind = roleKind;
        this.coreKind = coreKind;
        this.maximumDays = maximumDays;
    }

    /** The form's path below {@code /forms/}. */
    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** The kind in the role names: {@code Request.Server}, {@code Request.Server.Form}, {@code Request.Server.Csr}. */
    public String roleKind() {
        return roleKind;
    }

    /** The kind the core's API takes. */
    public String coreKind() {
        return coreKind;
    }

    /** The kind's own cap. */
    public int maximumDays() {
        return maximumDays;
    }

    /** The longest lifetime the core issues for this kind under the installation's cap. */
    public int maximumDays(int installationCapDays) {
        return Math.min(maximumDays, installationCapDays);
    }

    public String path() {
        return "/forms/" + slug;
    }

    public static Optional<FormKind> bySlug(String slug) {
        return Arrays.stream(values()).filter(kind -> kind.slug.equals(slug)).findFirst();
    }

    public static Optional<FormKind> byCoreKind(String coreKind) {
        return Arrays.stream(values()).filter(kind -> kind.coreKind.equals(coreKind)).findFirst();
    }
}
