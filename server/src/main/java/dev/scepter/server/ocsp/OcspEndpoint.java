package dev.scepter.server.ocsp;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Mounts {@link OcspServlet} beside Spring MVC's dispatcher: {@code /ocsp} for POST, {@code /ocsp/*} for GET. */
@Configuration(proxyBeanMethods = false)
public class OcspEndpoint {

    @Bean
    ServletRegistrationBean<OcspServlet> ocspServlet(OcspResponder responder, MeterRegistry meters, Clock clock) {
        ServletRegistrationBean<OcspServlet> registration = new ServletRegistrationBean<>(new OcspServlet(responder, meters, clock),
                OcspServlet.PATH, OcspServlet.PATH + "/*");
        registration.setName("ocsp");
        registration.setLoadOnStartup(1);
        registration.setAsyncSupported(true);
        return registration;
    }
}
