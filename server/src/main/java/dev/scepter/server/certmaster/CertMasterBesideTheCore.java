package dev.scepter.server.certmaster;

import dev.scepter.certmaster.CertMasterMount;
import dev.scepter.certmaster.CertMasterOptions;
import dev.scepter.certmaster.OidcOptions;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.settings.CertMasterSignIn;
import dev.scepter.settings.DbCsrSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import dev.scepter.server.CoreContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Certificate Master at {@code /certmaster/} on the core's port: a web application of its own in
 * the same Tomcat, which calls the core's API over loopback with {@code certmaster-client.json}'s
 * token, as it would from another machine. Without that file (an installation that does not use
 * the portal), or with {@code AppConfig:CertMaster:Enabled=false} (the portal is on the core's
 * public port, and not every installation wants it there), it is not served.
 *
 * <p>It starts after the core is ready, in a thread of its own: SCEP and OCSP do not wait for the
 * admin portal, and a portal that cannot start (a broken accounts file) is logged, not a CA that
 * does not start. It logs "Certificate Master ready" when it serves.
 */
@Component
public class CertMasterBesideTheCore {

    private static final System.Logger LOG = System.getLogger(CertMasterBesideTheCore.class.getName());

    private final CoreContext core;
    /** The API's lifetime cap, as CsrController applies it: the forms offer no more. */
    private final int validityCapDays;
    private final ApplicationContext coreContext;
    private volatile WebServer webServer;
    private volatile ConfigurableApplicationContext portal;

    public CertMasterBesideTheCore(CoreContext core, IssuancePolicy policy, DbCsrSettings csr, ApplicationContext coreContext) {
        this.core = core;
        this.coreContext = coreContext;
        this.validityCapDays = Math.min(policy.validityPeriodDays(), csr.validityPeriodDays().orElse(Integer.MAX_VALUE));
    }

    @EventListener
    public void webServerStarted(ServletWebServerInitializedEvent event) {
        webServer = event.getWebServer();
    }

    @EventListener
    public void coreReady(ApplicationReadyEvent event) {
        if (!core.settings().web().certMasterEnabled()) {
            LOG.log(System.Logger.Level.INFO, "Certificate Master is not served: AppConfig:CertMaster:Enabled is false");
            return;
        }
        Path clientFile = core.dataFolder().certMasterClient();
        if (!willServe() || !(webServer instanceof TomcatWebServer tomcat)) {
            return;
        }
        Thread start = new Thread(() -> {
            try {
                CertMasterSignIn signIn = core.settings().web().certMasterSignIn();
                CertMasterOptions options = new CertMasterOptions(loopbackUrl(core.host(), tomcat.getPort()), clientFile, core.dataDir(),
                        core.settings().web().trustForwardedHeaders(), oidc(signIn), signIn.localAccounts(), validityCapDays);
                portal = CertMasterMount.mount(tomcat.getTomcat().getHost(), options);
                LOG.log(System.Logger.Level.INFO, "Certificate Master ready: {0}certmaster/", core.localUrl());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.ERROR, "Certificate Master did not start; the core serves on without it: {0}", rootMessage(e));
            }
        }, "certmaster-start");
        start.setDaemon(true);
        start.start();
    }

    /**
     * The portal stops first, while the core still answers: this event comes before the core's connector and
     * beans go, so the sign-in reports the portal still holds reach the core's trail. (Tomcat's own stop of
     * /certmaster comes after the connector is gone, too late for them.)
     */
    @EventListener
    public void coreClosing(ContextClosedEvent event) {
        ConfigurableApplicationContext running = portal;
        if (event.getApplicationContext() == coreContext && running != null) {
            portal = null;
            running.close();
        }
    }

    /** OIDC sign-in from the settings, its client secret read from its file when given so. */
    static Optional<OidcOptions> oidc(CertMasterSignIn signIn) throws IOException {
        if (signIn.oidcIssuer().isEmpty()) {
            return Optional.empty();
        }
        String secret = signIn.oidcClientSecret().isPresent() ? signIn.oidcClientSecret().get()
                : Files.readString(signIn.oidcClientSecretFile().orElseThrow(), StandardCharsets.UTF_8).strip();
        return Optional.of(new OidcOptions(signIn.oidcIssuer().get(), signIn.oidcClientId().orElseThrow(), secret,
                java.time.Duration.ofSeconds(signIn.oidcTimeoutSeconds())));
    }

    /** Whether the portal is served beside the core: unless turned off, and only with its credential. */
    public boolean willServe() {
        return core.settings().web().certMasterEnabled() && Files.exists(core.dataFolder().certMasterClient());
    }

    /** The core as the portal reaches it: over loopback when it listens on every address. */
    static URI loopbackUrl(String host, int port) {
        String reachable = switch (host) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        };
        return URI.create("http://" + reachable + ":" + port + "/");
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
