package dev.scepter.server.certmaster;

import dev.scepter.certmaster.CertMasterMount;
import dev.scepter.certmaster.CertMasterOptions;
import dev.scepter.server.CoreContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Certificate Master at {@code /certmaster/} on the core's port, as soon as the core's server
 * listens (before "Scepter ready"): a web application of its own in the same Tomcat, which calls
 * the core's API over loopback with {@code certmaster-client.json}'s token, as it would from
 * another machine. Without that file (an installation that does not use the portal) it is not served.
 */
@Component
public class CertMasterBesideTheCore implements ApplicationListener<ServletWebServerInitializedEvent> {

    private static final System.Logger LOG = System.getLogger(CertMasterBesideTheCore.class.getName());

    private final CoreContext core;

    public CertMasterBesideTheCore(CoreContext core) {
        this.core = core;
    }

    @Override
    public void onApplicationEvent(ServletWebServerInitializedEvent event) {
        Path clientFile = core.dataFolder().certMasterClient();
        if (!Files.exists(clientFile) || !(event.getWebServer() instanceof TomcatWebServer tomcat)) {
            return;
        }
        try {
            CertMasterMount.mount(tomcat.getTomcat().getHost(), new CertMasterOptions(loopbackUrl(core.host(), event.getWebServer().getPort()),
                    clientFile, core.dataDir()));
        } catch (IOException e) {
            throw new UncheckedIOException("Certificate Master cannot start beside the core: " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "Certificate Master: {0}certmaster/", core.localUrl());
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
}
