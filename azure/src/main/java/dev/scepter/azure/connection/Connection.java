package dev.scepter.azure.connection;

import java.time.Duration;
import java.util.List;

/**
 * A connection to a service this instance depends on (Microsoft's sign-in, Graph, Intune, Jamf
 * Pro), checked for the homepage and {@code /probe}. A check costs the service as little as it
 * can: what the component learnt from its own calls in the last {@link #RECENT} is its answer, and
 * only what it has not learnt since is asked, with one light call.
 */
@FunctionalInterface
public interface Connection {

    /** How long what a call taught stands for the connection's state without a new call. */
    Duration RECENT = Duration.ofSeconds(30);

    /** One row per thing checked (Graph: one per directory asked); may take as long as the component's own timeouts. */
    List<ConnectionStatus> check();
}
