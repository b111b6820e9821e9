package dev.scepter.server.load;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** What keeps slow or numerous clients from starving the device endpoints. */
@Configuration(proxyBeanMethods = false)
public class LoadProtection {

    /** The largest device body: a SCEP pkiMessage (ScepController's limit); an OCSP request is far smaller. */
    static final int MAX_DEVICE_BODY = 256 * 1024;

    /** Device POST bodies are read without a worker thread, before anything else (Spring Security included) sees the request. */
    @Bean
    FilterRegistrationBean<DeviceBodyFilter> deviceBodyFilter() {
        FilterRegistrationBean<DeviceBodyFilter> registration = new FilterRegistrationBean<>(new DeviceBodyFilter(MAX_DEVICE_BODY));
        registration.setName("deviceBodyFilter");
        registration.addUrlPatterns("/ocsp", "/scep", "/scep/pkiclient.exe", "/static", "/static/pkiclient.exe", "/static/aad",
                "/static/aad/pkiclient.exe", "/jamf", "/jamf/pkiclient.exe", "/dc", "/dc/pkiclient.exe", "/certsrv/mscep/mscep.dll",
                "/certsrv/mscep/mscep.dll/pkiclient.exe");
        registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        registration.setAsyncSupported(true);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
