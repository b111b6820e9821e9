package dev.scepter.certmaster;

import dev.scepter.certmaster.core.CoreApi;
import dev.scepter.certmaster.core.CoreCredential;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Certificate Master: the admin portal. It knows the CA only through the core's HTTP API
 * ({@link CoreApi}), with a token of its own, wherever it runs: alone ({@link #runAlone}) or as
 * a web application of its own beside the core on the core's port ({@link CertMasterMount}).
 */
@SpringBootApplication
public class CertMasterApplication {

    @Bean
    CoreApi coreApi(CertMasterOptions options) {
        return new CoreApi(options.coreUrl(), CoreCredential.read(options.clientFile()));
    }

    /** Alone behind a proxy: the valve in the context of the portal's own Tomcat (beside the core, {@link CertMasterMount} adds it). */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> forwardedHeaders(CertMasterOptions options) {
        return factory -> {
            if (options.trustForwardedHeaders()) {
                factory.addContextCustomizers(context -> context.getPipeline().addValve(ForwardedHeaders.valve()));
            }
        };
    }

    /** The portal with a web server of its own, at {@code http://host:port/certmaster/}. */
    public static ConfigurableApplicationContext runAlone(CertMasterOptions options, String host, int port) {
        Map<String, Object> properties = properties();
        properties.put("server.address", host);
        properties.put("server.port", port);
        properties.put("server.servlet.context-path", CertMasterOptions.CONTEXT_PATH);
        return application(options, properties).run();
    }

    static SpringApplication application(CertMasterOptions options, Map<String, Object> properties) {
        SpringApplication application = new SpringApplication(CertMasterApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setDefaultProperties(properties);
        // Its own lifecycle: beside the core, the core's context and Tomcat end it.
        application.setRegisterShutdownHook(false);
        application.addInitializers(context -> context.getBeanFactory().registerSingleton("certMasterOptions", options));
        return application;
    }

    static Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        // Users never see a stack trace or exception text.
        properties.put("server.error.include-stacktrace", "never");
        properties.put("server.error.include-message", "never");
        properties.put("server.error.include-exception", "false");
        properties.put("server.error.whitelabel.enabled", "false");
        properties.put("spring.thymeleaf.cache", "true");
        // A folder of its own: beside the core, the core's templates (its home.html) are on the same class path.
        properties.put("spring.thymeleaf.prefix", "classpath:/certmaster/templates/");
        properties.put("spring.web.resources.static-locations", "classpath:/certmaster/static/");
        // A CSR is a few KiB; nothing else is uploaded.
        properties.put("spring.servlet.multipart.max-file-size", "64KB");
        properties.put("spring.servlet.multipart.max-request-size", "128KB");
        // Beside the core, the core's libraries are on the class path too: none of their pages here.
        properties.put("springdoc.api-docs.enabled", "false");
        // Alone only: mounted beside the core the portal leaves logging to the core (CertMasterMount), whose levels apply.
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.dev.scepter", "INFO");
        return properties;
    }
}
