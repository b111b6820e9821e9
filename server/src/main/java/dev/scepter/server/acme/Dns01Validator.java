package dev.scepter.server.acme;

import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * DNS-01 validation (RFC 8555 section 8.4): one of the TXT values of {@code _acme-challenge.NAME}
 * must be the base64url SHA-256 digest of the key authorization. Scepter runs no DNS, so it asks a
 * {@link TxtLookup}: by default a DNS lookup of its own (JNDI's DNS provider, the system's
 * resolvers, bounded in time), or a program the operator configures
 * ({@code AppConfig:Acme:Dns01LookupCommand}) for split DNS, a zone only an API knows, or tests.
 */
final class Dns01Validator {

    /** The TXT values of a DNS name, as the lookup sees them. */
    interface TxtLookup {
        /** The values, none when the name has no TXT record; {@link LookupFailure} when the answer cannot be had. */
        List<String> txt(String name) throws LookupFailure;
    }

    /** The lookup gave no answer (no resolver, a timeout, a hook that failed): the client's DNS or ours, not a wrong value. */
    static final class LookupFailure extends Exception {
        LookupFailure(String message) {
            super(message);
        }
    }

    private final TxtLookup lookup;

    Dns01Validator(TxtLookup lookup) {
        this.lookup = lookup;
    }

    /** Why validation failed, or empty when {@code _acme-challenge.NAME} has the digest of the key authorization. */
    Optional<AcmeProblem> validate(String name, String keyAuthorization) {
        String record = "_acme-challenge." + name;
        List<String> values;
        try {
            values = lookup.txt(record);
        } catch (LookupFailure e) {
            return Optional.of(new AcmeProblem(AcmeError.DNS, "The TXT record of " + record + " could not be looked up: " + e.getMessage() + "."));
        }
        String expected = digest(keyAuthorization);
        if (values.stream().map(String::strip).anyMatch(expected::equals)) {
            return Optional.empty();
        }
        return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, values.isEmpty() ? "No TXT record at " + record + "."
                : "None of the " + values.size() + " TXT values at " + record + " is the digest of the key authorization."));
    }

    /** RFC 8555 section 8.4: base64url(SHA-256(key authorization)), unpadded. */
    static String digest(String keyAuthorization) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    /**
     * A TXT lookup in DNS through JNDI's DNS provider and the system's resolvers: each server is
     * tried with a 2-second, then a 4-second timeout, and the whole lookup ends at {@link #DEADLINE}.
     * NXDOMAIN is no values, not a failure.
     */
    static final class DnsLookup implements TxtLookup {
        /** The whole lookup, every resolver and the TCP fallback, as HTTP-01's fetch. */
        static final Duration DEADLINE = Duration.ofSeconds(10);
        private final String provider;
        private final Duration deadline;

        DnsLookup() {
            this("dns:", DEADLINE);
        }

        /** A lookup at one server ({@code dns://127.0.0.1:PORT}), for tests against a loopback stub. */
        DnsLookup(String provider, Duration deadline) {
            this.provider = provider;
            this.deadline = deadline;
        }

        @Override
        public List<String> txt(String name) throws LookupFailure {
            try {
                return BoundedCalls.within(() -> lookUp(name), deadline);
            } catch (TimeoutException e) {
                throw new LookupFailure("no answer within " + deadline.toMillis() + " ms");
            } catch (RejectedExecutionException e) {
                throw new LookupFailure("too many lookups are running");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof LookupFailure failure) {
                    throw failure;
                }
                throw new LookupFailure(e.getCause().getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LookupFailure("interrupted");
            }
        }

        private List<String> lookUp(String name) throws LookupFailure {
            Hashtable<String, String> environment = new Hashtable<>();
            environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
            environment.put(Context.PROVIDER_URL, provider);
            environment.put("com.sun.jndi.dns.timeout.initial", "2000");
            environment.put("com.sun.jndi.dns.timeout.retries", "2");
            DirContext context = null;
            try {
                context = new InitialDirContext(environment);
                Attribute txt = context.getAttributes(name, new String[] {"TXT"}).get("TXT");
                List<String> values = new ArrayList<>();
                if (txt != null) {
                    NamingEnumeration<?> all = txt.getAll();
                    while (all.hasMore()) {
                        values.add(joined(String.valueOf(all.next())));
                    }
                }
                return values;
            } catch (NameNotFoundException e) {
                return List.of();
            } catch (NamingException e) {
                throw new LookupFailure(e.getClass().getSimpleName() + (e.getExplanation() == null ? "" : " (" + e.getExplanation() + ")"));
            } finally {
                if (context != null) {
                    try {
                        context.close();
                    } catch (NamingException ignored) {
                        // nothing held open that matters
                    }
                }
            }
        }

        /**
         * One TXT record's value: JNDI gives its character-strings space-separated, each quoted
         * when it has a space in it; like other CAs we join them (a long value split in two still
         * matches).
         */
        static String joined(String value) {
            StringBuilder joined = new StringBuilder(value.length());
            int i = 0;
            while (i < value.length()) {
                char c = value.charAt(i);
                if (c == ' ') {
                    i++;
                } else if (c == '"') {
                    int close = value.indexOf('"', i + 1);
                    int end = close < 0 ? value.length() : close;
                    joined.append(value, i + 1, end);
                    i = end + 1;
                } else {
                    int space = value.indexOf(' ', i);
                    int end = space < 0 ? value.length() : space;
                    joined.append(value, i, end);
                    i = end;
                }
            }
            return joined.toString();
        }
    }

    /**
     * The operator's hook: a program run without a shell, with the record's name as its one
     * argument and no input; it prints the TXT values, one a line, and exits 0. It has
     * {@link #DEADLINE} and {@link #MAX_OUTPUT} bytes; what it writes to stderr is discarded.
     * Started through util-linux's {@code setsid}, where there is one, it leads a process group of
     * its own; when it has exited (or is killed at its deadline) every process still in that group,
     * such as a program it left in the background, is killed, so no hook outlives its validation
     * and the limit on validations at once also limits processes.
     */
    static final class CommandLookup implements TxtLookup {
        static final Duration DEADLINE = Duration.ofSeconds(10);
        static final int MAX_OUTPUT = 4096;
        private final String program;
        private final Duration deadline;

        CommandLookup(String program) {
            this(program, DEADLINE);
        }

        CommandLookup(String program, Duration deadline) {
            this.program = program;
            this.deadline = deadline;
        }

        @Override
        public List<String> txt(String name) throws LookupFailure {
            if (!Files.isExecutable(Path.of(program))) {
                throw new LookupFailure("the lookup command (AppConfig:Acme:Dns01LookupCommand) cannot be run");
            }
            Process process;
            try {
                List<String> command = new ArrayList<>();
                SETSID.ifPresent(setsid -> {
                    command.add(setsid);
                    // Should setsid find itself a group leader, it forks and runs the hook in the child:
                    // with --wait it still waits for it, so the output is the hook's and not cut short.
                    command.add("--wait");
                });
                command.add(program);
                command.add(name);
                ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                // Not Scepter's environment: AppConfig__ variables carry database passwords, PINs
                // and challenge passwords, which a DNS provider's CLI must never see.
                Map<String, String> environment = builder.environment();
                environment.clear();
                environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
                environment.put("HOME", System.getProperty("user.home", "/"));
                environment.put("LANG", "C.UTF-8");
                process = builder.start();
            } catch (IOException e) {
                throw new LookupFailure("the lookup command (AppConfig:Acme:Dns01LookupCommand) cannot be run");
            }
            long end = System.nanoTime() + deadline.toNanos();
            try (InputStream in = process.getInputStream()) {
                byte[] bytes = output(process, in, end);
                if (process.exitValue() != 0) {
                    throw new LookupFailure("the lookup command exited with " + process.exitValue());
                }
                return new String(bytes, StandardCharsets.UTF_8).lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
            } catch (IOException e) {
                throw new LookupFailure("the lookup command's output could not be read");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LookupFailure("interrupted");
            } finally {
                // A hook past its time or its output goes, with the children it has then; what is
                // left of its process group goes too, including what it left behind when it exited.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                if (SETSID.isPresent()) {
                    killGroup(process.pid(), exit(process).plus(FORK_MARGIN));
                }
            }
        }

        /** util-linux's setsid(1), which runs the hook as the leader of a new session and process group (its pid is the group's id). */
        static final Optional<String> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").filter(path -> Files.isExecutable(Path.of(path))).findFirst();

        /**
         * How long after the hook was reaped a process may have started and still be taken for one
         * of the hook's: a member that forked while the group was being killed. A pid freed by the
         * hook and given to an unrelated new session leader within this time would need the pid
         * space to wrap around meanwhile.
         */
        static final Duration FORK_MARGIN = Duration.ofMillis(500);

        /** When the hook was reaped (its pid free again), or now if that takes unusually long. */
        private static java.time.Instant exit(Process process) {
            try {
                process.onExit().get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // destroyForcibly was sent: reaped moments later, and "now" is then a little early, the safe side
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return java.time.Instant.now();
        }

        /**
         * Kills what is left of the hook's process group: each process whose group and session
         * are {@code leader} (setsid made the hook, pid {@code leader}, the leader of both) and which
         * started no later than {@code latestStart}. The hook's pid is free once it is reaped, and a
         * new process given it may lead a session and group of its own; every member of that one
         * started after it, so after the hook exited, and is left alone. A few rounds, for a member
         * that forked while the first was being killed.
         */
        static void killGroup(long leader, java.time.Instant latestStart) {
            for (int round = 0; round < 3; round++) {
                List<ProcessHandle> members = new ArrayList<>();
                try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
                    entries.map(entry -> entry.getFileName().toString()).filter(entry -> entry.chars().allMatch(Character::isDigit))
                            .filter(pid -> isLedBy(pid, leader))
                            // The handle fixes the start time, so the process killed is the one judged.
                            .forEach(pid -> ProcessHandle.of(Long.parseLong(pid))
                                    .filter(handle -> handle.info().startInstant().filter(start -> !start.isAfter(latestStart)).isPresent())
                                    .filter(handle -> isLedBy(pid, leader))
                                    .ifPresent(members::add));
                } catch (IOException | UncheckedIOException e) {
                    return; // no /proc: nothing more can be found
                }
                if (members.isEmpty()) {
                    return;
                }
                members.forEach(ProcessHandle::destroyForcibly);
            }
        }

        /**
         * Whether a process's group and session, the fifth and sixth fields of {@code /proc/PID/stat}
         * (after the name in parentheses), are both {@code leader}; false when it is gone.
         */
        private static boolean isLedBy(String pid, long leader) {
            try {
                String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
                return Long.parseLong(fields[2]) == leader && Long.parseLong(fields[3]) == leader;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /**
         * What the hook printed until it exited. Read only as far as {@code available()} says, never
         * blocking: a blocked read would wait for EOF, which a child the hook left in the background
         * with its stdout may hold off past the deadline (and it would hold the stream's lock the
         * JDK needs to see the exit). So no reader thread either.
         */
        private byte[] output(Process process, InputStream in, long end) throws IOException, InterruptedException, LookupFailure {
            java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            while (true) {
                boolean exited = !process.isAlive();
                int available;
                while ((available = in.available()) > 0) {
                    int read = in.read(buffer, 0, Math.min(available, buffer.length));
                    if (read < 0) {
                        break;
                    }
                    output.write(buffer, 0, read);
                    if (output.size() > MAX_OUTPUT) {
                        throw new LookupFailure("the lookup command printed more than " + MAX_OUTPUT + " bytes");
                    }
                }
                if (exited) {
                    return output.toByteArray();
                }
                if (System.nanoTime() - end >= 0) {
                    throw new LookupFailure("the lookup command took longer than " + deadline.toSeconds() + " seconds");
                }
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
    }
}
