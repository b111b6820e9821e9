package dev.scepter.server.web;

import jakarta.servlet.Filter;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.servlet.filter.OrderedRequestContextFilter;
import org.springframework.boot.web.servlet.AbstractFilterRegistrationBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.CharacterEncodingFilter;
import org.springframework.web.filter.RequestContextFilter;

/**
 * Spring's own request filters serve what Spring MVC serves: they are mapped to its dispatcher
 * servlet by name, where Spring Boot maps them to {@code /*}. Spring Security's filter chain (the
 * API's authorisation, {@code ApiSecurityConfiguration}), the character encoding and the request
 * context (thread-locals for Spring MVC's handlers) then see every request the dispatcher servlet
 * gets, however its path is spelled, the error page's included, and none of the OCSP servlet's.
 *
 * <p>OCSP ({@code OcspServlet}, a servlet of its own) is anonymous by nature (RFC 6960: the
 * answer's signature is its protection), and its requests are the most numerous: on a cached
 * answer these filters took about a tenth of a request's CPU (docs/performance.md). What protects
 * OCSP stays on its path: the device body filter ({@code LoadProtection}, mapped to {@code /ocsp}
 * by URL) reads a POST body without a thread and caps it, and the responder's bulkhead sheds load
 * with {@code tryLater}. A servlet added later beside the dispatcher gets none of these filters:
 * map them to it here if it needs them ({@code RouteTableTest} pins the set of servlets).
 *
 * <p>Mapped by servlet name, these filters run after every filter mapped by URL, whatever either's
 * order: a container builds a chain from the URL-pattern mappings first, then from the servlet-name
 * mappings (Servlet specification, section 6.2.4; Tomcat's {@code ApplicationFilterFactory}). The
 * filters mapped by URL today (the device body filter, the forwarded-header filter with
 * {@code TrustForwardedHeaders}, Tomcat's WebSocket filter) were first already. A filter added later
 * on {@code /*} or {@code /api/*} to run after authentication must be mapped to the dispatcher
 * servlet by name as well, or it runs before Spring Security; {@code RouteTableTest} lists the
 * filters mapped by URL.
 */
@Configuration(proxyBeanMethods = false)
public class DispatcherServletFilters {

    /** Spring Boot's registration of Spring Security's filter chain proxy ({@code SecurityFilterAutoConfiguration}). */
    static final String SECURITY_FILTER_REGISTRATION = "securityFilterChainRegistration";

    /** Spring Boot registers Spring Security's proxy itself, on {@code /*}; this narrows that registration to the dispatcher. */
    @Bean
    static BeanPostProcessor securityFilterOnDispatcherServlet() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (SECURITY_FILTER_REGISTRATION.equals(name) && bean instanceof AbstractFilterRegistrationBean<?> registration) {
                    onDispatcherServlet(registration);
                }
                return bean;
            }
        };
    }

    @Bean
    FilterRegistrationBean<CharacterEncodingFilter> characterEncodingFilterRegistration(CharacterEncodingFilter filter) {
        return onDispatcherServlet("characterEncodingFilter", filter);
    }

    /** Made here, as Spring MVC's auto-configuration would: it makes none once a registration of one is a bean. */
    @Bean
    FilterRegistrationBean<RequestContextFilter> requestContextFilterRegistration() {
        return onDispatcherServlet("requestContextFilter", new OrderedRequestContextFilter());
    }

    /** As Spring Boot registers a filter bean (its name and order kept), on the dispatcher servlet alone. */
    private static <F extends Filter> FilterRegistrationBean<F> onDispatcherServlet(String name, F filter) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.setName(name);
        registration.setOrder(filter instanceof Ordered ordered ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE);
        registration.setAsyncSupported(true);
        onDispatcherServlet(registration);
        return registration;
    }

    private static void onDispatcherServlet(AbstractFilterRegistrationBean<?> registration) {
        registration.setUrlPatterns(List.of());
        registration.setServletNames(Set.of(DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME));
    }
}
