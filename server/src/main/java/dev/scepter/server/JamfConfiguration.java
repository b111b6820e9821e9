package dev.scepter.server;

import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.jamf.JamfClient;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Jamf Pro's API when {@code AppConfig:JamfValidation:URL} is set: {@code /jamf} binds its
 * certificates to Jamf Pro's objects and OCSP asks Jamf Pro about them. Trust is the JVM's (its
 * default trust store, {@code javax.net.ssl.trustStore} for a private CA).
 */
@Configuration(proxyBeanMethods = false)
public class JamfConfiguration {

    /** One Jamf Pro call's limit: an OCSP or SCEP request waits for it. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /** Jamf Pro's API, or none. */
    public record JamfPro(Optional<JamfClient> client) {
    }

    @Bean
    JamfPro jamfPro(CoreContext core, Clock clock) throws NoSuchAlgorithmException {
        if (core.settings().jamf().url().isEmpty()) {
            return new JamfPro(Optional.empty());
        }
        JsonHttp http = new JsonHttp(JsonHttp.client(SSLContext.getDefault(), CALL_TIMEOUT), CALL_TIMEOUT, 2, Duration.ofSeconds(1),
                wait -> Thread.sleep(wait.toMillis()), clock);
        return new JamfPro(JamfClient.fromSettings(core.settings().jamf(), http, CALL_TIMEOUT, clock));
    }
}
