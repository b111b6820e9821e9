package dev.scepter.server.launcher;

import dev.scepter.certmaster.CertMasterApplication;
import dev.scepter.certmaster.CertMasterOptions;
import dev.scepter.certmaster.OidcOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/scepter certmaster}: Certificate Master alone, in front of a core that runs
 * elsewhere (or here). It needs the core's URL and the portal's credential file; nothing of the
 * core's data folder.
 */
@Command(name = "certmaster", mixinStandardHelpOptions = true,
        description = {"Runs Certificate Master, the admin portal, alone: at http://HOST:PORT/certmaster/, calling the core's API at --core-url.",
            "bin/scepter serve already serves it at /certmaster/ on its own port; this is for a portal on a machine of its own."})
public final class CertMasterCommand implements Callable<Integer> {

    @Option(names = "--core-url", required = true, paramLabel = "URL",
            description = "The core's base URL, for example https://ca.example.com/ (its API is at URL/api/...); "
                    + "https unless the core is on this machine (localhost, 127.0.0.1, [::1]).")
    URI coreUrl;

    @Option(names = "--client-file", required = true, paramLabel = "FILE",
            description = "Certificate Master's API credential: certmaster-client.json from the core's data folder (keep it 0600).")
    Path clientFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the portal keeps its accounts (certmaster-users.json) and writes the first admin password "
                    + "(certmaster-admin-password); default: the folder of --client-file.")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8081", paramLabel = "PORT", description = "The HTTP port (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "The address to listen on (default: ${DEFAULT-VALUE}; put a TLS reverse proxy in front for other machines).")
    String host;

    @Option(names = "--trust-forwarded-headers",
            description = "Behind a reverse proxy that sets X-Forwarded-For and X-Forwarded-Proto: believe them, so that sign-in limits "
                    + "count the client's address (not the proxy's) and the session cookie is Secure behind HTTPS. "
                    + "Only when that proxy is the sole way in.")
    boolean trustForwardedHeaders;

    @Option(names = "--oidc-issuer", paramLabel = "URL",
            description = "Sign-in through this OpenID Connect provider (its issuer URI; Entra ID: https://login.microsoftonline.com/TENANT/v2.0). "
                    + "The redirect URI to register is https://HOST/certmaster/signin-oidc.")
    URI oidcIssuer;

    @Option(names = "--oidc-client-id", paramLabel = "ID", description = "The portal's client (application) id at the OIDC provider.")
    String oidcClientId;

    @Option(names = "--oidc-client-secret-file", paramLabel = "FILE",
            description = "A file (0600) that holds the portal's client secret at the OIDC provider; without it, the environment variable "
                    + CLIENT_SECRET_VARIABLE + " holds it.")
    Path oidcClientSecretFile;

    // No picocli default: a value given without --oidc-issuer is a mistake to refuse, as beside the core.
    @Option(names = "--oidc-timeout-seconds", paramLabel = "SECONDS",
            description = "How long a sign-in waits for each call to the OIDC provider (its discovery document, the code's exchange, "
                    + "its signing keys), 1 to 30; default: 10.")
    Integer oidcTimeoutSeconds;

    @Option(names = "--validity-days", defaultValue = "730", paramLabel = "DAYS",
            description = "The core's cap on lifetimes (its AppConfig:ValidityPeriodDays, or AppConfig:DbCSRValidation:ValidityPeriodDays "
                    + "where smaller; default: ${DEFAULT-VALUE}, the core's default): the forms offer at most this or the kind's own cap.")
    int validityDays;

    @Option(names = "--no-local-accounts",
            description = "Only OIDC sign-in: the local accounts (certmaster-users.json) cannot sign in, and no admin account is made.")
    boolean noLocalAccounts;

    /** Where the OIDC client secret is, without {@code --oidc-client-secret-file}: never on the command line, which others may read. */
    public static final String CLIENT_SECRET_VARIABLE = "CERTMASTER_OIDC_CLIENT_SECRET";

    private ConfigurableApplicationContext context;

    /** The running portal once {@link #call()} started it (for a test that starts it in its JVM and stops it after). */
    public java.util.Optional<ConfigurableApplicationContext> running() {
        return java.util.Optional.ofNullable(context);
    }

    @Override
    public Integer call() {
        if (!coreUrl.isAbsolute() || !("http".equals(coreUrl.getScheme()) || "https".equals(coreUrl.getScheme()))) {
            System.err.println("Certificate Master cannot start: --core-url must be an http or https URL, not " + coreUrl + ".");
            return 2;
        }
        if ("http".equals(coreUrl.getScheme()) && !loopback(coreUrl.getHost())) {
            // The portal sends its bearer token (CSR.Request and Manage.All) with every call.
            System.err.println("Certificate Master cannot start: --core-url " + coreUrl + " is plain http to another machine, which would send "
                    + "the portal's API token in cleartext; use https (http only for localhost, 127.0.0.1 or [::1]).");
            return 2;
        }
        if (!Files.isReadable(clientFile)) {
            System.err.println("Certificate Master cannot start: cannot read --client-file " + clientFile
                    + " (certmaster-client.json from the core's data folder).");
            return 2;
        }
        java.util.Optional<OidcOptions> oidc;
        try {
            oidc = oidc();
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("Certificate Master cannot start: " + e.getMessage());
            return 2;
        }
        if (validityDays < 1) {
            System.err.println("Certificate Master cannot start: --validity-days must be at least 1, not " + validityDays + ".");
            return 2;
        }
        if (noLocalAccounts && oidc.isEmpty()) {
            System.err.println("Certificate Master cannot start: --no-local-accounts needs --oidc-issuer (nobody could sign in).");
            return 2;
        }
        Path folder = (dataDir != null ? dataDir : clientFile.toAbsolutePath().getParent()).toAbsolutePath().normalize();
        try {
            context = CertMasterApplication.runAlone(
                    new CertMasterOptions(coreUrl, clientFile.toAbsolutePath().normalize(), folder, trustForwardedHeaders, oidc,
                            !noLocalAccounts, validityDays), host, port);
            context.registerShutdownHook();
            int listening = ((WebServerApplicationContext) context).getWebServer().getPort();
            System.out.println("Certificate Master ready: http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listening
                    + CertMasterOptions.CONTEXT_PATH + "/");
            System.out.flush();
            return 0;
        } catch (RuntimeException e) {
            System.err.println("Certificate Master cannot start: " + rootMessage(e));
            return 1;
        }
    }

    private java.util.Optional<OidcOptions> oidc() throws java.io.IOException {
        if (oidcTimeoutSeconds != null && (oidcTimeoutSeconds < 1 || oidcTimeoutSeconds > 30)) {
            throw new IllegalArgumentException("--oidc-timeout-seconds must be 1 to 30, not " + oidcTimeoutSeconds + ".");
        }
        if (oidcIssuer == null) {
            if (oidcClientId != null || oidcClientSecretFile != null || oidcTimeoutSeconds != null) {
                throw new IllegalArgumentException("--oidc-client-id, --oidc-client-secret-file and --oidc-timeout-seconds need --oidc-issuer.");
            }
            return java.util.Optional.empty();
        }
        if (oidcClientId == null) {
            throw new IllegalArgumentException("--oidc-issuer needs --oidc-client-id.");
        }
        String secret;
        if (oidcClientSecretFile != null) {
            try {
                secret = Files.readString(oidcClientSecretFile, java.nio.charset.StandardCharsets.UTF_8).strip();
            } catch (java.io.IOException e) {
                throw new java.io.IOException("cannot read --oidc-client-secret-file " + oidcClientSecretFile + ".", e);
            }
        } else {
            secret = System.getenv(CLIENT_SECRET_VARIABLE);
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("--oidc-issuer needs the client secret: --oidc-client-secret-file FILE, or the environment variable "
                        + CLIENT_SECRET_VARIABLE + ".");
            }
        }
        return java.util.Optional.of(new OidcOptions(oidcIssuer, oidcClientId, secret,
                oidcTimeoutSeconds == null ? OidcOptions.DEFAULT_TIMEOUT : java.time.Duration.ofSeconds(oidcTimeoutSeconds)));
    }

    /** A loopback address by its name or literal alone: no name is looked up. */
    public static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(java.util.Locale.ROOT);
        return name.equals("localhost") || name.matches("127(\\.\\d{1,3}){3}") || name.equals("[::1]")
                || name.equals("[0:0:0:0:0:0:0:1]");
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : e.getMessage();
    }
}
