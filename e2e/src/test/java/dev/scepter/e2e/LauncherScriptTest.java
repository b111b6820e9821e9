package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/scepter} on a machine without a usable Java: it says that Java 17 or newer is needed
 * and how to install it on Debian, instead of the Maven wrapper's words about {@code JAVA_HOME}
 * or bash's "java: not found".
 */
class LauncherScriptTest {

    /** The repository's root: surefire runs in the e2e module's folder. */
    private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();

    /** What the script needs besides Java, from this machine; nothing else is on its PATH. */
    private static final List<String> TOOLS = List.of("bash", "sh", "env", "dirname", "find", "mktemp", "readlink", "sed", "head", "cat", "rm");

    private record Result(int exit, String err) {
    }

    private static Result run(Path bin, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/scepter").toString(), "--version").directory(ROOT.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", bin.toString());
        builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), err);
    }

    private static Path toolsWithoutJava(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : TOOLS) {
            for (String folder : List.of("/usr/bin", "/bin")) {
                if (Files.isExecutable(Path.of(folder, tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), Path.of(folder, tool));
                    break;
                }
            }
        }
        return bin;
    }

    private static void assertToldToInstallJava17(Result result) {
        assertThat(result.exit()).as(result.err()).isNotZero();
        assertThat(result.err()).contains("Java 17 or newer").contains("apt-get install openjdk-17-jdk-headless")
                .doesNotContain("JAVA_HOME environment variable").doesNotContain("not found");
    }

    @Test
    void withoutJavaOnThePathItSaysWhatToInstall(@TempDir Path dir) throws Exception {
        Result result = run(toolsWithoutJava(dir), Map.of());
        assertToldToInstallJava17(result);
        assertThat(result.err()).contains("no java command on PATH");
    }

    @Test
    void aJavaHomeWithoutJavaIsNamed(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("not-a-jdk"));
        Result result = run(toolsWithoutJava(dir), Map.of("JAVA_HOME", home.toString()));
        assertToldToInstallJava17(result);
        assertThat(result.err()).contains("JAVA_HOME is " + home);
    }

    @Test
    void aJavaOlderThan17IsNamedWithItsVersion(@TempDir Path dir) throws Exception {
        Path bin = toolsWithoutJava(dir);
        // What Java 8 prints for -version, on standard error.
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"1.8.0_392\"' >&2\necho 'OpenJDK Runtime Environment' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Result result = run(bin, Map.of());
        assertToldToInstallJava17(result);
        assertThat(result.err()).contains("Java 8");
    }
}
