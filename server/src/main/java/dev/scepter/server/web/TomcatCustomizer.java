package dev.scepter.server.web;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat refuses an encoded slash (%2F) in a path by default; OCSP GET requests carry base64 in
 * the path, where clients send '/' as %2F (RFC 6960 appendix A.1). Only the OCSP controller reads
 * the raw path, so letting it through is safe.
 */
@Component
public final class TomcatCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setEncodedSolidusHandling("passthrough"));
    }
}
