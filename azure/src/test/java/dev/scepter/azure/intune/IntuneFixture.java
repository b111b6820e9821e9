package dev.scepter.azure.intune;

import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.IntuneSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.settings.AzureCloudSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Intune simulated on loopback, and a client signed in to it through tokens minted straight from
 * the simulated Entra ID, calling as production does (its attempts and Retry-After waits).
 */
final class IntuneFixture implements AutoCloseable {

    static final String CLIENT = "scepter-test";

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    final SimTls tls = SimTls.generate();
    final SimTokens tokens = new SimTokens(now::get);
    final SimServer graph = SimServer.start("graph", tls);
    final IntuneSimulator intune = IntuneSimulator.start(tls, tokens, graph, now::get);
    final IntuneClient client;
    /** Retry-After waits, recorded rather than slept: production's retries at no cost in time. */
    final java.util.List<Duration> slept = new java.util.concurrent.CopyOnWriteArrayList<>();

    IntuneFixture() {
        tokens.grant(CLIENT, graph.uri().toString(), IntuneSimulator.GRAPH_ROLE);
        tokens.grant(CLIENT, IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        client = client(accessTokens());
    }

    /** A client signed in with these tokens. */
    IntuneClient client(AccessTokens signIn) {
        AzureCloudSettings cloud = new AzureCloudSettings(URI.create("https://login.microsoftonline.com"), graph.uri(),
                URI.create(IntuneSimulator.INTUNE_AUDIENCE), UUID.fromString(IntuneSimulator.INTUNE_APP_ID));
        return new IntuneClient(new JsonHttp(JsonHttp.client(tls.clientContext(), Duration.ofSeconds(2)), Duration.ofSeconds(2),
                IntuneClient.ATTEMPTS, IntuneClient.LONGEST_WAIT, slept::add, Clock.systemUTC()), signIn, cloud);
    }

    AccessTokens accessTokens() {
        return new AccessTokens() {
            @Override
            public String token(URI resource) {
                return tokens.mint(CLIENT, resource.toString(), Duration.ofHours(1));
            }

            @Override
            public String describe() {
                return "simulated";
            }
        };
    }

    @Override
    public void close() {
        intune.close();
        graph.close();
    }
}
