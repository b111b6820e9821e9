package dev.scepter.azure.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.azure.sim.EntraIdSimulator;
import dev.scepter.azure.sim.ManagedIdentitySimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The simulated cloud the sign-in tests run against: Entra ID and App Service's identity endpoint on loopback, sharing one token book and one clock. */
abstract class SimulatedCloud {

    static final String TENANT = "6f1c5b1e-8a4e-4c1a-9d61-0c1e2b3a4d5f";
    static final String APP = "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11";
    static final String ONE_X_APP = "3c2b1a09-8f7e-4d6c-9b5a-493827161504";
    static final String IDENTITY = "5a6b7c8d-1111-4222-8333-944455556666";
    static final URI GRAPH = URI.create("https://graph.microsoft.com/");
    static final URI INTUNE = URI.create("https://api.manage.microsoft.com/");
    static final SimTls TLS = SimTls.generate();

    @TempDir
    Path dir;

    // Starts at the wall clock: MSAL dates its client assertions by the wall clock, which the token endpoint checks.
    final MovableClock clock = new MovableClock(Instant.now());
    final SimTokens tokens = new SimTokens(clock::instant);
    final SimServer login = SimServer.start("entra", TLS);
    final EntraIdSimulator entra = new EntraIdSimulator(login, tokens);
    final SimServer appService = SimServer.start("app-service", TLS);
    final ManagedIdentitySimulator identity = new ManagedIdentitySimulator(appService, tokens, IDENTITY);

    @AfterEach
    void stop() {
        login.close();
        appService.close();
    }

    ScepterSettings settings(String... pairs) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("AppConfig:AzureCloudConfig:AzureADEndpoint", entra.authorityHost().toString());
        values.put("AppConfig:AuthConfig:TenantId", TENANT);
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return ScepterSettings.bind(RawSettings.of(values));
    }

    AccessTokens open(ScepterSettings settings) {
        return SignIn.open(settings, clock, TLS.clientContext());
    }

    /** What Graph or Intune would answer to a call carrying this token: empty when accepted. */
    Optional<SimServer.Reply> call(URI audience, String token) {
        com.sun.net.httpserver.Headers headers = new com.sun.net.httpserver.Headers();
        headers.add("Authorization", "Bearer " + token);
        return tokens.refuse(new SimServer.Request("GET", "/", Map.of(), headers, new byte[0], null), audience.toString());
    }

    static Map<String, String> form(SimServer.Request request) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : request.bodyText().split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

}
