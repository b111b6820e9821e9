package dev.scepter.server.launcher;

import dev.scepter.authority.store.Storage;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.StorageFactory;
import dev.scepter.installer.azure.AzureConnector;
import dev.scepter.installer.azure.AzureInstallation;
import dev.scepter.installer.azure.AzureOptions;
import dev.scepter.installer.azure.Prompter;
import dev.scepter.installer.local.LocalInstallation;
import dev.scepter.settings.InvalidSettingException;
import dev.scepter.settings.ScepterSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "complete-installation", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Completes or upgrades an installation: finds what is missing and adds only that.",
            "Run it as often as you like; a run with nothing to do prints 'No changes.'.",
            "See docs/installation.md."})
public final class CompleteInstallationCommand implements Callable<Integer> {

    enum Target { local, azure }

    @Option(names = "--target", defaultValue = "local", paramLabel = "TARGET",
            description = "What to complete: local (the data folder; default) or azure (App Service and Entra ID).")
    Target target;

    @Option(names = "--what-if", description = "Print the plan and change nothing.")
    boolean whatIf;

    @Option(names = "--verbose", description = "Also say what is already in place (azure: every call made).")
    boolean verbose;

    @Mixin
    DataDirOptions data;

    @ArgGroup(exclusive = false, heading = "%nAzure target (--target azure; signs in with az login, Cloud Shell or a managed identity):%n")
    AzureOptions azure = new AzureOptions();

    private final AzureConnector connector;

    public CompleteInstallationCommand() {
        this(AzureConnector.defaultChain());
    }

    /** @param connector how the azure target signs in (tests pass one that never leaves the machine) */
    CompleteInstallationCommand(AzureConnector connector) {
        this.connector = connector;
    }

    @Override
    public Integer call() {
        return target == Target.azure ? completeAzure() : completeLocal();
    }

    private int completeAzure() {
        return reportFailures(() -> {
            var rest = connector.connect(azure.armBaseUri(), azure.graphBaseUri(), verbose ? System.out : null);
            new AzureInstallation(azure, rest, Prompter.console(), Clock.systemUTC(), System.out, verbose).complete(whatIf);
        });
    }

    private interface Installation {
        void complete() throws InstallationException;
    }

    /** 0 when complete; 1, with the message on stderr (never a stack trace), when not. */
    private static int reportFailures(Installation installation) {
        try {
            installation.complete();
            return 0;
        } catch (InstallationException e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("complete-installation failed: " + e.getMessage());
            return 1;
        }
    }

    private int completeLocal() {
        ScepterSettings settings;
        try {
            settings = data.settings();
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Memoized<Storage> storage = new Memoized<>(() -> StorageFactory.open(data.dataDir(), settings));
        try {
            return reportFailures(() -> new LocalInstallation(data.dataDir(), settings, storage, Clock.systemUTC(), new SecureRandom(), System.out,
                    Terminal.attached()).complete(whatIf, verbose));
        } finally {
            if (storage.isOpen()) {
                storage.get().close();
            }
        }
    }
}
