package dev.scepter.installer.azure;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.azure.ResourceManager.Subscription;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the core's app service: its subscription (given, the only one, asked, or searched), the
 * app itself, and the deployment slots to update. Never guesses: when two could be meant, it asks
 * or names the option that says which.
 */
final class CoreLocator {

    private final ResourceManager arm;
    private final AzureOptions options;
    private final Prompter prompter;
    private final PrintStream out;

    CoreLocator(ResourceManager arm, AzureOptions options, Prompter prompter, PrintStream out) {
        this.arm = arm;
        this.options = options;
        this.prompter = prompter;
        this.out = out;
    }

    String appName() throws InstallationException {
        String name = options.scepmanAppServiceName();
        return name != null ? name : prompter.ask("Name of the SCEPman app service", null, "--scepman-app-service-name");
    }

    Subscription subscription(String appName) throws AzureCallException, InstallationException {
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
            return search(subscriptions, appName);
        }
        out.println("You can see " + subscriptions.size() + " subscriptions:");
        for (int i = 0; i < subscriptions.size(); i++) {
            out.printf("  %d. %s (%s)%n", i + 1, subscriptions.get(i).displayName(), subscriptions.get(i).id());
        }
        out.println("  0. search all of them for " + appName);
        String answer = prompter.ask("Subscription of the SCEPman app service (number or id)", "0",
                "--subscription-id (or --search-all-subscriptions)");
        if (answer.equals("0")) {
            return search(subscriptions, appName);
        }
        for (int i = 0; i < subscriptions.size(); i++) {
            if (answer.equals(String.valueOf(i + 1)) || answer.equalsIgnoreCase(subscriptions.get(i).id())) {
                return subscriptions.get(i);
            }
        }
        throw new InstallationException("\"" + answer + "\" is none of the subscriptions listed; pass --subscription-id.");
    }

    private Subscription search(List<Subscription> subscriptions, String appName) throws AzureCallException, InstallationException {
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

    WebApp coreApp(Subscription subscription, String name) throws AzureCallException, InstallationException {
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

    /** The named slot alone; or every slot, then production (last: its upgrade affects every slot). */
    List<WebApp> targets(WebApp production) throws AzureCallException, InstallationException {
        List<WebApp> slots = arm.slots(production);
        if (options.deploymentSlotName() != null) {
            return List.of(slot(production, slots));
        }
        List<WebApp> targets = new ArrayList<>(slots);
        targets.add(production);
        return targets;
    }

    private WebApp slot(WebApp production, List<WebApp> slots) throws InstallationException {
        String wanted = options.deploymentSlotName();
        if (wanted.equalsIgnoreCase("production") || wanted.equalsIgnoreCase(production.name())) {
            throw new InstallationException("\"" + wanted + "\" is the production app, which is not a deployment slot: "
                    + "leave out --deployment-slot-name to update production and every slot.");
        }
        return slots.stream().filter(s -> s.slot().equalsIgnoreCase(wanted)).findFirst().orElseThrow(() -> new InstallationException(
                "The app service " + production.name() + " has no deployment slot \"" + wanted + "\""
                        + (slots.isEmpty() ? " (it has none)." : "; its slots: " + slots.stream().map(WebApp::slot).collect(Collectors.joining(", ")) + ".")));
    }

    private static String ids(List<Subscription> subscriptions) {
        return subscriptions.stream().map(Subscription::id).collect(Collectors.joining(", "));
    }
}
