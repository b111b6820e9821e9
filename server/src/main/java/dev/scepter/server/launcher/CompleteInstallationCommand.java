package dev.scepter.server.launcher;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.local.LocalInstallation;
import dev.scepter.installer.local.StorageFactory;
import dev.scepter.settings.InvalidSettingException;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "complete-installation", mixinStandardHelpOptions = true,
        description = {"Completes or upgrades an installation: finds what is missing and adds only that.",
            "Run it as often as you like; a run with nothing to do prints 'No changes.'."})
public final class CompleteInstallationCommand implements Callable<Integer> {

    enum Target { local, azure }

    @Mixin
    DataDirOptions data;

    @Option(names = "--target", defaultValue = "local", paramLabel = "TARGET",
            description = "What to complete: local (the data folder; default) or azure.")
    Target target;

    @Option(names = "--what-if", description = "Print the plan and change nothing.")
    boolean whatIf;

    @Option(names = "--verbose", description = "Also say what is already in place.")
    boolean verbose;

    @Override
    public Integer call() {
        if (target == Target.azure) {
            System.err.println("--target azure is not available in this version of Scepter; use --target local.");
            return 2;
        }
        ScepterSettings settings;
        try {
            settings = data.settings();
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Memoized<JdbcStorage> storage = new Memoized<>(() -> StorageFactory.open(data.dataDir(), settings));
        try {
            new LocalInstallation(data.dataDir(), settings, storage, Clock.systemUTC(), new SecureRandom(), System.out).complete(whatIf, verbose);
            return 0;
        } catch (InstallationException e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("complete-installation failed: " + e.getMessage());
            return 1;
        } finally {
            if (storage.isOpen()) {
                storage.get().close();
            }
        }
    }
}
