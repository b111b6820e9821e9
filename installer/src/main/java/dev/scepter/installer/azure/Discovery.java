package dev.scepter.installer.azure;

import static dev.scepter.installer.azure.AppSettingNames.APPLICATION_KEY;
import static dev.scepter.installer.azure.AppSettingNames.CERTMASTER_TABLE_ENDPOINT;
import static dev.scepter.installer.azure.AppSettingNames.CORE_TABLE_ENDPOINT;
import static dev.scepter.installer.azure.AppSettingNames.KEY_VAULT_URL;
import static dev.scepter.installer.azure.AppSettingNames.SCEPMAN_URL;

import dev.scepter.installer.AppSettings;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.azure.AzureState.Directory;
import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.AzureState.Registration;
import dev.scepter.installer.azure.AzureState.Target;
import dev.scepter.installer.azure.MicrosoftGraph.ServicePrincipal;
import dev.scepter.installer.azure.ResourceManager.KeyVault;
import dev.scepter.installer.azure.ResourceManager.StorageAccount;
import dev.scepter.installer.azure.ResourceManager.Subscription;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Reads the actual state of an installation (ARM and Graph) into an {@link AzureState}. The first
 * reading also resolves what the options leave open (subscription, Certificate Master, the storage
 * account of a 1.x upgrade), asking where it must, and says what it found.
 */
final class Discovery {

    private final ResourceManager arm;
    private final MicrosoftGraph graph;
    private final AzureOptions options;
    private final Prompter prompter;
    private final PrintStream out;
    private final CoreLocator locator;

    Discovery(ResourceManager arm, MicrosoftGraph graph, AzureOptions options, Prompter prompter, PrintStream out) {
        this.arm = arm;
        this.graph = graph;
        this.options = options;
        this.prompter = prompter;
        this.out = out;
        this.locator = new CoreLocator(arm, options, prompter, out);
    }

    /** The first reading: resolves names, asking when they are missing, and says what it found. */
    AzureState first() throws AzureCallException, InstallationException {
        String appName = locator.appName();
        Subscription subscription = locator.subscription(appName);
        WebApp production = locator.coreApp(subscription, appName);
        return read(new Target(subscription, production.name(), production.resourceGroup(), null, null), production, true);
    }

    /** Reads again, with what the first reading resolved. */
    AzureState again(Target target) throws AzureCallException, InstallationException {
        WebApp production = arm.webApp(target.subscription().id(), target.scepmanGroup(), target.scepmanName())
                .orElseThrow(() -> new InstallationException("The app service " + target.scepmanName() + " is gone."));
        return read(target, production, false);
    }

    private AzureState read(Target resolved, WebApp production, boolean first) throws AzureCallException, InstallationException {
        List<String> warnings = new ArrayList<>();
        List<Instance> cores = new ArrayList<>();
        for (WebApp app : locator.targets(production)) {
            cores.add(Instance.core(app, arm.appSettings(app)));
        }
        if (first) {
            report(resolved, production, cores);
        }
        WithTarget<Instance> certMaster = options.skipCertificateMaster() ? new WithTarget<>(resolved, null)
                : certMaster(resolved, production, first);
        List<Instance> instances = new ArrayList<>(cores);
        if (certMaster.value() != null) {
            instances.add(certMaster.value());
        }
        WithTarget<Storage> storage = storage(certMaster.target(), instances, first, warnings);
        Target target = storage.target();
        KeyVault vault = keyVault(target.subscription(), cores);

        ServicePrincipal graphPrincipal = graph.servicePrincipalByAppId(MicrosoftGraph.GRAPH_APP_ID).orElseThrow(() -> new InstallationException(
                "Microsoft Graph has no service principal in this tenant; check --graph-base-uri."));
        ServicePrincipal intunePrincipal = graph.servicePrincipalByAppId(MicrosoftGraph.INTUNE_APP_ID).orElse(null);
        if (intunePrincipal == null) {
            warnings.add("Intune is not used in this tenant (no Microsoft Intune API service principal): scep_challenge_provider is not granted.");
        }
        warnings.addAll(Permissions.checkDefined(graphPrincipal, intunePrincipal, options.leastPrivilege()));
        List<Set<String>> granted = new ArrayList<>();
        for (Instance instance : instances) {
            granted.add(instance.app().principalId() == null ? Set.of() : graph.appRoleAssignments(instance.app().principalId()));
        }
        Registration api = registration(options.apiAppName());
        Registration certMasterApp = options.skipCertificateMaster() ? Registration.NONE : registration(options.certMasterAppName());

        // What the identities hold on the storage account, then the core's on an Azure RBAC vault.
        List<List<String>> storageRoles = new ArrayList<>();
        for (Instance instance : instances) {
            storageRoles.add(storage.value().account() == null ? List.of() : roles(storage.value().account().id(), instance));
        }
        List<Instance> read = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            boolean rbacVault = i < cores.size() && vault != null && vault.rbac();
            read.add(instances.get(i).withAccess(granted.get(i), storageRoles.get(i), rbacVault ? roles(vault.id(), instances.get(i)) : List.of()));
        }
        boolean consented = certMaster.value() != null && certMasterApp.principal() != null
                && graph.consentForAll(certMasterApp.principal().id(), graphPrincipal.id())
                        .map(grant -> MicrosoftGraph.scopes(grant).contains("User.Read")).orElse(false);
        Directory directory = new Directory(graphPrincipal, intunePrincipal, api, certMasterApp, consented);
        return new AzureState(target, production, read.subList(0, cores.size()), certMaster.value() == null ? null : read.get(cores.size()),
                storage.value().account(), storage.value().tableEndpoint(), vault, directory, warnings);
    }

    /** A value discovery found, and the target with what finding it resolved. */
    private record WithTarget<T>(Target target, T value) {
    }

    /** The storage account found (or null), and the table endpoint configured or found (or null). */
    private record Storage(StorageAccount account, String tableEndpoint) {
    }

    /** Certificate Master's app service: named, found by its settings, or (when there is none) to be created, named by the user. */
    private WithTarget<Instance> certMaster(Target resolved, WebApp production, boolean first) throws AzureCallException, InstallationException {
        Target target = resolved;
        String group = options.certMasterResourceGroup() == null ? target.scepmanGroup() : options.certMasterResourceGroup();
        if (first) {
            String name = options.certMasterAppServiceName();
            target = target.withCertMasterName(name != null ? name : findCertMasterByItsSettings(target.subscription(), group, production));
        }
        Optional<WebApp> app = target.certMasterName() == null ? Optional.empty() : arm.webApp(target.subscription().id(), group, target.certMasterName());
        if (app.isPresent()) {
            Instance found = Instance.certMaster(app.get(), arm.appSettings(app.get()), false);
            if (first) {
                out.println("Certificate Master app service: " + target.certMasterName() + " in resource group " + group);
            }
            return new WithTarget<>(target, found);
        }
        if (first && target.certMasterName() == null) {
            String suggestion = production.name().substring(0, Math.min(57, production.name().length())) + "-cm";
            target = target.withCertMasterName(prompter.ask("No Certificate Master app service found. Name of the one to create", suggestion,
                    "--certmaster-app-service-name"));
        }
        if (first) {
            out.println("Certificate Master app service: " + target.certMasterName() + " will be created in resource group " + group
                    + " on the plan of " + production.name());
        }
        WebApp toCreate = toCreate(target.subscription(), production, group, target.certMasterName());
        return new WithTarget<>(target, Instance.certMaster(toCreate, new AppSettings(Map.of(), production.linux()), true));
    }

    /** The table endpoint the apps are configured with and its account; on a 1.x upgrade, the account to create, named by the user. */
    private WithTarget<Storage> storage(Target resolved, List<Instance> instances, boolean first, List<String> warnings)
            throws AzureCallException, InstallationException {
        Target target = resolved;
        Optional<String> core = instances.stream().filter(i -> !i.certMaster()).map(c -> c.settings().get(CORE_TABLE_ENDPOINT))
                .flatMap(Optional::stream).findFirst();
        Optional<Instance> certMaster = instances.stream().filter(Instance::certMaster).findFirst();
        Optional<String> portal = certMaster.flatMap(c -> c.settings().get(CERTMASTER_TABLE_ENDPOINT));
        if (core.isPresent() && portal.isPresent() && !withoutTrailingSlash(core.get()).equals(withoutTrailingSlash(portal.get()))) {
            throw new InstallationException("Inconsistent storage: the core uses " + core.get() + " (" + CORE_TABLE_ENDPOINT
                    + ") but Certificate Master uses " + portal.get() + " (" + CERTMASTER_TABLE_ENDPOINT + "). Make them the same, then run again.");
        }
        String tableEndpoint = core.or(() -> portal).orElse(null);
        List<String> groups = new ArrayList<>(List.of(target.scepmanGroup()));
        if (certMaster.isPresent() && !groups.contains(certMaster.get().app().resourceGroup())) {
            groups.add(certMaster.get().app().resourceGroup());
        }
        List<StorageAccount> accounts = new ArrayList<>();
        for (String group : groups) {
            accounts.addAll(arm.storageAccounts(target.subscription().id(), group));
        }
        if (tableEndpoint != null) {
            String wanted = withoutTrailingSlash(tableEndpoint);
            StorageAccount account = accounts.stream().filter(a -> withoutTrailingSlash(a.tableEndpoint()).equals(wanted)).findFirst().orElse(null);
            if (account == null) {
                warnings.add("The storage account of " + tableEndpoint + " is in none of the resource groups " + groups
                        + ": its role assignments are not checked.");
            }
            return new WithTarget<>(target, new Storage(account, tableEndpoint));
        }
        if (first) {
            warnings.add("No storage account is configured. This is only expected when upgrading from SCEPman 1.x.");
            target = target.withStorageName(storageToCreate(target.scepmanGroup()));
        }
        String name = target.storageName();
        StorageAccount account = accounts.stream().filter(a -> a.name().equalsIgnoreCase(name)).findFirst().orElse(null);
        return new WithTarget<>(target, new Storage(account, account == null ? null : account.tableEndpoint()));
    }

    /** The role definitions the instance's identity holds at the scope; none without an identity. */
    private List<String> roles(String scope, Instance instance) throws AzureCallException {
        return instance.app().principalId() == null ? List.of() : arm.roleDefinitions(scope, instance.app().principalId());
    }

    private void report(Target target, WebApp production, List<Instance> cores) {
        Instance core = cores.get(cores.size() - 1);
        boolean key = core.settings().get(APPLICATION_KEY).isPresent();
        boolean identity = core.app().principalId() != null;
        out.println("Subscription: " + target.subscription().displayName() + " (" + target.subscription().id() + ")");
        out.println("SCEPman app service: " + production.name() + " in resource group " + target.scepmanGroup() + " ("
                + (key && !identity ? "a 1.x installation: it signs in with an application key and has no managed identity; upgrading it to 2.x"
                        : key ? "an application key is still set; switching to the managed identity" : "a 2.x installation") + ")");
        if (options.deploymentSlotName() != null) {
            out.println("Deployment slot: only " + options.deploymentSlotName() + " (--deployment-slot-name); production is left alone.");
        } else if (cores.size() > 1) {
            out.println("Deployment slots: " + cores.stream().filter(c -> c.app().isSlot()).map(c -> c.app().slot()).collect(Collectors.joining(", "))
                    + " (each is updated; production last)");
        }
    }

    /** What --verbose adds: the identities and resources found, by id. */
    void details(AzureState state) {
        for (Instance instance : state.instances()) {
            out.println("  " + instance.label() + ": managed identity " + (instance.app().principalId() == null ? "none" : instance.app().principalId())
                    + ", " + instance.granted().size() + " app role(s) granted, host " + instance.app().defaultHostName());
        }
        out.println("  storage: " + (state.storage() == null ? "none found" : state.storage().id())
                + (state.tableEndpoint() == null ? "" : ", table endpoint " + state.tableEndpoint()));
        KeyVault vault = state.vault();
        out.println("  key vault: " + (vault == null ? "none configured" : vault.id() + (vault.rbac() ? " (Azure RBAC)" : " (access policies)")));
        Directory directory = state.directory();
        out.println("  " + options.apiAppName() + ": " + (directory.api().application() == null ? "not registered" : "appId " + directory.api().appId()));
        if (!options.skipCertificateMaster()) {
            out.println("  " + options.certMasterAppName() + ": "
                    + (directory.certMasterApp().application() == null ? "not registered" : "appId " + directory.certMasterApp().appId()));
        }
        out.println("  Microsoft Graph: " + directory.graph().id() + ", Intune API: " + (directory.intune() == null ? "absent" : directory.intune().id()));
    }

    /** SCEPman's module knows Certificate Master by its setting that points at the core. */
    private String findCertMasterByItsSettings(Subscription subscription, String group, WebApp production) throws AzureCallException {
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

    /** Certificate Master as it will be: on the core's plan, in its location, on its default host name. */
    private static WebApp toCreate(Subscription subscription, WebApp production, String group, String name) {
        String host = name.toLowerCase(Locale.ROOT) + ".azurewebsites.net";
        return new WebApp(subscription.id(), group, name, null, production.location(), production.linux(),
                null, host, List.of(host), production.serverFarmId(), List.of());
    }

    private String storageToCreate(String scepmanGroup) throws InstallationException {
        String name = options.storageAccountName();
        if (name == null) {
            // As SCEPman's module suggests: stg + the group's letters and digits (at most 19) + cm.
            String group = scepmanGroup.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
            String suggestion = "stg" + group.substring(0, Math.min(19, group.length())) + "cm";
            name = prompter.ask("Name of the storage account to create (3-24 lower-case letters and digits)", suggestion, "--storage-account-name");
        }
        if (!name.matches("[a-z0-9]{3,24}")) {
            throw new InstallationException("\"" + name + "\" is no storage account name: 3 to 24 lower-case letters and digits (--storage-account-name).");
        }
        out.println("Storage account: " + name + " will be created in resource group " + scepmanGroup);
        return name;
    }

    private KeyVault keyVault(Subscription subscription, List<Instance> cores) throws AzureCallException, InstallationException {
        Optional<String> url = cores.stream().map(c -> c.settings().get(KEY_VAULT_URL)).flatMap(Optional::stream).findFirst();
        if (url.isEmpty()) {
            return null;
        }
        String wanted = withoutTrailingSlash(url.get());
        List<KeyVault> found = arm.keyVaults(subscription.id()).stream().filter(v -> withoutTrailingSlash(v.vaultUri()).equals(wanted)).toList();
        if (found.size() != 1) {
            throw new InstallationException("Found " + found.size() + " key vaults at " + url.get() + " (" + KEY_VAULT_URL
                    + ") in subscription " + subscription.id() + "; expected exactly one.");
        }
        return found.get(0);
    }

    private Registration registration(String name) throws AzureCallException {
        JsonNode application = graph.applicationByName(name).orElse(null);
        ServicePrincipal principal = application == null ? null : graph.servicePrincipalByAppId(application.path("appId").asString()).orElse(null);
        return new Registration(application, principal);
    }

    static String withoutTrailingSlash(String url) {
        return url.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
    }
}
