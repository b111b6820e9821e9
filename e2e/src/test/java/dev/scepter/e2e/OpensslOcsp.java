package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl ocsp} as a relying party runs it: it builds the request, sends it (POST, with a
 * nonce unless told otherwise), verifies the response's signature against {@code -CAfile} and
 * prints one status block per certificate it asked about:
 *
 * <pre>
 * /tmp/x/cert.pem: revoked
 *     This Update: ...
 *     Next Update: ...
 *     Reason: certificateHold
 *     Revocation Time: ...
 * </pre>
 *
 * and {@code Response verify OK} on standard error.
 */
final class OpensslOcsp {

    private OpensslOcsp() {
    }

    /** What openssl said about one certificate. */
    record Status(String status, Optional<String> reason) {
        @Override
        public String toString() {
            return status + reason.map(r -> " (" + r + ")").orElse("");
        }
    }

    /**
     * Asks {@code url} about {@code targets} ({@code -cert FILE} or {@code -serial 0x...} pairs and
     * flags such as {@code -no_nonce}), with {@code digest} options ({@code -sha256}) placed before
     * {@code -issuer}, where openssl applies them to the CertIDs that follow.
     */
    static Command.Result query(Path dir, URI url, Path caPem, List<String> digest, String... targets) {
        List<String> command = new ArrayList<>(List.of("openssl", "ocsp"));
        command.addAll(digest);
        command.addAll(List.of("-issuer", caPem.toString(), "-CAfile", caPem.toString(), "-url", url.toString(), "-timeout", "20"));
        command.addAll(List.of(targets));
        return Command.run(dir, command.toArray(String[]::new));
    }

    /** One certificate, with openssl's default nonce and SHA-1 CertID. */
    static Command.Result queryCert(Path dir, URI url, Path caPem, Path certificatePem, String... flags) {
        List<String> targets = new ArrayList<>(List.of("-cert", certificatePem.toString()));
        targets.addAll(List.of(flags));
        return query(dir, url, caPem, List.of(), targets.toArray(String[]::new));
    }

    /**
     * {@code openssl ocsp -respin} on a response fetched some other way, verified against the CA;
     * {@code targets} name the certificates whose status to print. (With {@code -cert}, openssl
     * builds a request of its own, so it cannot check the nonce here: use {@code -reqin} alone.)
     */
    static Command.Result verifyResponse(Path dir, Path responseDer, Path caPem, String... targets) {
        List<String> command = new ArrayList<>(List.of("openssl", "ocsp", "-respin", responseDer.toString(),
                "-issuer", caPem.toString(), "-CAfile", caPem.toString(), "-no_nonce"));
        command.addAll(List.of(targets));
        return Command.run(dir, command.toArray(String[]::new));
    }

    /** The run succeeded and openssl verified the response's signature and chain. */
    static void assertVerified(Command.Result result) {
        assertThat(result.exitCode()).as("openssl ocsp:\n%s", result).isZero();
        assertThat(result.stderr()).as("openssl ocsp:\n%s", result).contains("Response verify OK");
        assertThat(result.output()).as("openssl ocsp:\n%s", result).doesNotContain("Response Verify Failure")
                .doesNotContain("Responder Error");
    }

    /** The status openssl printed for {@code label} (the {@code -cert} path or {@code -serial} value as given). */
    static Status statusOf(Command.Result result, String label) {
        Optional<Status> status = find(result, label);
        assertThat(status).as("no status line for %s in:\n%s", label, result).isPresent();
        return status.get();
    }

    /** The status printed for {@code label}, if openssl printed one. */
    static Optional<Status> find(Command.Result result, String label) {
        Matcher block = Pattern.compile("(?m)^" + Pattern.quote(label) + ": (\\S+)\\n((?:\\t.*\\n?)*)").matcher(result.stdout());
        if (!block.find()) {
            return Optional.empty();
        }
        Matcher reason = Pattern.compile("(?m)^\\tReason: (\\S+)").matcher(block.group(2));
        return Optional.of(new Status(block.group(1), reason.find() ? Optional.of(reason.group(1)) : Optional.empty()));
    }

    /** Verified, and {@code label} has this status (and, for revoked, this reason). */
    static void assertStatus(Command.Result result, String label, String status, String reason) {
        assertVerified(result);
        assertThat(statusOf(result, label)).as("openssl ocsp:\n%s", result)
                .isEqualTo(new Status(status, Optional.ofNullable(reason)));
    }

    static void assertStatus(Command.Result result, Path certificatePem, String status, String reason) {
        assertStatus(result, certificatePem.toString(), status, reason);
    }

    static void assertGood(Command.Result result, Path certificatePem) {
        assertStatus(result, certificatePem, "good", null);
    }
}
