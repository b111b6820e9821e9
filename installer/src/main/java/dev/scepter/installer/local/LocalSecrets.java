package dev.scepter.installer.local;

import static dev.scepter.settings.DataFolder.ADMIN_TOKEN;
import static dev.scepter.settings.DataFolder.CERTMASTER_CLIENT;
import static dev.scepter.settings.DataFolder.STATIC_CHALLENGE;

import dev.scepter.authority.Secrets;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.Storage;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.Step;
import dev.scepter.keys.Pkcs12CaSigner;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.ScepterSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The secrets of a local installation other than its keys: the static SCEP challenge, the admin
 * API token and Certificate Master's API credential. Each lives in a file of the data folder and,
 * for the tokens, in the database; a new one is shown once. Apart from the keys because a token
 * can be planned only once the database can be read, and a revoked one must stay revoked.
 */
final class LocalSecrets {

    /** What Certificate Master may do through the core's API: request certificates, and search, download, revoke. */
    static final Set<ApiRole> CERTMASTER_ROLES = EnumSet.of(ApiRole.CSR_REQUEST, ApiRole.MANAGE_ALL);
    /** Admin tokens are named by a fingerprint of their value: each node sharing a store keeps its own. */
    static final String ADMIN_TOKEN_PREFIX = "admin-";
    private static final String ACTOR = "complete-installation";

    private final Path dataDir;
    private final DataFolder folder;
    private final ScepterSettings settings;
    private final Supplier<? extends Storage> storage;
    private final Clock clock;
    private final SecureRandom random;
    private final PrintStream out;
    private final boolean showSecrets;

    /** @param showSecrets whether a secret it creates is printed once (see {@link LocalInstallation}) */
    LocalSecrets(Path dataDir, DataFolder folder, ScepterSettings settings, Supplier<? extends Storage> storage, Clock clock,
            SecureRandom random, PrintStream out, boolean showSecrets) {
        this.dataDir = dataDir;
        this.folder = folder;
        this.settings = settings;
        this.storage = storage;
        this.clock = clock;
        this.random = random;
        this.out = out;
        this.showSecrets = showSecrets;
    }

    /**
     * Adds the steps for the secrets still missing; a token file the database does not know and
     * may not take back becomes a notice instead.
     */
    void plan(List<Step> plan, List<String> notices, LocalDatabase database) throws InstallationException {
        if (settings.scep().staticValidation().enabled() && settings.scep().staticValidation().requestPassword().isEmpty() && !Files.exists(folder.staticChallenge())) {
            plan.add(new Step("Create the static SCEP challenge in " + STATIC_CHALLENGE, this::createStaticChallenge));
        }
        planAdminToken(plan, notices, database);
        planCertMasterClient(plan, notices, database);
    }

    private void planAdminToken(List<Step> plan, List<String> notices, LocalDatabase database) throws InstallationException {
        if (database.pending()) {
            return;
        }
        Path tokenFile = folder.adminToken();
        if (!Files.exists(tokenFile)) {
            plan.add(new Step("Create the admin API token (every role) in " + ADMIN_TOKEN, this::createAdminToken));
            return;
        }
        String value = readSecret(tokenFile);
        if (database.exists() && tokens().isRegistered(value)) {
            return;
        }
        if (mayRestoreTokens(database)) {
            plan.add(new Step("Register the admin API token of " + ADMIN_TOKEN + " in the database",
                    () -> registerAdminToken(value)));
        } else {
            notices.add(ADMIN_TOKEN + " holds a token the database does not know: it was revoked, or the database was replaced. "
                    + "It is not restored; delete " + ADMIN_TOKEN + " and run again for a new one.");
        }
    }

    /** Certificate Master's own credential for the core's API, with only the roles it needs. */
    private void planCertMasterClient(List<Step> plan, List<String> notices, LocalDatabase database) throws InstallationException {
        if (database.pending()) {
            return;
        }
        Path file = folder.certMasterClient();
        if (!Files.exists(file)) {
            plan.add(new Step("Create Certificate Master's API credential (roles " + roleNames(CERTMASTER_ROLES) + ") in "
                    + CERTMASTER_CLIENT, this::createCertMasterClient));
            return;
        }
        String value = CertMasterClient.read(file).token();
        Optional<ApiToken> registered = database.exists() ? tokens().authenticate(value) : Optional.empty();
        if (registered.isEmpty() && !mayRestoreTokens(database)) {
            notices.add(CERTMASTER_CLIENT + " holds a token the database does not know: it was revoked, or the database was replaced. "
                    + "It is not restored; delete " + CERTMASTER_CLIENT + " and run again for a new one.");
        } else if (registered.isEmpty()) {
            plan.add(new Step("Register Certificate Master's API credential of " + CERTMASTER_CLIENT + " in the database",
                    () -> tokens().register(ACTOR, CertMasterClient.read(file).name(), value, CERTMASTER_ROLES)));
        } else if (!registered.get().roles().equals(CERTMASTER_ROLES)) {
            plan.add(new Step("Give Certificate Master's API credential exactly the roles " + roleNames(CERTMASTER_ROLES)
                    + " (it has " + roleNames(registered.get().roles()) + ")", () -> {
                        tokens().revoke(ACTOR, registered.get().name());
                        tokens().register(ACTOR, registered.get().name(), value, CERTMASTER_ROLES);
                    }));
        }
    }

    /**
     * A token file whose token the database lacks is restored only into a database that holds no
     * token at all (new, or restored without them): anywhere else it was revoked, and must stay so.
     */
    private boolean mayRestoreTokens(LocalDatabase database) {
        return !database.exists() || tokens().list().isEmpty();
    }

    private void createStaticChallenge() throws Exception {
        String challenge = Secrets.randomText(random, 18);
        Pkcs12CaSigner.writeSecret(folder.staticChallenge(), challenge.getBytes(StandardCharsets.UTF_8));
        showOnce("Static SCEP challenge", STATIC_CHALLENGE, challenge);
    }

    private void createAdminToken() throws Exception {
        String value = tokens().newValue();
        Pkcs12CaSigner.writeSecret(folder.adminToken(), value.getBytes(StandardCharsets.UTF_8));
        registerAdminToken(value);
        showOnce("Admin API token", ADMIN_TOKEN, value);
    }

    private void createCertMasterClient() throws Exception {
        String value = tokens().newValue();
        String name = tokenName("certmaster-", value);
        CertMasterClient.write(folder.certMasterClient(), new CertMasterClient(name, value, CERTMASTER_ROLES));
        tokens().register(ACTOR, name, value, CERTMASTER_ROLES);
    }

    /** A new secret: its value on a terminal, once; elsewhere only the file that keeps it. */
    private void showOnce(String what, String file, String value) {
        if (showSecrets) {
            out.println(what + " (shown once; kept in " + file + "): " + value);
        } else {
            out.println(what + ": kept in " + dataDir.toAbsolutePath().resolve(file) + " (its value is printed only to a terminal)");
        }
    }

    private void registerAdminToken(String value) {
        // Never revokes another admin token: on a shared store it is another node's.
        tokens().register(ACTOR, adminTokenName(value), value, EnumSet.allOf(ApiRole.class));
    }

    static String adminTokenName(String value) {
        return tokenName(ADMIN_TOKEN_PREFIX, value);
    }

    /** A prefix and the first 8 hex digits of the value's SHA-256: stable, distinct per node, no secret. */
    private static String tokenName(String prefix, String value) {
        return prefix + HexFormat.of().formatHex(Secrets.sha256(value), 0, 4);
    }

    private static String roleNames(Set<ApiRole> roles) {
        return roles.stream().map(ApiRole::value).sorted().collect(Collectors.joining(", "));
    }

    private ApiTokens tokens() {
        Storage store = storage.get();
        AuditLog audit = store.auditLog();
        return new ApiTokens(store.apiTokenStore(), audit, clock, random);
    }

    private static String readSecret(Path file) throws InstallationException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new InstallationException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
