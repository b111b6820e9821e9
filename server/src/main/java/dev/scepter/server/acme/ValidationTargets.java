package dev.scepter.server.acme;

import dev.scepter.authority.acme.AcmeProfile;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a validation that connects to the identifier (HTTP-01, TLS-ALPN-01) may connect, and how:
 * the name's addresses, resolved within the validation's deadline, less those that can never be a
 * name's own server ({@link #mayBeTarget}), tried in turn until one accepts a connection
 * ({@link #connect}). {@code localhost} and names under {@code .localhost} are 127.0.0.1 (RFC
 * 6761). Loopback and private addresses are contacted: a CA inside a network validates the
 * network's own servers. One policy for both challenges, so neither can be made to reach what the
 * other refuses.
 */
final class ValidationTargets {

    /**
     * Cloud instance-metadata and platform endpoints that are not link-local, and so not caught by
     * that rule: AWS's IPv6 instance metadata, Azure's wire server, Alibaba Cloud's and Oracle
     * Cloud's metadata. (169.254.169.254, the usual one, is link-local; so are its IPv6 forms once
     * {@link #embedded} has unwrapped them.) The one list of refused addresses; keep it here.
     */
    static final List<String> CLOUD_METADATA = List.of("fd00:ec2::254", "168.63.129.16", "100.100.100.200", "192.0.0.192");
    private static final List<InetAddress> CLOUD_METADATA_ADDRESSES = CLOUD_METADATA.stream().map(ValidationTargets::literal).toList();
    /** RFC 6052's well-known NAT64 prefix, 64:ff9b::/96: the last 4 bytes are an IPv4 address. */
    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    /** How long one address may take to accept a connection, so that the next is still tried within the deadline. */
    static final Duration CONNECT_BOUND = Duration.ofSeconds(5);

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
            throw new AcmeProblem(AcmeError.DNS, "cannot resolve " + host + " within " + seconds(deadline));
        } catch (ExecutionException | IOException | RejectedExecutionException e) {
            throw new AcmeProblem(AcmeError.DNS, "cannot resolve " + host);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeProblem(AcmeError.DNS, "interrupted while resolving " + host);
        }
        if (addresses.isEmpty()) {
            throw new AcmeProblem(AcmeError.CONNECTION, host + " resolves to no address " + challenge + " target may have"
                    + " (any-local, link-local, multicast and cloud metadata addresses are not contacted)");
        }
        return addresses;
    }

    /**
     * False for addresses that are never a name's own server: any-local (the CA host itself by
     * another name), link-local (169.254.0.0/16 with the usual cloud metadata endpoint, fe80::/10),
     * multicast, and {@link #CLOUD_METADATA}; an IPv4 address inside IPv6 (IPv4-compatible
     * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}) is judged as that IPv4 address. Loopback and
     * private addresses may be targets.
     */
    static boolean mayBeTarget(InetAddress address) {
        InetAddress inner = embedded(address);
        if (inner != address && !mayBeTarget(inner)) {
            return false;
        }
        return !address.isAnyLocalAddress() && !address.isLinkLocalAddress() && !address.isMulticastAddress()
                && !CLOUD_METADATA_ADDRESSES.contains(address);
    }

    /** The IPv4 address an IPv4-compatible or NAT64 IPv6 address carries; the address itself otherwise. (Java already turns IPv4-mapped ones into IPv4.) */
    private static InetAddress embedded(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] octets = address.getAddress();
        boolean compatible = ((Inet6Address) address).isIPv4CompatibleAddress();
        if (!compatible && !Arrays.equals(octets, 0, 12, NAT64_PREFIX, 0, 12)) {
            return address;
        }
        try {
            return Inet4Address.getByAddress(Arrays.copyOfRange(octets, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an IPv4 address", e);
        }
    }

    /** An address literal as the ACME profile reads it, never a lookup; {@link IllegalArgumentException} for anything else. */
    static InetAddress literal(String value) {
        byte[] octets = AcmeProfile.address(value).orElseThrow(() -> new IllegalArgumentException("not an address literal"));
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal", e);
        }
    }

    /**
     * A socket connected to {@code port} of the first of {@code addresses} that accepts within
     * {@code bound} (and all within the deadline {@code end}): an address that drops packets costs
     * its bound, not the validation. An {@link AcmeProblem} {@code connection} when none accepts;
     * {@code target} names what was wanted in the detail.
     */
    static Socket connect(List<InetAddress> addresses, int port, long end, Duration bound, Duration deadline, String target) {
        IOException last = null;
        long lastTimeout = 0;
        int tried = 0;
        for (InetAddress address : addresses) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (remaining <= 0) {
                throw new AcmeProblem(AcmeError.CONNECTION, "cannot connect to " + target + within(tried) + " within the " + seconds(deadline) + " deadline");
            }
            Socket socket = new Socket();
            lastTimeout = Math.max(1, Math.min(remaining, bound.toMillis()));
            tried++;
            try {
                socket.connect(new InetSocketAddress(address, port), (int) lastTimeout);
                return socket;
            } catch (IOException e) {
                last = e; // the next address may answer (an A record whose IPv6 twin is down, or the reverse)
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // never connected
                }
            }
        }
        if (last instanceof SocketTimeoutException) {
            throw new AcmeProblem(AcmeError.CONNECTION, "cannot connect to " + target + within(tried) + ": no answer within "
                    + (lastTimeout == bound.toMillis() ? seconds(bound) : "the " + seconds(deadline) + " deadline"));
        }
        throw new AcmeProblem(AcmeError.CONNECTION, "cannot connect to " + target + within(tried) + ": " + last.getClass().getSimpleName());
    }

    private static String within(int tried) {
        return tried > 1 ? " (" + tried + " addresses tried)" : "";
    }

    /** "10 s", or "1500 ms" when not whole seconds. */
    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
