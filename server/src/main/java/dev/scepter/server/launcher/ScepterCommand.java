package dev.scepter.server.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/scepter}: the one entry point. */
@Command(name = "scepter", mixinStandardHelpOptions = true, versionProvider = ScepterVersion.class,
        description = "Scepter: a certificate authority for MDM-managed devices and users (SCEP, OCSP, CRL, REST).",
        subcommands = {ServeCommand.class, CompleteInstallationCommand.class, TokenCommand.class, ProbeCommand.class,
                CertMasterCommand.class})
public final class ScepterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static boolean helpAsked(String[] args) {
        return java.util.Arrays.stream(args).anyMatch(arg -> arg.equals("--help") || arg.equals("-h") || arg.equals("-V") || arg.equals("--version"));
    }

    public static void main(String[] args) {
        // The framework-free modules log through System.Logger (java.util.logging by default):
        // route it to the same log as everything else from the first line on.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        int exitCode = new CommandLine(new ScepterCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        // serve and certmaster keep running in their web server's threads; the other commands end here.
        boolean server = args.length > 0 && ("serve".equals(args[0]) || "certmaster".equals(args[0])) && !helpAsked(args);
        if (exitCode != 0 || !server) {
            System.exit(exitCode);
        }
    }
}
