package dev.scepter.server.api;

import dev.scepter.server.web.ApiJson;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Spring MVC binds and writes JSON with the API's strict mapper ({@link ApiJson}), the only JSON this server reads. */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    JsonMapper jsonMapper() {
        return ApiJson.mapper();
    }
}
