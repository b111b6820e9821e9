package dev.scepter.azure.graph;

import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignInException;
import dev.scepter.azure.sim.GraphSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.settings.IntuneSettings;
import dev.scepter.settings.IntuneSettings.DeviceDirectory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A Graph simulator, a clock both sides share, and a {@link GraphDirectory} pointed at them. */
final class GraphFixture implements AutoCloseable {

    static final String CLIENT = "scepter-test-instance";

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T12:00:00Z"));

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    /**
     * Mints from the simulated Entra ID as a real sign-in would: a token kept and renewed five
     * minutes before it expires; {@code renew=false} keeps using the first one, expired or not.
     */
    static final class SimAccessTokens implements AccessTokens {
        private final SimTokens tokens;
        private final Clock clock;
        private final boolean renew;
        private final Duration lifetime;
        private String token;
        private Instant expires = Instant.MIN;
        volatile boolean refuse;
        /** Tokens the caller said were refused, in order. */
        final List<String> invalidated = new CopyOnWriteArrayList<>();

        SimAccessTokens(SimTokens tokens, Clock clock, boolean renew, Duration lifetime) {
            this.tokens = tokens;
            this.clock = clock;
            this.renew = renew;
            this.lifetime = lifetime;
        }

        @Override
        public synchronized String token(URI resource) {
            if (refuse) {
                throw new SignInException("the simulated Entra ID refuses", null);
            }
            if (token == null || renew && !clock.instant().isBefore(expires.minus(Duration.ofMinutes(5)))) {
                token = tokens.mint(CLIENT, resource.toString(), lifetime);
                expires = clock.instant().plus(lifetime);
            }
            return token;
        }

        /** As a real sign-in: the refused token is forgotten, unless this one keeps its first token whatever happens. */
        @Override
        public synchronized void invalidate(URI resource, String refused) {
            invalidated.add(refused);
            if (renew && refused.equals(token)) {
                token = null;
            }
        }

        @Override
        public String describe() {
            return "simulated";
        }
    }

    final MovableClock clock = new MovableClock();
    final SimTls tls = SimTls.generate();
    final SimServer server = SimServer.start("graph", tls);
    final SimTokens tokens = new SimTokens(clock::instant);
    final GraphSimulator graph = new GraphSimulator(server, tokens, clock::instant);
    final List<Duration> slept = new CopyOnWriteArrayList<>();
    SimAccessTokens accessTokens = new SimAccessTokens(tokens, clock, true, Duration.ofHours(1));

    GraphFixture grantAll() {
        return grant("Device.Read.All", "DeviceManagementManagedDevices.Read.All", "User.Read.All");
    }

    GraphFixture grant(String... roles) {
        for (String role : roles) {
            tokens.grant(CLIENT, graph.audience(), role);
        }
        return this;
    }

    static IntuneSettings intune(DeviceDirectory mode, boolean complianceCheck, Duration grace, boolean revokeOnWipe) {
        return new IntuneSettings(mode, complianceCheck, grace, revokeOnWipe, true, Duration.ZERO, Duration.ofSeconds(30));
    }

    GraphDirectory directory(DeviceDirectory mode) {
        return directory(intune(mode, false, Duration.ZERO, true));
    }

    GraphDirectory directory(IntuneSettings intune) {
        return directory(intune, Duration.ofSeconds(2), 4);
    }

    /** Sleeps are recorded, not slept: Retry-After waits cost the test nothing. */
    GraphDirectory directory(IntuneSettings intune, Duration callTimeout, int inFlight) {
        JsonHttp.Sleeper sleeper = slept::add;
        JsonHttp http = new JsonHttp(JsonHttp.client(tls.clientContext(), Duration.ofSeconds(2)), callTimeout, GraphDirectory.ATTEMPTS,
                GraphDirectory.LONGEST_WAIT, sleeper, clock);
        GraphCalls calls = new GraphCalls(URI.create(graph.audience()), accessTokens, http, GraphDirectory.LONGEST_WAIT,
                callTimeout.multipliedBy(3), sleeper, inFlight);
        return new GraphDirectory(calls, intune, clock);
    }

    @Override
    public void close() {
        server.close();
    }
}
