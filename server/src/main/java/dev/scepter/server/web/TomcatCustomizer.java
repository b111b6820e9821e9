package dev.scepter.server.web;

import java.util.Arrays;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Tomcat as the protocols need it.
 *
 * <ul>
 *   <li>An encoded slash (%2F) passes: OCSP GET requests carry base64 in the path, where clients
 *       send '/' as %2F (RFC 6960 appendix A.1). Only the OCSP controller reads the raw path, so
 *       letting it through is safe.</li>
 *   <li>What Tomcat refuses itself is answered in the path's protocol, not with Tomcat's HTML
 *       page ({@link RefusalReportValve}). This customizer runs after Spring Boot's, which adds
 *       Tomcat's own report valve; it is replaced here.</li>
 * </ul>
 */
@Component
public final class TomcatCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setEncodedSolidusHandling("passthrough"));
        factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof RefusalReportValve)) {
                    host.getPipeline().removeValve(valve);
                }
            }
            // The host adds a report valve of this class when it starts, unless it finds one: ours.
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(RefusalReportValve.class.getName());
            }
            if (Arrays.stream(host.getPipeline().getValves()).noneMatch(RefusalReportValve.class::isInstance)) {
                host.getPipeline().addValve(new RefusalReportValve());
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
