package dev.scepter.server;

import dev.scepter.server.api.OpenApiConfiguration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;

/** The web tier, started by {@code serve} with a prepared {@link CoreContext}. */
@SpringBootApplication
public class ScepterServer {

    public static ConfigurableApplicationContext start(CoreContext core) {
        SpringApplication application = new SpringApplication(ScepterServer.class);
        application.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setDefaultProperties(properties(core));
        application.addInitializers(context -> {
            context.getBeanFactory().registerSingleton("coreContext", core);
            // The CA key's custody closes with the context, after the web server has stopped taking requests
            // (beans are destroyed last): a PKCS#11 token is logged out then, not left to the process's end.
            if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
                registry.registerDisposableBean("caKeyCustody", core.keys()::close);
            }
        });
        application.addListeners((ApplicationReadyEvent event) -> {
            // The one line scripts and tests wait for: the server answers from now on.
            System.out.println("Scepter ready: " + core.localUrl());
            System.out.flush();
        });
        return application.run();
    }

    static Map<String, Object> properties(CoreContext core) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", core.port());
        properties.put("server.address", core.host());
        // Clients never see a stack trace or exception text.
        properties.put("server.error.include-stacktrace", "never");
        properties.put("server.error.include-message", "never");
        properties.put("server.error.include-exception", "false");
        properties.put("server.error.whitelabel.enabled", "false");
        // No filter reads a form or multipart body (with a worker thread, before the API's bearer
        // token is checked); no route takes either.
        properties.put("spring.mvc.formcontent.filter.enabled", "false");
        properties.put("spring.servlet.multipart.enabled", "false");
        properties.put("server.forward-headers-strategy", core.settings().web().trustForwardedHeaders() ? "framework" : "none");
        properties.put("spring.thymeleaf.cache", "true");
        // The API's OpenAPI document (OpenApiConfiguration), at one stable path, of /api only.
        properties.put("springdoc.api-docs.path", OpenApiConfiguration.PATH);
        properties.put("springdoc.paths-to-match", "/api/**");
        properties.put("springdoc.writer-with-order-by-keys", "true");
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.dev.scepter", "INFO");
        // HikariCP logs a stack trace for each pooled connection an outage breaks; the store's
        // outage is logged once, with its cause, by the index refresher (docs/operations.md).
        properties.put("logging.level.com.zaxxer.hikari.pool.ProxyConnection", "ERROR");
        // A context that fails to start is reported by Spring's failure report and by serve's last
        // line (a taken port by its number and --port); the context's own warning only repeats
        // "Failed to start bean 'webServerStartStop'".
        properties.put("logging.level.org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext",
                "ERROR");
        properties.put("spring.main.register-shutdown-hook", "true");
        // Slow clients: Tomcat reads request lines and headers without a worker thread, but waits at
        // most this long between their bytes (and between a blocking read's bytes; keep-alive
        // connections idle this long are closed). Device POST bodies are read without a thread and
        // within a whole-body deadline (DeviceBodyFilter); see docs/operations.md.
        properties.put("server.tomcat.connection-timeout", "10s");
        properties.put("server.tomcat.keep-alive-timeout", "10s");
        // A keep-alive connection serves this many requests before Tomcat closes it: nginx's default,
        // where Tomcat's is 100, so a relying party asking OCSP over one connection opens a new one a
        // tenth as often (measured in docs/performance.md, "Keep-alive: Tomcat alone against Scepter").
        properties.put("server.tomcat.max-keep-alive-requests", "1000");
        return properties;
    }
}
