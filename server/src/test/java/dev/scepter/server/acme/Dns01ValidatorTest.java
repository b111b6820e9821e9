package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS-01's hook: a program given the record's name, without a shell, whose output lines are the
 * TXT values; one that hangs, floods or fails is a {@code dns} problem, not a hung request.
 */
class Dns01ValidatorTest {

    @TempDir
    Path dir;

    private Path script(String body) throws Exception {
        Path script = Files.createTempFile(dir, "hook-", ".sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void theDigestOfTheKeyAuthorizationAmongTheValuesValidates() throws Exception {
        // RFC 8555 section 8.4's digest; the hook gets the record's name as its one argument, unsplit.
        String keyAuthorization = "token.thumbprint";
        Path hook = script("[ \"$#\" = 1 ] && [ \"$1\" = '_acme-challenge.www.example.com' ] || exit 3\necho other\necho '  "
                + Dns01Validator.digest(keyAuthorization) + "  '");
        Dns01Validator validator = new Dns01Validator(new Dns01Validator.CommandLookup(hook.toString()));
        assertThat(validator.validate("www.example.com", keyAuthorization)).isEmpty();
        assertThat(validator.validate("www.example.com", "token.other")).map(AcmeProblem::error).hasValue(AcmeError.INCORRECT_RESPONSE);
        assertThat(validator.validate("other.example.com", keyAuthorization)).map(AcmeProblem::error).hasValue(AcmeError.DNS);
        assertThat(Dns01Validator.digest("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }

    @Test
    void aHookPastItsDeadlineIsCutOff() throws Exception {
        Dns01Validator.CommandLookup lookup = new Dns01Validator.CommandLookup(script("sleep 30").toString(), Duration.ofMillis(500));
        long start = System.nanoTime();
        assertThatThrownBy(() -> lookup.txt("_acme-challenge.www.example.com")).isInstanceOf(Dns01Validator.LookupFailure.class)
                .hasMessageContaining("took longer");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHookPrintingTooMuchOrFailingIsALookupFailure() throws Exception {
        assertThatThrownBy(() -> new Dns01Validator.CommandLookup(script("yes").toString()).txt("_acme-challenge.a.example.com"))
                .isInstanceOf(Dns01Validator.LookupFailure.class).hasMessageContaining("more than");
        assertThatThrownBy(() -> new Dns01Validator.CommandLookup(script("echo value; exit 2").toString()).txt("_acme-challenge.a.example.com"))
                .isInstanceOf(Dns01Validator.LookupFailure.class).hasMessageContaining("exited with 2");
        assertThatThrownBy(() -> new Dns01Validator.CommandLookup(dir.resolve("missing").toString()).txt("_acme-challenge.a.example.com"))
                .isInstanceOf(Dns01Validator.LookupFailure.class).hasMessageContaining("cannot be run");
        Optional<AcmeProblem> problem = new Dns01Validator(name -> List.of()).validate("a.example.com", "t.k");
        assertThat(problem).map(AcmeProblem::error).hasValue(AcmeError.INCORRECT_RESPONSE);
    }

    @Test
    void theCharacterStringsOfOneTxtRecordAreJoinedAsJndiGivesThem() {
        assertThat(Dns01Validator.DnsLookup.joined("abcdef")).isEqualTo("abcdef");
        assertThat(Dns01Validator.DnsLookup.joined("abc def")).as("one value split in two strings").isEqualTo("abcdef");
        assertThat(Dns01Validator.DnsLookup.joined("\"a b\" c")).isEqualTo("a bc");
        Optional<AcmeProblem> split = new Dns01Validator(name -> List.of(Dns01Validator.DnsLookup.joined(
                Dns01Validator.digest("t.k").substring(0, 20) + " " + Dns01Validator.digest("t.k").substring(20)))).validate("a.example.com", "t.k");
        assertThat(split).isEmpty();
    }

    /** The process whose pid the hook wrote to {@code file}, once the hook is done. */
    private static ProcessHandle child(Path file) throws Exception {
        long pid = Long.parseLong(Files.readString(file).strip());
        return ProcessHandle.of(pid).orElse(null);
    }

    private static void assertGone(ProcessHandle child) throws Exception {
        if (child != null) {
            child.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS); // killed: gone within moments, where sleep 30 would still run
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void aHookThatExitsLeavingAChildWithItsStdoutIsNotWaitedForAndTheChildIsKilled() throws Exception {
        assertThat(Dns01Validator.CommandLookup.SETSID).as("setsid(1) on this machine, as on Debian").isPresent();
        Path pid = dir.resolve("child.pid");
        long start = System.nanoTime();
        // The background sleep keeps the hook's stdout open for 30 seconds after the hook exits.
        List<String> values = new Dns01Validator.CommandLookup(script("echo value\nsleep 30 &\necho $! > " + pid + "\nexit 0").toString())
                .txt("_acme-challenge.a.example.com");
        assertThat(values).containsExactly("value");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not held until the child closes stdout").isLessThan(Duration.ofSeconds(4));
        assertGone(child(pid));
    }

    @Test
    void aHookKilledAtItsDeadlineTakesItsBackgroundChildWith() throws Exception {
        assertThat(Dns01Validator.CommandLookup.SETSID).as("setsid(1) on this machine, as on Debian").isPresent();
        Path pid = dir.resolve("child.pid");
        // Started by a subshell that exits at once: the sleep is reparented, no longer among the
        // hook's descendants, and only the kill of the hook's process group can reach it.
        Dns01Validator.CommandLookup lookup = new Dns01Validator.CommandLookup(
                script("( sleep 30 & echo $! > " + pid + " )\nsleep 30").toString(), Duration.ofMillis(1500));
        assertThatThrownBy(() -> lookup.txt("_acme-challenge.a.example.com")).isInstanceOf(Dns01Validator.LookupFailure.class)
                .hasMessageContaining("took longer");
        assertGone(child(pid));
    }

    @Test
    void aGroupLedByAPidIsNotKilledWhenItsMembersStartedAfterTheHookExited() throws Exception {
        assertThat(Dns01Validator.CommandLookup.SETSID).as("setsid(1) on this machine, as on Debian").isPresent();
        // A new session leader, as an unrelated program given a pid the hook left free would be.
        Process other = new ProcessBuilder(Dns01Validator.CommandLookup.SETSID.get(), "sleep", "30").start();
        try {
            Path stat = Path.of("/proc", Long.toString(other.pid()), "stat");
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Files.readString(stat).substring(Files.readString(stat).lastIndexOf(')') + 2).split(" ")[3].equals(Long.toString(other.pid()))) {
                assertThat(System.nanoTime() - until).as("setsid made a session").isNegative();
                Thread.sleep(10);
            }
            java.time.Instant started = other.info().startInstant().orElseThrow();
            Dns01Validator.CommandLookup.killGroup(other.pid(), started.minusSeconds(2));
            Thread.sleep(200);
            assertThat(other.isAlive()).as("started after the hook (said to have) exited: not the hook's").isTrue();
            Dns01Validator.CommandLookup.killGroup(other.pid(), started.plusSeconds(2));
            assertThat(other.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("the group's, by session, group and start").isTrue();
        } finally {
            other.destroyForcibly();
        }
    }
}
