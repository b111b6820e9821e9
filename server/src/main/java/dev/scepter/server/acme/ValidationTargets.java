package dev.scepter.server.acme;

import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Where a validation that connects to the identifier (HTTP-01, TLS-ALPN-01) may connect: the
 * name's addresses, resolved within the validation's deadline, less those that can never be a
 * name's own server (any-local, link-local such as 169.254.0.0/16 and fe80::/10, multicast).
 * {@code localhost} and names under {@code .localhost} are 127.0.0.1 (RFC 6761). One policy for
 * both challenges, so neither can be made to reach what the other refuses.
 */
final class ValidationTargets {

    private ValidationTargets() {
    }

    /**
     * The addresses to try in turn, never empty; an {@link AcmeProblem} ({@code dns} or
     * {@code connection}) when there is none. {@code challenge} names the challenge in the detail.
     */
    static List<InetAddress> of(String host, Duration deadline, String challenge) {
        // RFC 6761 section 6.3: localhost and names under .localhost are the loopback address,
        // whatever the resolver says (glibc knows only "localhost" itself).
        boolean loopback = host.equals("localhost") || host.endsWith(".localhost");
        List<InetAddress> addresses;
        try {
            // Within the deadline: the system resolver alone may take 30 seconds (3 servers, 2 tries, 5 s).
            addresses = loopback ? List.of(InetAddress.getByName("127.0.0.1"))
                    : BoundedCalls.within(() -> Arrays.stream(InetAddress.getAllByName(host)).filter(ValidationTargets::mayBeTarget).toList(), deadline);
        } catch (TimeoutException e) {
            throw new AcmeProblem(AcmeError.DNS, "cannot resolve " + host + " within " + deadline.toSeconds() + " s");
        } catch (ExecutionException | IOException | RejectedExecutionException e) {
            throw new AcmeProblem(AcmeError.DNS, "cannot resolve " + host);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeProblem(AcmeError.DNS, "interrupted while resolving " + host);
        }
        if (addresses.isEmpty()) {
            throw new AcmeProblem(AcmeError.CONNECTION, host + " resolves to no address " + challenge + " target may have"
                    + " (any-local, link-local and multicast addresses are not contacted)");
        }
        return addresses;
    }

    /** Addresses that are never a name's own server: the CA host itself by another name, cloud metadata, multicast. */
    static boolean mayBeTarget(InetAddress address) {
        return !address.isAnyLocalAddress() && !address.isLinkLocalAddress() && !address.isMulticastAddress();
    }
}
