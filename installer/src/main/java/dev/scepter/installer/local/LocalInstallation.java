package dev.scepter.installer.local;

import static dev.scepter.settings.DataFolder.APP_SETTINGS;
import static dev.scepter.settings.DataFolder.CA_KEY_STORE;
import static dev.scepter.settings.DataFolder.CA_PASSWORD;
import static dev.scepter.settings.DataFolder.EMBEDDED_DATABASE;
import static dev.scepter.settings.DataFolder.RA_KEY_STORE;
import static dev.scepter.settings.DataFolder.RA_PASSWORD;

import dev.scepter.authority.store.Storage;
import dev.scepter.azure.keyvault.KeyVaultAccess;
import dev.scepter.installer.AppSettings;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.KeyCustodyFactory;
import dev.scepter.installer.Reconciler;
import dev.scepter.installer.Step;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.RootCaSpec;
import dev.scepter.settings.AppSettingsFile;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.InvalidSettingException;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code complete-installation --target local}: the data folder of the embedded default. Reads
 * what is there, plans only what is missing, applies it. {@code serve} runs it first.
 *
 * <p>It plans the folder, its keys and its settings file itself; the database and the secrets
 * kept in it (API tokens) have planners of their own, {@link LocalDatabase} and {@link LocalSecrets}.
 */
public final class LocalInstallation {

    private final Path dataDir;
    private final DataFolder folder;
    private final ScepterSettings settings;
    private final Supplier<? extends Storage> storage;
    private final Clock clock;
    private final SecureRandom random;
    private final PrintStream out;
    private final LocalSecrets secrets;
    /** Key Vault through the caller's sign-in (the server's one), or one of its own made when first needed. */
    private final Supplier<KeyVaultAccess> vault;
    /** The database needs a step (a password, a schema migration) before the tokens in it can be read. */
    private boolean databasePending;
    private final List<String> notices = new ArrayList<>();
    /** What was found and deliberately left as it is, said in the output. */
    private final List<String> infos = new ArrayList<>();

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
        this(dataDir, settings, storage, clock, random, out, showSecrets, KeyCustodyFactory.ownSignIn(settings));
    }

    /** @param vault how Key Vault is reached, when the settings put the CA key there: the caller's sign-in, not a second one */
    public LocalInstallation(Path dataDir, ScepterSettings settings, Supplier<? extends Storage> storage, Clock clock,
            SecureRandom random, PrintStream out, boolean showSecrets, Supplier<KeyVaultAccess> vault) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.folder = new DataFolder(dataDir);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.out = Objects.requireNonNull(out, "out");
        this.secrets = new LocalSecrets(dataDir, folder, settings, storage, clock, random, out, showSecrets);
    }

    /** Completes the installation; @return whether anything was (or would be) changed. */
    public boolean complete(boolean whatIf) throws InstallationException {
        return complete(whatIf, false);
    }

    /** @param verbose also say what was found in place */
    public boolean complete(boolean whatIf, boolean verbose) throws InstallationException {
        out.println("Scepter local installation in " + dataDir.toAbsolutePath());
        if (verbose) {
            boolean inToken = KeyCustodyFactory.kind(settings) != KeyCustody.Kind.PKCS12;
            for (String file : DataFolder.INSTALLATION_FILES) {
                // With the key in a token, a missing ca.p12 is as it should be: not listed as missing.
                if (!inToken || !List.of(CA_KEY_STORE, CA_PASSWORD, RA_KEY_STORE).contains(file)) {
                    out.println((Files.exists(dataDir.resolve(file)) ? "Found: " : "Missing: ") + file);
                }
            }
            if (inToken) {
                try {
                    out.println("CA key: " + KeyCustodyFactory.location(settings));
                } catch (IllegalStateException e) {
                    throw new InstallationException(e.getMessage(), e);
                }
            }
            out.println("Database: " + (settings.store().tableStorage() ? "Azure Table Storage"
                    : settings.store().databaseUrl().map(url -> "AppConfig:Database:Url").orElse("embedded H2 in " + EMBEDDED_DATABASE)));
        }
        Reconciler reconciler = new Reconciler(out);
        List<Step> plan = plan();
        infos.forEach(out::println);
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
        notices.clear();
        infos.clear();
        LocalDatabase database = new LocalDatabase(dataDir, folder, settings, storage);
        List<Step> plan = new ArrayList<>();
        if (!Files.isDirectory(dataDir)) {
            plan.add(new Step("Create the data folder " + dataDir.toAbsolutePath() + " (its owner's only)",
                    folder::create));
        } else {
            planPrivateModes(plan);
        }
        planRootCa(plan, database);
        if (!Files.exists(folder.appSettings())) {
            plan.add(new Step("Create " + APP_SETTINGS + " (empty: the settings of this installation go there)",
                    () -> AppSettingsFile.write(folder.appSettings(), new LinkedHashMap<>())));
        } else {
            planOneXMigration(plan);
        }
        database.plan(plan);
        databasePending = database.pending();
        secrets.plan(plan, notices, database);
        return plan;
    }

    /**
     * A folder carried over from SCEPman 1.x signs in to Entra ID with an application key. The key
     * and the application id move to {@code Backup:} settings only where something else now signs
     * in: App Service's managed identity, once {@code complete-installation --target azure}
     * switched to it, or an app registration of our own ({@code SignInApplicationId}). Anywhere
     * else the 1.x key is this instance's only way to sign in, so it stays, and the output says so.
     */
    private void planOneXMigration(List<Step> plan) throws InstallationException {
        AppSettings current = readAppSettings();
        if (current.get(Setting.AUTH_APPLICATION_KEY.key()).isEmpty()) {
            return;
        }
        Optional<String> replacement = oneXReplacement();
        if (replacement.isEmpty()) {
            infos.add("Keeping " + Setting.AUTH_APPLICATION_ID.key() + " and " + Setting.AUTH_APPLICATION_KEY.key()
                    + " (1.x): this instance signs in to Microsoft's cloud with them, and there is no managed identity here to switch to. "
                    + "To sign in with a certificate instead, see docs/microsoft-cloud.md.");
            return;
        }
        List<String> changes = migrateOneX(current);
        changes.add("the 1.x key is replaced by " + replacement.get());
        plan.add(new Step(APP_SETTINGS + ": " + String.join("; ", changes), () -> {
            AppSettings settings = readAppSettings();
            migrateOneX(settings);
            AppSettingsFile.write(folder.appSettings(), settings.asMap());
        }));
    }

    /** What signs in once the 1.x key is gone, if anything does. */
    private Optional<String> oneXReplacement() {
        var auth = settings.auth();
        if (auth.signInApplicationId().isPresent() && (auth.signInCertificateFile().isPresent() || auth.signInClientSecret().isPresent())) {
            return Optional.of("the app registration " + Setting.AUTH_SIGN_IN_APPLICATION_ID.key());
        }
        if (settings.appService().identity().isPresent() && auth.managedIdentityEnabledOn().isPresent()) {
            return Optional.of("App Service's managed identity");
        }
        return Optional.empty();
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
        } catch (InvalidSettingException e) {
            throw new InstallationException(e.getMessage(), e);
        }
    }

    private void planRootCa(List<Step> plan, LocalDatabase database) throws InstallationException {
        if (KeyCustodyFactory.kind(settings) != KeyCustody.Kind.PKCS12) {
            // A PKCS#11 token or Azure Key Vault: looked into on every run, the same way.
            planRootCaInToken(plan, database);
            return;
        }
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
        if (database.shared() && database.certificates() > 0) {
            // Another node created this installation's CA: a second CA would split the fleet.
            throw new InstallationException(database.sharedName() + " already holds certificates, "
                    + "but " + keyStore + " is missing. Copy " + CA_KEY_STORE + " and " + CA_PASSWORD
                    + " (and " + RA_KEY_STORE + " and " + RA_PASSWORD + ", for a CA whose key is not RSA) from a node of this installation into "
                    + dataDir + ", then start again.");
        }
        RootCaSpec spec = rootCaSpec();
        plan.add(new Step("Create the root CA \"" + spec.subject() + "\" (" + spec.describeKey() + ", " + spec.validityDays()
                + " days) in " + CA_KEY_STORE,
                () -> KeyCustodyFactory.createRootCa(settings, dataDir, spec, clock, random, vault).close()));
        planScepRa(plan, spec.needsScepRa());
    }

    /**
     * The CA key in a PKCS#11 token ({@code AppConfig:KeyVaultConfig:Pkcs11:Library}): the token is
     * looked into on every run, a root CA is created in it (the key generated there, never leaving
     * it) only when no key with its certificate carries the key label. A wrong PIN or a missing
     * token stops the run with the setting to fix, before anything is planned.
     */
    private void planRootCaInToken(List<Step> plan, LocalDatabase database) throws InstallationException {
        boolean inVault = KeyCustodyFactory.kind(settings) == KeyCustody.Kind.KEY_VAULT;
        String location;
        Optional<KeyCustody> existing;
        try {
            location = KeyCustodyFactory.location(settings);
            existing = KeyCustodyFactory.find(settings, dataDir, vault);
        } catch (IllegalStateException | IOException | GeneralSecurityException e) {
            throw new InstallationException(e.getMessage(), e);
        }
        if (existing.isPresent()) {
            // Looked into and closed again: the homepage plans on every check, and a token's login is not held for that.
            try (KeyCustody custody = existing.get()) {
                if (custody.needsScepRa() && !scepRaReady(custody)) {
                    plan.add(scepRaInToken());
                }
            }
            return;
        }
        if (Files.exists(folder.caKeyStore())) {
            // Creating a second CA in the token would leave every certificate of the first untrusted.
            String setting = KeyCustodyFactory.kind(settings).setting().orElseThrow();
            throw new InstallationException(setting + " puts the CA key in " + location + ", which holds no CA, but "
                    + folder.caKeyStore() + " holds this installation's CA. Scepter does not move a CA key there: remove "
                    + setting + " to keep using " + CA_KEY_STORE + ", or move " + CA_KEY_STORE + " and " + CA_PASSWORD
                    + " away to create a new CA in the token.");
        }
        if (database.shared() && database.certificates() > 0) {
            throw new InstallationException(database.sharedName() + " already holds certificates, but " + location
                    + " holds no CA. " + (inVault ? "Point " + Setting.KEY_VAULT_URL.key() + " and " + Setting.ROOT_CERTIFICATE_NAME.key()
                    + " at the vault and certificate that hold" : "Point " + Setting.PKCS11_SLOT.key() + " and " + Setting.PKCS11_KEY_LABEL.key()
                    + " at the token and label that hold") + " this installation's CA key, then start again.");
        }
        RootCaSpec spec = rootCaSpec();
        plan.add(new Step("Create the root CA \"" + spec.subject() + "\" (" + spec.describeKey() + ", " + spec.validityDays()
                + " days) in " + location + (inVault ? " (the key is made in the vault and never leaves it)"
                        : " (the key is generated in the token and never leaves it)"),
                () -> KeyCustodyFactory.createRootCa(settings, dataDir, spec, clock, random, vault).close()));
        if (spec.needsScepRa()) {
            plan.add(scepRaInToken());
        }
    }

    private Step scepRaInToken() {
        String where = KeyCustodyFactory.raLocation(settings);
        return new Step("Create the SCEP RA certificate (RSA 2048, issued by the CA; it decrypts SCEP requests, which an EC CA key "
                + "cannot) " + where,
                this::createScepRa);
    }

    /** Whether the token's RA is there and a valid certificate of this CA; {@link KeyCustody#scepKey()} says why not. */
    private static boolean scepRaReady(KeyCustody custody) {
        try {
            custody.scepKey();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private RootCaSpec rootCaSpec() {
        return new RootCaSpec(settings.rootCa().subject(), settings.rootCa().keyType(), settings.rootCa().keySize(),
                settings.rootCa().daysExpiresIn(), settings.rootCa().addExtendedKeyUsage());
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
                    this::createScepRa));
        }
    }

    /** Opens the custody for this step only: a token's login is not held past it. */
    private void createScepRa() throws IOException, GeneralSecurityException {
        try (KeyCustody custody = KeyCustodyFactory.open(settings, dataDir, vault)) {
            custody.createScepRa(clock, random);
        }
    }

    private boolean existingCaNeedsScepRa(Path caKeyStore) throws InstallationException {
        try (KeyCustody custody = KeyCustodyFactory.open(settings, dataDir, vault)) {
            return custody.needsScepRa();
        } catch (IOException | GeneralSecurityException e) {
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
}
