package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** The {@code openssl} command line, to look at issued certificates as an operator would. */
final class Openssl {

    private Openssl() {
    }

    /** {@code openssl verify -CAfile ca.pem cert.pem}. */
    static Command.Result verify(Path workDir, Path caPem, Path certificatePem) {
        return Command.run(workDir, "openssl", "verify", "-CAfile", caPem.toString(), certificatePem.toString());
    }

    /** The serial as {@code openssl x509 -serial} prints it: upper-case hex. */
    static String serial(Path workDir, Path certificatePem) {
        return field(workDir, certificatePem, "serial", "-serial");
    }

    /** The subject in RFC 2253 form, for example {@code CN=device-1,OU=MDM,O=scep-client,C=US}. */
    static String subject(Path workDir, Path certificatePem) {
        return field(workDir, certificatePem, "subject", "-subject", "-nameopt", "RFC2253");
    }

    private static String field(Path workDir, Path certificatePem, String name, String... options) {
        String[] command = new String[5 + options.length];
        command[0] = "openssl";
        command[1] = "x509";
        command[2] = "-noout";
        command[3] = "-in";
        command[4] = certificatePem.toString();
        System.arraycopy(options, 0, command, 5, options.length);
        Command.Result result = Command.run(workDir, command);
        assertThat(result.exitCode()).as("%s", result).isZero();
        String line = result.stdout().strip();
        assertThat(line).as("%s", result).startsWith(name + "=");
        return line.substring(name.length() + 1).strip();
    }
}
