package dev.scepter.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Prometheus registry the SCEP, EST and OCSP controllers record into and the metrics endpoint exposes. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    PrometheusMeterRegistry meterRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Tomcat's session meters are always 0 here (the API keeps no session) and carry no description.
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("tomcat.sessions"));
        // Latency histograms for the protocol endpoints, so that percentiles can be aggregated across nodes.
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().startsWith("scep.") || id.getName().startsWith("ocsp.") || id.getName().startsWith("est.")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
                }
                return config;
            }
        });
        return registry;
    }
}
