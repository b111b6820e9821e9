package dev.scepter.certmaster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.context.ConfigurableWebApplicationContext;

/**
 * The portal beside the core: a web application of its own ({@code /certmaster}) in the core's
 * Tomcat, on the same port. It has its own servlet context, Spring context, security filters
 * and sessions; it still reaches the core only through the HTTP API, over loopback.
 */
public final class CertMasterMount {

    private CertMasterMount() {
    }

    /** Adds and starts the portal on {@code host} (a started Tomcat host); its Spring context, once started. */
    public static ConfigurableApplicationContext mount(Host host, CertMasterOptions options) throws IOException {
        Path docBase = Files.createTempDirectory("scepter-certmaster");
        docBase.toFile().deleteOnExit();
        StandardContext context = new StandardContext();
        context.setName(CertMasterOptions.CONTEXT_PATH);
        context.setPath(CertMasterOptions.CONTEXT_PATH);
        context.setDocBase(docBase.toString());
        context.addLifecycleListener(new Tomcat.FixContextListener());
        context.setParentClassLoader(CertMasterMount.class.getClassLoader());
        // Sessions live in memory only: none is written to disk when the server stops.
        StandardManager sessions = new StandardManager();
        sessions.setPathname(null);
        context.setManager(sessions);
        context.setUseHttpOnly(true);
        if (options.trustForwardedHeaders()) {
            // The core's ForwardedHeaderFilter is in the core's context only: this one needs its own.
            context.getPipeline().addValve(ForwardedHeaders.valve());
        }
        ErrorPage errors = new ErrorPage();
        errors.setLocation("/error");
        context.addErrorPage(errors);
        ConfigurableApplicationContext[] started = new ConfigurableApplicationContext[1];
        RuntimeException[] failure = new RuntimeException[1];
        // Spring registers its servlet and filters while Tomcat starts the context, the only time it may.
        context.addServletContainerInitializer((classes, servletContext) -> {
            try {
                SpringApplication application = CertMasterApplication.application(options, CertMasterApplication.properties());
                // The core's logging stands: Spring Boot's would set it up anew for the portal and, when the portal fails or
                // stops, tear it down with the bridge from java.util.logging, and with it every System.Logger line of the core.
                application.setListeners(application.getListeners().stream()
                        .filter(listener -> !(listener instanceof LoggingApplicationListener)).toList());
                // A web application context given a servlet context starts no server: it registers into this one.
                application.addInitializers(spring -> ((ConfigurableWebApplicationContext) spring).setServletContext(servletContext));
                started[0] = application.run();
            } catch (RuntimeException e) {
                failure[0] = e;
                throw e;
            }
        }, null);
        RuntimeException addFailure = null;
        try {
            host.addChild(context);
        } catch (RuntimeException e) {
            addFailure = e;
        }
        if (failure[0] != null || addFailure != null || started[0] == null) {
            // A context that failed to start would answer 404 under /certmaster for good: it goes.
            host.removeChild(context);
            throw failure[0] != null ? failure[0] : addFailure != null ? addFailure
                    : new IllegalStateException("Certificate Master did not start beside the core (see the log)");
        }
        ConfigurableApplicationContext application = started[0];
        context.addLifecycleListener(event -> {
            if (Context.BEFORE_STOP_EVENT.equals(event.getType())) {
                application.close();
            }
        });
        return application;
    }
}
