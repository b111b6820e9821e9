package dev.scepter.server.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/scepter}: the one entry point. */
@Command(name = "scepter", mixinStandardHelpOptions = true, versionProvider = ScepterVersion.class,
        description = "Scepter: a certificate authority for MDM-managed devices and users (SCEP, OCSP, CRL, REST).",
        subcommands = {ServeCommand.class, CompleteInstallationCommand.class, TokenCommand.class, ProbeCommand.class})
public final class ScepterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // The framework-free modules log through System.Logger (java.util.logging by default):
        // route it to the same log as everything else from the first line on.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        int exitCode = new CommandLine(new ScepterCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        // serve keeps running in its web server's threads; the other commands end here.
        if (exitCode != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(exitCode);
        }
    }
}
