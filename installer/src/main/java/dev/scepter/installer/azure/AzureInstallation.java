package dev.scepter.installer.azure;

import dev.scepter.installer.AppSettings;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.Reconciler;
import dev.scepter.installer.Step;
import dev.scepter.installer.azure.Manifests.AppRole;
import dev.scepter.installer.azure.Manifests.Permission;
import dev.scepter.installer.azure.MicrosoftGraph.ServicePrincipal;
import dev.scepter.installer.azure.ResourceManager.KeyVault;
import dev.scepter.installer.azure.ResourceManager.StorageAccount;
import dev.scepter.installer.azure.ResourceManager.Subscription;
import dev.scepter.settings.Setting;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code complete-installation --target azure}: completes or upgrades a SCEPman-compatible
 * installation on App Service. Reads what is there (ARM and Graph), plans only what is missing,
 * prints the plan, applies it, and reads everything again to check that nothing is left.
 */
public final class AzureInstallation {

    // The core's own settings, which it reads (Setting); the others are Certificate Master's or SCEPman's.
    static final String APPLICATION_ID = Setting.AUTH_APPLICATION_ID.key();
    static final String APPLICATION_KEY = Setting.AUTH_APPLICATION_KEY.key();
    static final String MANAGED_IDENTITY_SINCE = Setting.AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME.key();
    static final String MANAGED_IDENTITY_HOST = Setting.AUTH_MANAGED_IDENTITY_ENABLED_FOR_WEBSITE_HOSTNAME.key();
    static final String PERMISSION_LEVEL = Setting.AUTH_MANAGED_IDENTITY_PERMISSION_LEVEL.key();
    static final String TENANT_ID = Setting.AUTH_TENANT_ID.key();
    static final String API_SCOPE = "AppConfig:AuthConfig:SCEPmanAPIScope";
    static final String CERTMASTER_URL = "AppConfig:CertMaster:URL";
    static final String DIRECT_CSR = "AppConfig:DirectCSRValidation:Enabled";
    static final String SCEPMAN_URL = "AppConfig:SCEPman:URL";
    static final String CORE_TABLE_ENDPOINT = "AppConfig:CertificateStorage:TableStorageEndpoint";
    static final String CERTMASTER_TABLE_ENDPOINT = "AppConfig:AzureStorage:TableStorageEndpoint";
    static final String KEY_VAULT_URL = "AppConfig:KeyVaultConfig:KeyVaultURL";

    private static final Map<String, List<String>> KEY_VAULT_POLICY = Map.of(
            "keys", List.of("get", "create", "unwrapKey", "sign"),
            "secrets", List.of("get", "list"),
            "certificates", List.of("get", "list", "create", "managecontacts"));
    private static final List<String> KEY_VAULT_ROLES = List.of(ResourceManager.KEY_VAULT_CRYPTO_OFFICER,
            ResourceManager.KEY_VAULT_CERTIFICATES_OFFICER, ResourceManager.KEY_VAULT_SECRETS_USER);
    private static final String UNKNOWN = "(not yet known)";

    private final AzureOptions options;
    private final AzureRest rest;
    private final ResourceManager arm;
    private final MicrosoftGraph graph;
    private final Prompter prompter;
    private final Clock clock;
    private final PrintStream out;
    private final boolean verbose;

    /** An app service (the core, a slot of it, or Certificate Master) and what this run knows and plans for it. */
    private static final class Instance {
        WebApp app;
        AppSettings settings;
        boolean identityPlanned;
        boolean grantsPlanned;
        Set<String> granted = Set.of();

        Instance(WebApp app, AppSettings settings) {
            this.app = app;
            this.settings = settings;
        }

        String principal() {
            return app.principalId() == null ? UNKNOWN : app.principalId();
        }

        String label() {
            return app.label();
        }
    }

    // What discovery resolved once; a check after applying reads the state again with these.
    private Subscription subscription;
    private String scepmanGroup;
    private String certMasterName;
    private String storageName;

    // The state read by the last discovery.
    private WebApp production;
    private final List<Instance> cores = new ArrayList<>();
    private Instance certMaster;
    private boolean createCertMaster;
    private StorageAccount storage;
    private String tableEndpoint;
    private KeyVault vault;
    private ServicePrincipal graphPrincipal;
    private ServicePrincipal intunePrincipal;
    private JsonNode apiApp;
    private ServicePrincipal apiPrincipal;
    private JsonNode certMasterApp;
    private ServicePrincipal certMasterAppPrincipal;
    private final List<String> warnings = new ArrayList<>();

    public AzureInstallation(AzureOptions options, AzureRest rest, Prompter prompter, Clock clock, PrintStream out, boolean verbose) {
        this.options = options;
        this.rest = rest;
        this.arm = new ResourceManager(rest);
        this.graph = new MicrosoftGraph(rest);
        this.prompter = prompter;
        this.clock = clock;
        this.out = out;
        this.verbose = verbose;
    }

    /** @return whether anything was (or, with {@code whatIf}, would be) changed */
    public boolean complete(boolean whatIf) throws InstallationException {
        if (options.skipCertificateMaster() && (options.certMasterAppServiceName() != null || options.certMasterResourceGroup() != null)) {
            throw new InstallationException("--skip-certificate-master cannot be combined with --certmaster-app-service-name or --certmaster-resource-group.");
        }
        try {
            discover(true);
            if (verbose) {
                details();
            }
            List<Step> plan = plan();
            warnings.forEach(w -> out.println("WARNING: " + w));
            boolean changed = new Reconciler(out, AzureInstallation::explainFailure).run(plan, whatIf);
            if (changed && !whatIf) {
                verifyNothingLeft();
            }
            printGrantsForAnAdmin();
            if (changed && !whatIf) {
                out.println("SCEPman configuration completed. The app services restart with their new settings; "
                        + "their homepages may answer 502 for 2-3 minutes.");
            }
            return changed;
        } catch (AzureCallException e) {
            throw new InstallationException(explain(e), e);
        }
    }

    /** Reads the actual state. The first time, it also resolves names (asking when they are missing). */
    private void discover(boolean first) throws AzureCallException, InstallationException {
        warnings.clear();
        cores.clear();
        String appName = options.scepmanAppServiceName();
        if (first && appName == null) {
            appName = prompter.ask("Name of the SCEPman app service", null, "--scepman-app-service-name");
        }
        final String scepmanName = first ? appName : production.name();
        if (first) {
            subscription = chooseSubscription(scepmanName);
            production = findCoreApp(scepmanName);
            scepmanGroup = production.resourceGroup();
        } else {
            production = arm.webApp(subscription.id(), scepmanGroup, scepmanName)
                    .orElseThrow(() -> new InstallationException("The app service " + scepmanName + " is gone."));
        }
        List<WebApp> slots = arm.slots(production);
        List<WebApp> targets = new ArrayList<>();
        if (options.deploymentSlotName() != null) {
            targets.add(chooseSlot(slots));
        } else {
            targets.addAll(slots);
            targets.add(production); // last: its upgrade affects every slot
        }
        for (WebApp target : targets) {
            cores.add(new Instance(target, arm.appSettings(target)));
        }
        Instance productionInstance = cores.get(cores.size() - 1);
        if (first) {
            report(productionInstance);
        }
        discoverCertMaster(first);
        discoverStorage(first);
        discoverKeyVault();
        discoverDirectory();
    }

    private Subscription chooseSubscription(String appName) throws AzureCallException, InstallationException {
        List<Subscription> subscriptions = arm.subscriptions();
        if (subscriptions.isEmpty()) {
            throw new InstallationException("You can see no Azure subscription. Sign in to the tenant of SCEPman with 'az login' and run again.");
        }
        if (options.subscriptionId() != null) {
            return subscriptions.stream().filter(s -> s.id().equalsIgnoreCase(options.subscriptionId())).findFirst()
                    .orElseThrow(() -> new InstallationException("Subscription " + options.subscriptionId()
                            + " is not among the subscriptions you can see (" + ids(subscriptions) + ")."));
        }
        if (subscriptions.size() == 1) {
            return subscriptions.get(0);
        }
        if (options.searchAllSubscriptions()) {
            return searchSubscriptions(subscriptions, appName);
        }
        out.println("You can see " + subscriptions.size() + " subscriptions:");
        for (int i = 0; i < subscriptions.size(); i++) {
            out.printf("  %d. %s (%s)%n", i + 1, subscriptions.get(i).displayName(), subscriptions.get(i).id());
        }
        out.println("  0. search all of them for " + appName);
        String answer = prompter.ask("Subscription of the SCEPman app service (number or id)", "0",
                "--subscription-id (or --search-all-subscriptions)");
        if (answer.equals("0")) {
            return searchSubscriptions(subscriptions, appName);
        }
        for (int i = 0; i < subscriptions.size(); i++) {
            if (answer.equals(String.valueOf(i + 1)) || answer.equalsIgnoreCase(subscriptions.get(i).id())) {
                return subscriptions.get(i);
            }
        }
        throw new InstallationException("\"" + answer + "\" is none of the subscriptions listed; pass --subscription-id.");
    }

    private Subscription searchSubscriptions(List<Subscription> subscriptions, String appName) throws AzureCallException, InstallationException {
        List<Subscription> found = new ArrayList<>();
        for (Subscription s : subscriptions) {
            if (arm.webApps(s.id(), null).stream().anyMatch(a -> a.name().equalsIgnoreCase(appName))) {
                found.add(s);
            }
        }
        if (found.size() != 1) {
            throw new InstallationException("Searching all " + subscriptions.size() + " subscriptions found " + found.size()
                    + " app services named " + appName + (found.isEmpty() ? "" : " (in " + ids(found) + ")")
                    + ": pass --subscription-id to say which.");
        }
        return found.get(0);
    }

    private WebApp findCoreApp(String name) throws AzureCallException, InstallationException {
        if (options.scepmanResourceGroup() != null) {
            return arm.webApp(subscription.id(), options.scepmanResourceGroup(), name).orElseThrow(() -> new InstallationException(
                    "There is no app service " + name + " in resource group " + options.scepmanResourceGroup() + " of subscription " + subscription.id() + "."));
        }
        List<WebApp> found = arm.webApps(subscription.id(), null).stream().filter(a -> a.name().equalsIgnoreCase(name)).toList();
        if (found.size() != 1) {
            throw new InstallationException("Found " + found.size() + " app services named " + name + " in subscription "
                    + subscription.displayName() + " (" + subscription.id() + "): check the name, or pass --subscription-id"
                    + (found.isEmpty() ? "." : " and --scepman-resource-group."));
        }
        // The list may be abridged; read the app itself.
        return arm.webApp(subscription.id(), found.get(0).resourceGroup(), found.get(0).name()).orElse(found.get(0));
    }

    private WebApp chooseSlot(List<WebApp> slots) throws InstallationException {
        String wanted = options.deploymentSlotName();
        if (wanted.equalsIgnoreCase("production") || wanted.equalsIgnoreCase(production.name())) {
            throw new InstallationException("\"" + wanted + "\" is the production app, which is not a deployment slot: "
                    + "leave out --deployment-slot-name to update production and every slot.");
        }
        return slots.stream().filter(s -> s.slot().equalsIgnoreCase(wanted)).findFirst().orElseThrow(() -> new InstallationException(
                "The app service " + production.name() + " has no deployment slot \"" + wanted + "\""
                        + (slots.isEmpty() ? " (it has none)." : "; its slots: " + slots.stream().map(WebApp::slot).collect(Collectors.joining(", ")) + ".")));
    }

    private void report(Instance core) {
        boolean key = core.settings.get(APPLICATION_KEY).isPresent();
        boolean identity = core.app.principalId() != null;
        out.println("Subscription: " + subscription.displayName() + " (" + subscription.id() + ")");
        out.println("SCEPman app service: " + production.name() + " in resource group " + scepmanGroup + " ("
                + (key && !identity ? "a 1.x installation: it signs in with an application key and has no managed identity; upgrading it to 2.x"
                        : key ? "an application key is still set; switching to the managed identity" : "a 2.x installation") + ")");
        if (options.deploymentSlotName() != null) {
            out.println("Deployment slot: only " + options.deploymentSlotName() + " (--deployment-slot-name); production is left alone.");
        } else if (cores.size() > 1) {
            out.println("Deployment slots: " + cores.stream().filter(c -> c.app.isSlot()).map(c -> c.app.slot()).collect(Collectors.joining(", "))
                    + " (each is updated; production last)");
        }
    }

    /** What --verbose adds: the identities and resources found, by id. */
    private void details() {
        for (Instance instance : instances()) {
            out.println("  " + instance.label() + ": managed identity " + (instance.app.principalId() == null ? "none" : instance.app.principalId())
                    + ", " + instance.granted.size() + " app role(s) granted, host " + instance.app.defaultHostName());
        }
        out.println("  storage: " + (storage == null ? "none found" : storage.id()) + (tableEndpoint == null ? "" : ", table endpoint " + tableEndpoint));
        out.println("  key vault: " + (vault == null ? "none configured" : vault.id() + (vault.rbac() ? " (Azure RBAC)" : " (access policies)")));
        out.println("  " + options.apiAppName() + ": " + (apiApp == null ? "not registered" : "appId " + apiApp.path("appId").asString()));
        if (!options.skipCertificateMaster()) {
            out.println("  " + options.certMasterAppName() + ": " + (certMasterApp == null ? "not registered" : "appId " + certMasterApp.path("appId").asString()));
        }
        out.println("  Microsoft Graph: " + graphPrincipal.id() + ", Intune API: " + (intunePrincipal == null ? "absent" : intunePrincipal.id()));
    }

    private void discoverCertMaster(boolean first) throws AzureCallException, InstallationException {
        certMaster = null;
        createCertMaster = false;
        if (options.skipCertificateMaster()) {
            return;
        }
        String group = options.certMasterResourceGroup() == null ? scepmanGroup : options.certMasterResourceGroup();
        if (first) {
            certMasterName = options.certMasterAppServiceName();
            if (certMasterName == null) {
                certMasterName = findCertMasterByItsSettings(group);
            }
        }
        Optional<WebApp> app = certMasterName == null ? Optional.empty() : arm.webApp(subscription.id(), group, certMasterName);
        if (app.isPresent()) {
            certMaster = new Instance(app.get(), arm.appSettings(app.get()));
            if (first) {
                out.println("Certificate Master app service: " + certMasterName + " in resource group " + group);
            }
            return;
        }
        if (first && certMasterName == null) {
            String suggestion = production.name().substring(0, Math.min(57, production.name().length())) + "-cm";
            certMasterName = prompter.ask("No Certificate Master app service found. Name of the one to create", suggestion,
                    "--certmaster-app-service-name");
        }
        createCertMaster = true;
        String host = certMasterName.toLowerCase(Locale.ROOT) + ".azurewebsites.net";
        certMaster = new Instance(new WebApp(subscription.id(), group, certMasterName, null, production.location(), production.linux(),
                null, host, List.of(host), production.serverFarmId(), List.of()), new AppSettings(Map.of(), production.linux()));
        if (first) {
            out.println("Certificate Master app service: " + certMasterName + " will be created in resource group " + group
                    + " on the plan of " + production.name());
        }
    }

    /** SCEPman's module knows Certificate Master by its setting that points at the core. */
    private String findCertMasterByItsSettings(String group) throws AzureCallException {
        for (WebApp app : arm.webApps(subscription.id(), group)) {
            if (app.name().equalsIgnoreCase(production.name())) {
                continue;
            }
            Optional<String> url = arm.appSettings(app).get(SCEPMAN_URL);
            if (url.isPresent() && url.get().toLowerCase(Locale.ROOT).contains(production.name().toLowerCase(Locale.ROOT))) {
                return app.name();
            }
        }
        return null;
    }

    private void discoverStorage(boolean first) throws AzureCallException, InstallationException {
        storage = null;
        Optional<String> core = cores.stream().map(c -> c.settings.get(CORE_TABLE_ENDPOINT)).flatMap(Optional::stream).findFirst();
        Optional<String> portal = certMaster == null ? Optional.empty() : certMaster.settings.get(CERTMASTER_TABLE_ENDPOINT);
        if (core.isPresent() && portal.isPresent() && !withoutTrailingSlash(core.get()).equals(withoutTrailingSlash(portal.get()))) {
            throw new InstallationException("Inconsistent storage: the core uses " + core.get() + " (" + CORE_TABLE_ENDPOINT
                    + ") but Certificate Master uses " + portal.get() + " (" + CERTMASTER_TABLE_ENDPOINT + "). Make them the same, then run again.");
        }
        tableEndpoint = core.or(() -> portal).orElse(null);
        List<String> groups = new ArrayList<>(List.of(scepmanGroup));
        if (certMaster != null && !groups.contains(certMaster.app.resourceGroup())) {
            groups.add(certMaster.app.resourceGroup());
        }
        List<StorageAccount> accounts = new ArrayList<>();
        for (String group : groups) {
            accounts.addAll(arm.storageAccounts(subscription.id(), group));
        }
        if (tableEndpoint != null) {
            String wanted = withoutTrailingSlash(tableEndpoint);
            storage = accounts.stream().filter(a -> withoutTrailingSlash(a.tableEndpoint()).equals(wanted)).findFirst().orElse(null);
            if (storage == null) {
                warnings.add("The storage account of " + tableEndpoint + " is in none of the resource groups " + groups
                        + ": its role assignments are not checked.");
            }
            return;
        }
        if (first) {
            warnings.add("No storage account is configured. This is only expected when upgrading from SCEPman 1.x.");
            storageName = options.storageAccountName();
            if (storageName == null) {
                // As SCEPman's module suggests: stg + the group's letters and digits (at most 19) + cm.
                String group = scepmanGroup.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
                String suggestion = "stg" + group.substring(0, Math.min(19, group.length())) + "cm";
                storageName = prompter.ask("Name of the storage account to create (3-24 lower-case letters and digits)", suggestion,
                        "--storage-account-name");
            }
            if (!storageName.matches("[a-z0-9]{3,24}")) {
                throw new InstallationException("\"" + storageName + "\" is no storage account name: 3 to 24 lower-case letters and digits (--storage-account-name).");
            }
            out.println("Storage account: " + storageName + " will be created in resource group " + scepmanGroup);
        }
        String name = storageName;
        storage = accounts.stream().filter(a -> a.name().equalsIgnoreCase(name)).findFirst().orElse(null);
        if (storage != null) {
            tableEndpoint = storage.tableEndpoint();
        }
    }

    private void discoverKeyVault() throws AzureCallException, InstallationException {
        vault = null;
        Optional<String> url = cores.stream().map(c -> c.settings.get(KEY_VAULT_URL)).flatMap(Optional::stream).findFirst();
        if (url.isEmpty()) {
            return;
        }
        String wanted = withoutTrailingSlash(url.get());
        List<KeyVault> found = arm.keyVaults(subscription.id()).stream()
                .filter(v -> withoutTrailingSlash(v.vaultUri()).equals(wanted)).toList();
        if (found.size() != 1) {
            throw new InstallationException("Found " + found.size() + " key vaults at " + url.get() + " (" + KEY_VAULT_URL
                    + ") in subscription " + subscription.id() + "; expected exactly one.");
        }
        vault = found.get(0);
    }

    private void discoverDirectory() throws AzureCallException, InstallationException {
        graphPrincipal = graph.servicePrincipalByAppId(MicrosoftGraph.GRAPH_APP_ID).orElseThrow(() -> new InstallationException(
                "Microsoft Graph has no service principal in this tenant; check --graph-base-uri."));
        intunePrincipal = graph.servicePrincipalByAppId(MicrosoftGraph.INTUNE_APP_ID).orElse(null);
        if (intunePrincipal == null) {
            warnings.add("Intune is not used in this tenant (no Microsoft Intune API service principal): scep_challenge_provider is not granted.");
        }
        checkPermissionsAreDefined();
        for (Instance instance : instances()) {
            instance.granted = instance.app.principalId() == null ? Set.of() : graph.appRoleAssignments(instance.app.principalId());
        }
        apiApp = graph.applicationByName(options.apiAppName()).orElse(null);
        apiPrincipal = apiApp == null ? null : graph.servicePrincipalByAppId(apiApp.path("appId").asString()).orElse(null);
        certMasterApp = null;
        certMasterAppPrincipal = null;
        if (!options.skipCertificateMaster()) {
            certMasterApp = graph.applicationByName(options.certMasterAppName()).orElse(null);
            certMasterAppPrincipal = certMasterApp == null ? null : graph.servicePrincipalByAppId(certMasterApp.path("appId").asString()).orElse(null);
        }
    }

    private List<Instance> instances() {
        List<Instance> all = new ArrayList<>(cores);
        if (certMaster != null) {
            all.add(certMaster);
        }
        return all;
    }

    // ---------------------------------------------------------------- the plan

    private List<Step> plan() throws AzureCallException, InstallationException {
        List<Step> plan = new ArrayList<>();
        for (Instance instance : instances()) {
            if (instance.app.principalId() == null && !(instance == certMaster && createCertMaster)) {
                instance.identityPlanned = true;
                plan.add(new Step("Turn on the system-assigned managed identity of " + instance.label(),
                        () -> instance.app = arm.enableSystemIdentity(instance.app)));
            }
        }
        if (createCertMaster) {
            certMaster.identityPlanned = true;
            plan.add(new Step("Create the Certificate Master app service " + certMaster.app.name() + " (https only, managed identity) on the plan of "
                    + production.name(), this::createCertMaster));
        }
        planStorage(plan);
        planKeyVault(plan);
        planPermissions(plan);
        planApiApp(plan);
        if (certMaster != null) {
            planCertMasterApp(plan);
            planCsrRequestRole(plan);
            planSettings(plan, certMaster, this::certMasterSettings);
        }
        for (Instance core : cores) {
            if (core.app.isSlot() && core.settings.get(APPLICATION_KEY).isPresent()) {
                warnings.add("Deployment slot " + core.app.slot() + " still signs in with a 1.x application key. This run switches it to its "
                        + "managed identity, which a slot that still runs SCEPman 1.x cannot use: deploy 2.x to it first, "
                        + "or leave it out by naming another slot with --deployment-slot-name.");
            }
            planSettings(plan, core, this::coreSettings);
        }
        return plan;
    }

    private void createCertMaster() throws AzureCallException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(TENANT_ID, subscription.tenantId());
        settings.put(SCEPMAN_URL, scepmanUrl());
        WebApp created = arm.createWebApp(production, certMaster.app.resourceGroup(), certMaster.app.name(), settings);
        certMaster.app = created;
        certMaster.settings = arm.appSettings(created);
    }

    private void planStorage(List<Step> plan) throws AzureCallException {
        if (storage == null && tableEndpoint == null && storageName != null) {
            plan.add(new Step("Create the storage account " + storageName + " in " + scepmanGroup
                    + " (StorageV2, Standard_LRS, TLS 1.2, no shared keys, no public blobs)", () -> {
                        storage = arm.createStorageAccount(subscription.id(), scepmanGroup, storageName, production.location());
                        tableEndpoint = storage.tableEndpoint();
                    }));
        }
        boolean storageKnown = storage != null || storageName != null;
        if (!storageKnown) {
            return;
        }
        for (Instance instance : instances()) {
            boolean has = storage != null && instance.app.principalId() != null
                    && arm.roleDefinitions(storage.id(), instance.app.principalId()).contains(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR);
            if (!has) {
                plan.add(new Step("Grant Storage Table Data Contributor on storage account " + (storage == null ? storageName : storage.name())
                        + " to the managed identity of " + instance.label(),
                        () -> arm.assignRole(subscription.id(), storage.id(), instance.app.principalId(), ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR)));
            }
        }
    }

    private void planKeyVault(List<Step> plan) throws AzureCallException {
        if (vault == null) {
            return;
        }
        for (Instance core : cores) {
            String principal = core.app.principalId();
            if (vault.rbac()) {
                List<String> held = principal == null ? List.of() : arm.roleDefinitions(vault.id(), principal);
                List<String> missing = KEY_VAULT_ROLES.stream().filter(r -> !held.contains(r)).toList();
                if (!missing.isEmpty()) {
                    plan.add(new Step("Grant " + missing.stream().map(AzureInstallation::keyVaultRoleName).collect(Collectors.joining(", "))
                            + " on key vault " + vault.name() + " to the managed identity of " + core.label(), () -> {
                                for (String role : missing) {
                                    arm.assignRole(subscription.id(), vault.id(), core.app.principalId(), role);
                                }
                            }));
                }
            } else if (principal == null || !hasAccessPolicy(principal)) {
                plan.add(new Step("Add an access policy on key vault " + vault.name() + " for the managed identity of " + core.label()
                        + " (keys get, create, unwrapKey, sign; secrets get, list; certificates get, list, create, managecontacts)",
                        () -> arm.addAccessPolicy(vault, subscription.tenantId(), core.app.principalId(), KEY_VAULT_POLICY)));
            }
        }
    }

    private boolean hasAccessPolicy(String principal) {
        for (JsonNode policy : vault.accessPolicies()) {
            if (policy.path("objectId").asString("").equalsIgnoreCase(principal)) {
                JsonNode permissions = policy.path("permissions");
                return KEY_VAULT_POLICY.entrySet().stream().allMatch(e -> {
                    Set<String> held = MicrosoftGraph.strings(permissions.path(e.getKey())).stream()
                            .map(p -> p.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
                    return held.contains("all") || e.getValue().stream().allMatch(p -> held.contains(p.toLowerCase(Locale.ROOT)));
                });
            }
        }
        return false;
    }

    private static String keyVaultRoleName(String id) {
        return switch (id) {
            case ResourceManager.KEY_VAULT_CRYPTO_OFFICER -> "Key Vault Crypto Officer";
            case ResourceManager.KEY_VAULT_CERTIFICATES_OFFICER -> "Key Vault Certificates Officer";
            default -> "Key Vault Secrets User";
        };
    }

    private List<Permission> permissionsOf(Instance instance) {
        return instance == certMaster ? Manifests.certMasterPermissions()
                : Manifests.corePermissions(options.leastPrivilege(), intunePrincipal != null);
    }

    private ServicePrincipal resourceOf(Permission permission) {
        return permission.resourceAppId().equals(MicrosoftGraph.INTUNE_APP_ID) ? intunePrincipal : graphPrincipal;
    }

    /** "resourceId appRoleId", as {@link MicrosoftGraph#appRoleAssignments} lists grants; checked in discovery. */
    private String grantKey(Permission permission) {
        ServicePrincipal resource = resourceOf(permission);
        return resource.id() + " " + resource.appRoleId(permission.value()).orElseThrow();
    }

    /** Some clouds lack a Graph role (SCEPman's module #76): then the level stays below it; level 0 must exist. */
    private boolean definedInTenant(Permission permission) {
        ServicePrincipal resource = resourceOf(permission);
        return resource != null && resource.appRoleId(permission.value()).isPresent();
    }

    private void checkPermissionsAreDefined() throws InstallationException {
        List<Permission> all = new ArrayList<>(Manifests.corePermissions(options.leastPrivilege(), intunePrincipal != null));
        all.addAll(Manifests.certMasterPermissions());
        for (Permission p : all) {
            if (definedInTenant(p)) {
                continue;
            }
            if (p.level() == 0) {
                throw new InstallationException(resourceOf(p).displayName() + " defines no app role " + p.value()
                        + " in this tenant, and the core cannot work without it.");
            }
            String warning = p.value() + " is not defined in this tenant: the permission level stays below " + p.level() + ".";
            if (!warnings.contains(warning)) {
                warnings.add(warning);
            }
        }
    }

    /** The permissions the instance lacks that this tenant defines, so that they can be granted. */
    private List<Permission> missingPermissions(Instance instance) {
        List<Permission> missing = new ArrayList<>();
        for (Permission p : permissionsOf(instance)) {
            if (definedInTenant(p) && !instance.granted.contains(grantKey(p))) {
                missing.add(p);
            }
        }
        return missing;
    }

    private void planPermissions(List<Step> plan) throws InstallationException {
        if (options.skipAppRoleAssignments()) {
            return;
        }
        for (Instance instance : instances()) {
            List<Permission> missing = missingPermissions(instance);
            if (missing.isEmpty()) {
                continue;
            }
            instance.grantsPlanned = true;
            plan.add(new Step("Grant the managed identity of " + instance.label() + " the application permissions "
                    + missing.stream().map(p -> (p.resourceAppId().equals(MicrosoftGraph.INTUNE_APP_ID) ? "Intune " : "Graph ") + p.value())
                            .collect(Collectors.joining(", ")), () -> {
                                for (Permission p : missing) {
                                    String[] key = grantKey(p).split(" ");
                                    graph.assignAppRole(instance.app.principalId(), key[0], key[1]);
                                }
                            }));
        }
    }

    /** The permission level the instance has after this run: what it holds, plus what the plan grants. */
    private int permissionLevel(Instance instance) {
        List<Permission> missing = instance.grantsPlanned ? List.of() : missingPermissions(instance);
        Predicate<Permission> granted = p -> definedInTenant(p) && !missing.contains(p);
        return Manifests.level(permissionsOf(instance), granted);
    }

    private void planApiApp(List<Step> plan) {
        List<String> missing = missingInRegistration(apiApp, apiPrincipal, Manifests.API_ROLES, null);
        if (!missing.isEmpty()) {
            plan.add(new Step("App registration " + options.apiAppName() + ": " + String.join("; ", missing), () -> {
                apiApp = ensureApplication(apiApp, options.apiAppName(), Manifests.API_ROLES, null);
                apiPrincipal = ensureServicePrincipal(apiApp, apiPrincipal);
            }));
        }
    }

    private void planCertMasterApp(List<Step> plan) throws AzureCallException {
        List<String> missing = missingInRegistration(certMasterApp, certMasterAppPrincipal, Manifests.CERTMASTER_ROLES, redirectUris());
        if (!missing.isEmpty()) {
            plan.add(new Step("App registration " + options.certMasterAppName() + ": " + String.join("; ", missing), () -> {
                certMasterApp = ensureApplication(certMasterApp, options.certMasterAppName(), Manifests.CERTMASTER_ROLES, redirectUris());
                certMasterAppPrincipal = ensureServicePrincipal(certMasterApp, certMasterAppPrincipal);
            }));
        }
        if (!options.skipAppRoleAssignments() && !consentedToUserRead()) {
            plan.add(new Step("Consent for all users to " + options.certMasterAppName() + " signing them in (Graph User.Read)",
                    () -> graph.grantConsent(certMasterAppPrincipal.id(), graphPrincipal.id(), "User.Read")));
        }
    }

    /**
     * What an app registration lacks, said for the user; what {@link #ensureApplication} and
     * {@link #ensureServicePrincipal} add.
     *
     * @param redirectUris null for an API that nobody signs in to
     */
    private static List<String> missingInRegistration(JsonNode app, ServicePrincipal principal, List<AppRole> roles, List<String> redirectUris) {
        List<String> missing = new ArrayList<>();
        if (app == null) {
            missing.add(redirectUris == null
                    ? "register it with the app roles " + roles.stream().map(AppRole::value).collect(Collectors.joining(", "))
                    : "register it with " + roles.size() + " app roles (" + roles.get(0).value() + " among them), sign-in for "
                            + String.join(", ", redirectUris) + ", ID tokens and Graph User.Read");
        } else {
            List<String> absent = missingRoles(app, roles);
            if (!absent.isEmpty()) {
                missing.add("add the app roles " + String.join(", ", absent));
            }
            if (redirectUris != null) {
                List<String> present = MicrosoftGraph.strings(app.path("web").path("redirectUris"));
                List<String> uris = redirectUris.stream().filter(u -> !present.contains(u)).toList();
                if (!uris.isEmpty()) {
                    missing.add("add the redirect URIs " + String.join(", ", uris));
                }
                if (!app.path("web").path("implicitGrantSettings").path("enableIdTokenIssuance").asBoolean(false)) {
                    missing.add("issue ID tokens");
                }
                if (!requestsUserRead(app)) {
                    missing.add("request Graph User.Read");
                }
            }
        }
        if (app == null || !MicrosoftGraph.strings(app.path("identifierUris")).contains("api://" + app.path("appId").asString())) {
            missing.add("set its identifier URI api://{appId}");
        }
        if (principal == null || !principal.appRoleAssignmentRequired()) {
            missing.add(principal == null ? "create its service principal (assignment required)" : "require app role assignment");
        }
        return missing;
    }

    private boolean consentedToUserRead() throws AzureCallException {
        return certMasterAppPrincipal != null && graph.consentForAll(certMasterAppPrincipal.id(), graphPrincipal.id())
                .map(grant -> MicrosoftGraph.scopes(grant).contains("User.Read")).orElse(false);
    }

    /** Certificate Master may call the core's API to request certificates, and nothing more. */
    private void planCsrRequestRole(List<Step> plan) throws InstallationException {
        String role = Manifests.API_ROLES.get(0).value();
        boolean has = apiPrincipal != null && apiPrincipal.appRoleId(role).map(id -> certMaster.granted.contains(apiPrincipal.id() + " " + id)).orElse(false);
        if (!has) {
            plan.add(new Step("Allow Certificate Master to request certificates: " + options.apiAppName() + "'s app role " + role
                    + " to the managed identity of " + certMaster.label(), () -> {
                        String id = apiPrincipal.appRoleId(role).orElseThrow(() -> new InstallationException(options.apiAppName() + " has no app role " + role));
                        graph.assignAppRole(certMaster.app.principalId(), apiPrincipal.id(), id);
                    }));
        }
    }

    private List<String> redirectUris() {
        List<String> hosts = certMaster.app.hostNames().isEmpty() ? List.of(certMaster.app.defaultHostName()) : certMaster.app.hostNames();
        return hosts.stream().map(h -> "https://" + h + "/signin-oidc").toList();
    }

    private static List<String> missingRoles(JsonNode application, List<AppRole> wanted) {
        Set<String> present = new java.util.HashSet<>();
        for (JsonNode role : application.path("appRoles")) {
            present.add(role.path("value").asString(""));
        }
        return wanted.stream().map(AppRole::value).filter(v -> !present.contains(v)).toList();
    }

    private static boolean requestsUserRead(JsonNode application) {
        for (JsonNode resource : application.path("requiredResourceAccess")) {
            if (resource.path("resourceAppId").asString("").equals(MicrosoftGraph.GRAPH_APP_ID)) {
                for (JsonNode access : resource.path("resourceAccess")) {
                    if (access.path("id").asString("").equals(MicrosoftGraph.USER_READ_SCOPE_ID)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Creates the app registration, or adds what it lacks: app roles (appended, never replaced), the
     * identifier URI, and for a sign-in app its redirect URIs, ID tokens and User.Read.
     *
     * @param redirectUris null for an API that nobody signs in to
     */
    private JsonNode ensureApplication(JsonNode existing, String name, List<AppRole> roles, List<String> redirectUris) throws AzureCallException {
        JsonNode app = existing;
        if (app == null) {
            ObjectNode body = AzureRest.object();
            body.put("displayName", name);
            body.put("signInAudience", "AzureADMyOrg");
            ArrayNode appRoles = body.putArray("appRoles");
            roles.forEach(r -> appRoles.add(r.toGraph()));
            if (redirectUris != null) {
                body.set("web", web(List.of(), redirectUris));
                body.set("requiredResourceAccess", withUserRead(AzureRest.JSON.createArrayNode()));
            }
            app = graph.createApplication(body);
        }
        ObjectNode changes = AzureRest.object();
        List<String> missing = missingRoles(app, roles);
        if (!missing.isEmpty()) {
            ArrayNode appRoles = changes.putArray("appRoles");
            app.path("appRoles").forEach(appRoles::add);
            roles.stream().filter(r -> missing.contains(r.value())).forEach(r -> appRoles.add(r.toGraph()));
        }
        String identifier = "api://" + app.path("appId").asString();
        List<String> identifiers = MicrosoftGraph.strings(app.path("identifierUris"));
        if (!identifiers.contains(identifier)) {
            ArrayNode uris = changes.putArray("identifierUris");
            identifiers.forEach(uris::add);
            uris.add(identifier);
        }
        if (redirectUris != null) {
            List<String> present = MicrosoftGraph.strings(app.path("web").path("redirectUris"));
            if (!present.containsAll(redirectUris) || !app.path("web").path("implicitGrantSettings").path("enableIdTokenIssuance").asBoolean(false)) {
                changes.set("web", web(present, redirectUris));
            }
            if (!requestsUserRead(app)) {
                changes.set("requiredResourceAccess", withUserRead(app.path("requiredResourceAccess")));
            }
        }
        if (!changes.isEmpty()) {
            graph.updateApplication(app.path("id").asString(), changes);
        }
        return graph.applicationByName(name).orElse(app);
    }

    private static ObjectNode web(List<String> present, List<String> wanted) {
        ObjectNode web = AzureRest.object();
        ArrayNode uris = web.putArray("redirectUris");
        present.forEach(uris::add);
        wanted.stream().filter(u -> !present.contains(u)).forEach(uris::add);
        web.put("homePageUrl", wanted.get(0).replace("/signin-oidc", ""));
        web.putObject("implicitGrantSettings").put("enableIdTokenIssuance", true);
        return web;
    }

    /** What the app requests, plus Graph's User.Read: added to its Graph entry when it has one (one entry per API). */
    private static ArrayNode withUserRead(JsonNode requested) {
        ArrayNode access = AzureRest.JSON.createArrayNode();
        boolean added = false;
        for (JsonNode resource : requested) {
            ObjectNode copy = (ObjectNode) resource.deepCopy();
            if (!added && resource.path("resourceAppId").asString("").equals(MicrosoftGraph.GRAPH_APP_ID)) {
                ArrayNode scopes = copy.withArray("resourceAccess");
                scopes.addObject().put("id", MicrosoftGraph.USER_READ_SCOPE_ID).put("type", "Scope");
                added = true;
            }
            access.add(copy);
        }
        if (!added) {
            ObjectNode graphAccess = access.addObject();
            graphAccess.put("resourceAppId", MicrosoftGraph.GRAPH_APP_ID);
            graphAccess.putArray("resourceAccess").addObject().put("id", MicrosoftGraph.USER_READ_SCOPE_ID).put("type", "Scope");
        }
        return access;
    }

    private ServicePrincipal ensureServicePrincipal(JsonNode app, ServicePrincipal existing) throws AzureCallException {
        ServicePrincipal principal = existing != null ? existing
                : graph.servicePrincipalByAppId(app.path("appId").asString()).orElse(null);
        if (principal == null) {
            return graph.createServicePrincipal(app.path("appId").asString());
        }
        if (!principal.appRoleAssignmentRequired()) {
            graph.requireAppRoleAssignment(principal.id());
        }
        return graph.servicePrincipalByAppId(app.path("appId").asString()).orElse(principal);
    }

    // ---------------------------------------------------------------- settings

    private interface DesiredSettings {
        /** Applies the desired values to the settings; @return what changed, said for the user */
        List<String> apply(Instance instance, AppSettings settings) throws InstallationException;
    }

    private void planSettings(List<Step> plan, Instance instance, DesiredSettings desired) throws InstallationException {
        AppSettings copy = new AppSettings(instance.settings.asMap(), instance.app.linux());
        List<String> changes = desired.apply(instance, copy);
        if (changes.isEmpty()) {
            return;
        }
        plan.add(new Step("Settings of " + instance.label() + ": " + String.join("; ", changes), () -> {
            // Read again: ARM replaces all settings, so anything changed since discovery must be kept.
            AppSettings current = arm.appSettings(instance.app);
            desired.apply(instance, current);
            arm.replaceAppSettings(instance.app, current);
            instance.settings = current;
        }));
    }

    private List<String> coreSettings(Instance core, AppSettings settings) throws InstallationException {
        List<String> changes = new ArrayList<>();
        // Switching a 1.x app to an identity that holds no permission yet would cut it off from Graph and Intune.
        boolean keepOneX = settings.get(APPLICATION_KEY).isPresent() && permissionLevel(core) < 0;
        if (keepOneX) {
            String warning = "Kept the 1.x application id and key of " + core.label() + ": its managed identity holds no permission yet. "
                    + "Run again once the grants are made, to switch it to the managed identity.";
            if (!warnings.contains(warning)) {
                warnings.add(warning);
            }
        }
        String apiAppId = apiApp == null ? UNKNOWN : apiApp.path("appId").asString();
        Optional<String> oldId = keepOneX ? Optional.empty() : settings.get(APPLICATION_ID);
        boolean switching = false;
        if (oldId.isPresent() && !oldId.get().isBlank() && !oldId.get().equalsIgnoreCase(apiAppId)) {
            if (!isGuid(oldId.get())) {
                throw new InstallationException(APPLICATION_ID + " of " + core.label() + " is \"" + oldId.get()
                        + "\", which is no application id (a GUID). Correct or remove it, then run again.");
            }
            if (settings.backUp(APPLICATION_ID)) {
                changes.add("back up " + APPLICATION_ID + " as " + Setting.BACKUP_PREFIX + APPLICATION_ID);
            }
            switching = true;
        }
        if (!keepOneX && settings.set(APPLICATION_ID, apiAppId)) {
            changes.add(APPLICATION_ID + " = " + options.apiAppName() + "'s application id");
        }
        Optional<String> key = keepOneX ? Optional.empty() : settings.get(APPLICATION_KEY);
        if (key.isPresent()) {
            if (settings.backUp(APPLICATION_KEY)) {
                changes.add("back up " + APPLICATION_KEY + " as " + Setting.BACKUP_PREFIX + APPLICATION_KEY);
            }
            settings.remove(APPLICATION_KEY);
            changes.add("remove " + APPLICATION_KEY + " (the managed identity replaces it)");
            switching = true;
        }
        if (certMaster != null && settings.set(CERTMASTER_URL, certMasterUrl())) {
            changes.add(CERTMASTER_URL + " = " + certMasterUrl());
        }
        if (certMaster != null && settings.set(DIRECT_CSR, "true")) {
            changes.add(DIRECT_CSR + " = true");
        }
        if (tableEndpoint != null || storageName != null) {
            String endpoint = tableEndpoint == null ? UNKNOWN : tableEndpoint;
            if (settings.set(CORE_TABLE_ENDPOINT, endpoint)) {
                changes.add(CORE_TABLE_ENDPOINT + " = " + endpoint);
            }
        }
        if (settings.set(MANAGED_IDENTITY_HOST, core.app.defaultHostName())) {
            changes.add(MANAGED_IDENTITY_HOST + " = " + core.app.defaultHostName());
        }
        boolean levelChanged = recordPermissionLevel(core, settings, changes);
        if (!keepOneX) {
            identityTime(core, settings, switching || levelChanged, changes);
        }
        return changes;
    }

    private List<String> certMasterSettings(Instance portal, AppSettings settings) throws InstallationException {
        List<String> changes = new ArrayList<>();
        String appId = certMasterApp == null ? UNKNOWN : certMasterApp.path("appId").asString();
        if (settings.set(APPLICATION_ID, appId)) {
            changes.add(APPLICATION_ID + " = " + options.certMasterAppName() + "'s application id");
        }
        String scope = "api://" + (apiApp == null ? UNKNOWN : apiApp.path("appId").asString());
        if (settings.set(API_SCOPE, scope)) {
            changes.add(API_SCOPE + " = " + scope);
        }
        if (settings.set(TENANT_ID, subscription.tenantId())) {
            changes.add(TENANT_ID + " = " + subscription.tenantId());
        }
        // Set once, as SCEPman's module does: an admin may point it at a custom domain, or at a slot.
        if (settings.get(SCEPMAN_URL).isEmpty()) {
            settings.set(SCEPMAN_URL, scepmanUrl());
            changes.add(SCEPMAN_URL + " = " + scepmanUrl());
        }
        if (tableEndpoint != null || storageName != null) {
            String endpoint = tableEndpoint == null ? UNKNOWN : tableEndpoint;
            if (settings.set(CERTMASTER_TABLE_ENDPOINT, endpoint)) {
                changes.add(CERTMASTER_TABLE_ENDPOINT + " = " + endpoint);
            }
        }
        identityTime(portal, settings, recordPermissionLevel(portal, settings, changes), changes);
        return changes;
    }

    /** @return whether the level changed, which means roles were granted (by this run, or by an admin after --skip-app-role-assignments) */
    private boolean recordPermissionLevel(Instance instance, AppSettings settings, List<String> changes) {
        int level = permissionLevel(instance);
        boolean changed = settings.set(PERMISSION_LEVEL, String.valueOf(level));
        if (changed) {
            changes.add(PERMISSION_LEVEL + " = " + level);
        }
        return changed;
    }

    /**
     * The app takes tokens from its managed identity only some time after this moment, when the
     * new roles have reached its tokens: so it moves only when this run switched the app to its
     * identity or changed its permissions.
     */
    private void identityTime(Instance instance, AppSettings settings, boolean switchedOrGranted, List<String> changes) {
        boolean moved = switchedOrGranted || instance.identityPlanned || instance.grantsPlanned || settings.get(MANAGED_IDENTITY_SINCE).isEmpty();
        if (moved) {
            settings.set(MANAGED_IDENTITY_SINCE, String.valueOf(clock.instant().getEpochSecond()));
            changes.add(MANAGED_IDENTITY_SINCE + " = the time of this run");
        }
    }

    private String certMasterUrl() {
        List<String> hosts = certMaster.app.hostNames().isEmpty() ? List.of(certMaster.app.defaultHostName()) : certMaster.app.hostNames();
        return "https://" + hosts.get(0) + "/";
    }

    /** Certificate Master talks to the slot being updated when one is named, else to production. */
    private String scepmanUrl() {
        return options.deploymentSlotName() != null ? cores.get(0).app.url() : production.url();
    }

    private static String withoutTrailingSlash(String url) {
        return url.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
    }

    private static boolean isGuid(String value) {
        try {
            UUID.fromString(value.strip());
            return value.strip().length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- after applying

    private void verifyNothingLeft() throws AzureCallException, InstallationException {
        for (Instance instance : instances()) {
            instance.identityPlanned = false;
            instance.grantsPlanned = false;
        }
        discover(false);
        List<Step> left = plan();
        if (!left.isEmpty()) {
            throw new InstallationException("After applying the plan, reading the installation again still finds work: "
                    + left.stream().map(Step::description).collect(Collectors.joining("; "))
                    + ". Entra ID or ARM may not have caught up yet; run again in a minute.");
        }
        out.println("Checked: reading the installation again finds nothing left to do.");
    }

    /** With --skip-app-role-assignments the grants need someone with Privileged Role Administrator: say exactly what to run. */
    private void printGrantsForAnAdmin() throws AzureCallException, InstallationException {
        if (!options.skipAppRoleAssignments()) {
            return;
        }
        List<String> commands = new ArrayList<>();
        for (Instance instance : instances()) {
            for (Permission p : missingPermissions(instance)) {
                String[] key = grantKey(p).split(" ");
                commands.add("# " + p.value() + " for " + instance.label() + "\naz rest --method post --uri "
                        + rest.base(AzureRest.Api.GRAPH) + "/v1.0/servicePrincipals/" + instance.principal() + "/appRoleAssignments --body "
                        + "'{\"principalId\":\"" + instance.principal() + "\",\"resourceId\":\"" + key[0] + "\",\"appRoleId\":\"" + key[1] + "\"}'");
            }
        }
        if (certMaster != null && !consentedToUserRead()) {
            String client = certMasterAppPrincipal == null ? UNKNOWN : certMasterAppPrincipal.id();
            commands.add("# admin consent to Graph User.Read for " + options.certMasterAppName() + "\naz rest --method post --uri "
                    + rest.base(AzureRest.Api.GRAPH) + "/v1.0/oauth2PermissionGrants --body '{\"clientId\":\"" + client
                    + "\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"" + graphPrincipal.id() + "\",\"scope\":\"User.Read\"}'");
        }
        if (commands.isEmpty()) {
            return;
        }
        out.println("WARNING: --skip-app-role-assignments: these grants were not made. A Global Administrator or Privileged Role "
                + "Administrator must run (then run complete-installation again to record the permission level):");
        commands.forEach(out::println);
    }

    private static String explainFailure(Exception e) {
        return e instanceof AzureCallException ? explain((AzureCallException) e) : e.getMessage();
    }

    /** Turns Azure's answer into what the person running this can do about it. */
    private static String explain(AzureCallException e) {
        String what = e.method() + " " + e.uri();
        if (e.code().equals("AuthorizationFailed")) {
            boolean roleAssignment = e.detail().contains("roleAssignments/write");
            return "Azure refused " + what + ": " + e.detail() + "\nYou need the Azure role "
                    + (roleAssignment ? "Owner or User Access Administrator" : "Contributor (or Owner)")
                    + " on that scope: ask a subscription owner to grant it.";
        }
        if (e.code().equals("Authorization_RequestDenied")) {
            boolean grant = e.uri().contains("appRoleAssignments") || e.uri().contains("oauth2PermissionGrants");
            return "Entra ID refused " + what + ": " + e.detail() + "\nYou need the Entra ID role "
                    + (grant ? "Privileged Role Administrator or Global Administrator (or run with --skip-app-role-assignments "
                            + "and have one of them make the grants it prints)"
                            : "Application Administrator, Cloud Application Administrator or Global Administrator")
                    + ". Run again once you have it.";
        }
        if (e.code().equals("SignInFailed")) {
            return e.detail();
        }
        return e.getMessage();
    }

    private static String ids(List<Subscription> subscriptions) {
        return subscriptions.stream().map(Subscription::id).collect(Collectors.joining(", "));
    }
}
