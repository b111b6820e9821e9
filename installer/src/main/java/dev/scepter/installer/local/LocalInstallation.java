package dev.scepter.installer.local;

import static dev.scepter.settings.DataFolder.ADMIN_TOKEN;
import static dev.scepter.settings.DataFolder.APP_SETTINGS;
import static dev.scepter.settings.DataFolder.CA_KEY_STORE;
import static dev.scepter.settings.DataFolder.CA_PASSWORD;
import static dev.scepter.settings.DataFolder.CERTMASTER_CLIENT;
import static dev.scepter.settings.DataFolder.EMBEDDED_DATABASE;
import static dev.scepter.settings.DataFolder.EMBEDDED_DATABASE_PASSWORD;
import static dev.scepter.settings.DataFolder.RA_KEY_STORE;
import static dev.scepter.settings.DataFolder.RA_PASSWORD;
import static dev.scepter.settings.DataFolder.STATIC_CHALLENGE;

import dev.scepter.authority.Secrets;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.Storage;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.installer.AppSettings;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.Reconciler;
import dev.scepter.installer.Step;
import dev.scepter.keys.KeyCustodyFactory;
import dev.scepter.keys.Pkcs12CaSigner;
import dev.scepter.keys.RootCaSpec;
import dev.scepter.settings.AppSettingsFile;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import dev.scepter.store.jdbc.JdbcStorage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code complete-installation --target local}: the data folder of the embedded default. Reads
 * what is there, plans only what is missing, applies it. {@code serve} runs it first.
 */
public final class LocalInstallation {

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
    private JdbcStorage.Inspection inspection;
    /** The database needs a step (a password, a schema migration) before the tokens in it can be read. */
    private boolean databasePending;
    private final List<String> notices = new ArrayList<>();

    /** An installation that prints no secret: it names the files that hold them. */
    public LocalInstallation(Path dataDir, ScepterSettings settings, Supplier<? extends Storage> storage, Clock clock,
            SecureRandom random, PrintStream out) {
        this(dataDir, settings, storage, clock, random, out, false);
    }

    /**
     * @param storage     opens the store when a step needs it (not before: {@code --what-if} must not create a database)
     * @param showSecrets whether a secret it creates is printed once: only to a terminal, since
     *                    whatever collects the standard output of a service (a container's or
     *                    systemd's log) keeps it
     */
    public LocalInstallation(Path dataDir, ScepterSettings settings, Supplier<? extends Storage> storage, Clock clock,
            SecureRandom random, PrintStream out, boolean showSecrets) {
        this.showSecrets = showSecrets;
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.folder = new DataFolder(dataDir);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Completes the installation; @return whether anything was (or would be) changed. */
    public boolean complete(boolean whatIf) throws InstallationException {
        return complete(whatIf, false);
    }

    /** @param verbose also say what was found in place */
    public boolean complete(boolean whatIf, boolean verbose) throws InstallationException {
        out.println("Scepter local installation in " + dataDir.toAbsolutePath());
        if (verbose) {
            for (String file : DataFolder.INSTALLATION_FILES) {
                out.println((Files.exists(dataDir.resolve(file)) ? "Found: " : "Missing: ") + file);
            }
            out.println("Database: " + settings.store().databaseUrl().map(url -> "AppConfig:Database:Url").orElse("embedded H2 in " + EMBEDDED_DATABASE));
        }
        Reconciler reconciler = new Reconciler(out);
        List<Step> plan = plan();
        notices.forEach(notice -> out.println("WARNING: " + notice));
        boolean changed = reconciler.run(plan, whatIf);
        if (databasePending) {
            if (whatIf) {
                out.println("Once the database is ready, the API tokens in it are checked too.");
            } else {
                // The tokens could only be read once the schema was current: plan what is left.
                List<Step> rest = plan();
                if (!rest.isEmpty()) {
                    reconciler.run(rest, false);
                }
            }
        }
        return changed;
    }

    /** The steps that the actual state still needs, in order. */
    public List<Step> plan() throws InstallationException {
        inspection = null;
        databasePending = false;
        notices.clear();
        List<Step> plan = new ArrayList<>();
        if (!Files.isDirectory(dataDir)) {
            plan.add(new Step("Create the data folder " + dataDir.toAbsolutePath() + " (its owner's only)",
                    folder::create));
        } else {
            planPrivateModes(plan);
        }
        planRootCa(plan);
        if (!Files.exists(folder.appSettings())) {
            plan.add(new Step("Create " + APP_SETTINGS + " (empty: the settings of this installation go there)",
                    () -> AppSettingsFile.write(folder.appSettings(), new LinkedHashMap<>())));
        } else {
            planOneXMigration(plan);
        }
        planDatabase(plan);
        if (settings.scep().staticValidation().enabled() && settings.scep().staticValidation().requestPassword().isEmpty() && !Files.exists(folder.staticChallenge())) {
            plan.add(new Step("Create the static SCEP challenge in " + STATIC_CHALLENGE, this::createStaticChallenge));
        }
        planAdminToken(plan);
        planCertMasterClient(plan);
        return plan;
    }

    /**
     * A folder carried over from SCEPman 1.x signs in to Entra ID with an application key. As on
     * Azure, the key and the application id move to {@code Backup:} settings; locally there is no
     * managed identity and no SCEPman-api app to switch to, so nothing replaces them.
     */
    private void planOneXMigration(List<Step> plan) throws InstallationException {
        AppSettings current = readAppSettings();
        if (current.get(Setting.AUTH_APPLICATION_KEY.key()).isEmpty()) {
            return;
        }
        List<String> changes = migrateOneX(current);
        plan.add(new Step(APP_SETTINGS + ": " + String.join("; ", changes), () -> {
            AppSettings settings = readAppSettings();
            migrateOneX(settings);
            AppSettingsFile.write(folder.appSettings(), settings.asMap());
        }));
    }

    private static List<String> migrateOneX(AppSettings settings) {
        List<String> changes = new ArrayList<>();
        for (Setting oneX : List.of(Setting.AUTH_APPLICATION_ID, Setting.AUTH_APPLICATION_KEY)) {
            String name = oneX.key();
            if (settings.backUp(name)) {
                changes.add("back up " + name + " as " + Setting.BACKUP_PREFIX + name);
            }
            if (settings.remove(name)) {
                changes.add("remove " + name + " (1.x)");
            }
        }
        return changes;
    }

    private AppSettings readAppSettings() throws InstallationException {
        try {
            return new AppSettings(AppSettingsFile.read(folder.appSettings()), false);
        } catch (dev.scepter.settings.InvalidSettingException e) {
            throw new InstallationException(e.getMessage(), e);
        }
    }

    /** Certificate Master's own credential for the core's API, with only the roles it needs. */
    private void planCertMasterClient(List<Step> plan) throws InstallationException {
        if (databasePending) {
            return;
        }
        Path file = folder.certMasterClient();
        if (!Files.exists(file)) {
            plan.add(new Step("Create Certificate Master's API credential (roles " + roleNames(CERTMASTER_ROLES) + ") in "
                    + CERTMASTER_CLIENT, this::createCertMasterClient));
            return;
        }
        String value = CertMasterClient.read(file).token();
        Optional<ApiToken> registered = databaseExists() ? tokens().authenticate(value) : Optional.empty();
        if (registered.isEmpty() && !mayRestoreTokens()) {
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

    private void createCertMasterClient() throws Exception {
        String value = tokens().newValue();
        String name = tokenName("certmaster-", value);
        CertMasterClient.write(folder.certMasterClient(), new CertMasterClient(name, value, CERTMASTER_ROLES));
        tokens().register(ACTOR, name, value, CERTMASTER_ROLES);
    }

    private static String roleNames(Set<ApiRole> roles) {
        return roles.stream().map(ApiRole::value).sorted().collect(java.util.stream.Collectors.joining(", "));
    }

    private void planRootCa(List<Step> plan) throws InstallationException {
        Path keyStore = folder.caKeyStore();
        Path password = folder.caPassword();
        if (Files.exists(keyStore)) {
            if (!Files.exists(password)) {
                throw new InstallationException(keyStore + " exists but " + password + " does not: restore "
                        + CA_PASSWORD + " from your backup. A new CA is not created over an existing one, since every "
                        + "certificate it issued would stop being trusted.");
            }
            planScepRa(plan, false);
            return;
        }
        if (settings.store().databaseUrl().isPresent() && inspection().certificates() > 0) {
            // Another node created this installation's CA: a second CA would split the fleet.
            throw new InstallationException("The shared database (AppConfig:Database:Url) already holds certificates, "
                    + "but " + keyStore + " is missing. Copy " + CA_KEY_STORE + " and " + CA_PASSWORD
                    + " (and " + RA_KEY_STORE + " and " + RA_PASSWORD + ", for a CA whose key is not RSA) from a node of this installation into "
                    + dataDir + ", then start again.");
        }
        RootCaSpec spec = new RootCaSpec(settings.rootCa().subject(), settings.rootCa().keyType(), settings.rootCa().keySize(),
                settings.rootCa().daysExpiresIn(), settings.rootCa().addExtendedKeyUsage());
        plan.add(new Step("Create the root CA \"" + spec.subject() + "\" (" + spec.describeKey() + ", " + spec.validityDays()
                + " days) in " + CA_KEY_STORE,
                () -> KeyCustodyFactory.createRootCa(settings, dataDir, spec, clock, random)));
        planScepRa(plan, spec.needsScepRa());
    }

    /**
     * SCEP clients encrypt their requests to the CA certificate's key by RSA key transport
     * (RFC 8894 section 3.2.2), which an EC key cannot do: such a CA gets an RSA RA certificate
     * that decrypts requests and signs the answers (RFC 8894 section 2.1).
     *
     * @param newCaNeedsOne whether the CA this plan creates is one that needs an RA
     */
    private void planScepRa(List<Step> plan, boolean newCaNeedsOne) throws InstallationException {
        Path raKeyStore = folder.raKeyStore();
        if (Files.exists(raKeyStore)) {
            return;
        }
        Path caKeyStore = folder.caKeyStore();
        boolean needed = newCaNeedsOne;
        if (Files.exists(caKeyStore)) {
            needed = existingCaNeedsScepRa(caKeyStore);
        }
        if (needed) {
            plan.add(new Step("Create the SCEP RA certificate (RSA 2048, issued by the CA; it decrypts SCEP requests, "
                    + "which an EC CA key cannot) in " + RA_KEY_STORE,
                    () -> KeyCustodyFactory.open(settings, dataDir).createScepRa(clock, random)));
        }
    }

    private boolean existingCaNeedsScepRa(Path caKeyStore) throws InstallationException {
        try {
            return KeyCustodyFactory.open(settings, dataDir).needsScepRa();
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new InstallationException("cannot read the CA in " + caKeyStore + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every file of the data folder is its owner's only (0600, folders 0700); the step lists
     * what it changes, so that an admin sees which modes were wider.
     */
    private void planPrivateModes(List<Step> plan) {
        List<DataFolderModes.Loose> loose = DataFolderModes.loose(dataDir);
        if (!loose.isEmpty()) {
            plan.add(new Step("Make the data folder its owner's only (folders 0700, files 0600): "
                    + String.join(", ", loose.stream().map(DataFolderModes.Loose::describe).toList()),
                    () -> DataFolderModes.restrict(dataDir)));
        }
    }

    /** The schema is Flyway's; opening the store applies what is pending, so these steps only open it. */
    private void planDatabase(List<Step> plan) throws InstallationException {
        if (!databaseExists()) {
            plan.add(new Step("Create the embedded database " + EMBEDDED_DATABASE + " (its password generated into "
                    + EMBEDDED_DATABASE_PASSWORD + ") and its schema", storage::get));
            return;
        }
        if (settings.store().databaseUrl().isEmpty() && JdbcStorage.embeddedNeedsPassword(dataDir)) {
            // Earlier versions made it as "sa" with no password: any account on this machine could open it.
            plan.add(new Step("Give the embedded database a password (it has none), generated into " + EMBEDDED_DATABASE_PASSWORD,
                    () -> JdbcStorage.protectEmbedded(dataDir)));
            databasePending = true;
        }
        List<String> pending = inspection().pendingMigrations();
        if (!pending.isEmpty()) {
            databasePending = true;
            plan.add(new Step("Migrate the database schema (" + String.join(", ", pending) + ")", storage::get));
        }
    }

    private boolean databaseExists() {
        return settings.store().databaseUrl().isPresent() || Files.exists(folder.embeddedDatabase());
    }

    /** Reads the database without changing it, once per plan: --what-if must not migrate a schema. */
    private JdbcStorage.Inspection inspection() throws InstallationException {
        if (inspection == null) {
            try {
                inspection = settings.store().databaseUrl()
                        .map(url -> JdbcStorage.inspect(url, settings.store().databaseUser().orElse(null), settings.store().databasePassword().orElse(null)))
                        .orElseGet(() -> JdbcStorage.inspectEmbedded(dataDir));
            } catch (dev.scepter.store.jdbc.StorageException e) {
                throw new InstallationException(e.getMessage() + (settings.store().databaseUrl().isPresent() ? " (AppConfig:Database:Url)"
                        : " (the embedded database: its password is in " + EMBEDDED_DATABASE_PASSWORD + ")"), e);
            }
        }
        return inspection;
    }

    private void planAdminToken(List<Step> plan) throws InstallationException {
        if (databasePending) {
            return;
        }
        Path tokenFile = folder.adminToken();
        if (!Files.exists(tokenFile)) {
            plan.add(new Step("Create the admin API token (every role) in " + ADMIN_TOKEN, this::createAdminToken));
            return;
        }
        String value = readSecret(tokenFile);
        if (databaseExists() && tokens().isRegistered(value)) {
            return;
        }
        if (mayRestoreTokens()) {
            plan.add(new Step("Register the admin API token of " + ADMIN_TOKEN + " in the database",
                    () -> registerAdminToken(value)));
        } else {
            notices.add(ADMIN_TOKEN + " holds a token the database does not know: it was revoked, or the database was replaced. "
                    + "It is not restored; delete " + ADMIN_TOKEN + " and run again for a new one.");
        }
    }

    /**
     * A token file whose token the database lacks is restored only into a database that holds no
     * token at all (new, or restored without them): anywhere else it was revoked, and must stay so.
     */
    private boolean mayRestoreTokens() {
        return !databaseExists() || tokens().list().isEmpty();
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
        return prefix + java.util.HexFormat.of().formatHex(Secrets.sha256(value), 0, 4);
    }

    private ApiTokens tokens() {
        Storage store = storage.get();
        AuditLog audit = store.auditLog();
        return new ApiTokens(store.apiTokenStore(), audit, clock, random);
    }

    private static String readSecret(Path file) throws InstallationException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new InstallationException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
