package dev.scepter.azure.connection;

import java.util.Objects;
import java.util.Optional;

/**
 * One connection's state as the homepage and {@code /probe} show it: never a token or a secret.
 *
 * @param name              the row's name ("Microsoft sign-in", "Graph (Entra ID devices)", "Jamf Pro")
 * @param state             whether the service answers this instance
 * @param reason            why, in words an admin acts on
 * @param missingPermission the permission or privilege the service refused, by its name
 *                          ({@code Device.Read.All}, {@code scep_challenge_provider}, {@code Read Computers})
 */
public record ConnectionStatus(String name, State state, String reason, Optional<String> missingPermission) {

    public enum State {
        /** The service answers this instance as it must. */
        CONNECTED,
        /** The service cannot be reached, refuses the sign-in, or refuses a permission: what depends on it fails. */
        NOT_CONNECTED,
        /** Configured not to be used (or left out, as Intune in AADAndIntuneOpportunistic without its permission). */
        NOT_CONFIGURED,
        /** Not checked yet: the first check since start-up is under way. Not a failure: nothing is known to be down. */
        CHECKING;

        /** The badge's words. */
        public String words() {
            return name().replace('_', ' ');
        }
    }

    public ConnectionStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(missingPermission, "missingPermission");
    }

    public static ConnectionStatus connected(String name, String reason) {
        return new ConnectionStatus(name, State.CONNECTED, reason, Optional.empty());
    }

    public static ConnectionStatus notConnected(String name, String reason, Optional<String> missingPermission) {
        return new ConnectionStatus(name, State.NOT_CONNECTED, reason, missingPermission);
    }

    /** A row whose first check is under way. */
    public static ConnectionStatus checking(String name) {
        return new ConnectionStatus(name, State.CHECKING, "not checked yet: the first check since start-up is under way", Optional.empty());
    }

    /** Whether this row lets the probe pass: only a connection that is configured and down fails it. */
    public boolean ok() {
        return state != State.NOT_CONNECTED;
    }

    public ConnectionStatus named(String other) {
        return new ConnectionStatus(other, state, reason, missingPermission);
    }

    public ConnectionStatus withReason(String other) {
        return new ConnectionStatus(name, state, other, missingPermission);
    }
}
