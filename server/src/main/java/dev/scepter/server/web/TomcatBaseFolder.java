package dev.scepter.server.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * Tomcat's base folder, removed when the server stops. Left to Spring Boot, every start makes a
 * {@code tomcat.PORT.*} folder in the temporary folder and leaves it behind, since Tomcat's work
 * folder inside it keeps it from the JVM's delete-on-exit: one more folder at each restart. A
 * {@code server.tomcat.basedir} someone set is theirs, and kept.
 */
@Component
public final class TomcatBaseFolder implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, DisposableBean, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(TomcatBaseFolder.class);

    private Path made;

    @Override
    public synchronized void customize(TomcatServletWebServerFactory factory) {
        if (factory.getBaseDirectory() != null) {
            return;
        }
        try {
            // Private to this process's user, as Files.createTempDirectory makes it on POSIX.
            made = Files.createTempDirectory("scepter-tomcat.");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make Tomcat's base folder in " + System.getProperty("java.io.tmpdir"), e);
        }
        factory.setBaseDirectory(made.toFile());
    }

    /** Runs when the context closes, after the web server stopped (a lifecycle bean, stopped before beans are destroyed). */
    @Override
    public synchronized void destroy() {
        if (made == null) {
            return;
        }
        try {
            FileSystemUtils.deleteRecursively(made);
        } catch (IOException e) {
            LOG.warn("Could not remove Tomcat's base folder {}: {}", made, e.toString());
        }
    }

    @Override
    public int getOrder() {
        // After Spring Boot's own customizer, which applies server.tomcat.basedir when it is set.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
