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
 * or bash's "java: not found"; and the memory defaults it gives the JVM, which the user's
 * {@code SCEPTER_JAVA_OPTS} replace family by family instead of colliding with them.
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

    /**
     * The launcher with this JVM and the built jar; {@code -XX:+PrintCommandLineFlags} makes the JVM
     * print the flags it really runs with, on standard output.
     */
    private static Result runWithJava(String javaOpts, StringBuilder out) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/scepter").toString(), "--version").directory(ROOT.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SCEPTER_JAVA_OPTS", javaOpts + " -XX:+PrintCommandLineFlags");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process process = builder.start();
        process.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> stdout = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        out.append(stdout.get(10, TimeUnit.SECONDS));
        return new Result(process.exitValue(), err);
    }

    @Test
    void theMemoryDefaultsAreTheSerialCollectorAndAHeapOfAtMost512MiB() throws Exception {
        StringBuilder out = new StringBuilder();
        Result result = runWithJava("", out);
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(out.toString()).contains("-XX:+UseSerialGC").contains("-XX:MaxHeapSize=536870912")
                .contains("-XX:InitialHeapSize=33554432").contains("-XX:+ExitOnOutOfMemoryError").contains("Scepter ");
    }

    @Test
    void anotherCollectorAndHeapInScepterJavaOptsReplaceTheDefaults() throws Exception {
        StringBuilder out = new StringBuilder();
        Result result = runWithJava("-XX:+UseG1GC -Xmx1g", out);
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.err()).doesNotContain("Multiple garbage collectors");
        assertThat(out.toString()).contains("-XX:+UseG1GC").contains("-XX:MaxHeapSize=1073741824")
                .doesNotContain("UseSerialGC").contains("Scepter ");
    }

    @Test
    void aHeapCapUnder32MiBAShareOfMemoryOrAStartSizeOver512MiBIsNotContradictedByTheDefaults() throws Exception {
        StringBuilder small = new StringBuilder();
        Result result = runWithJava("-Xmx16m", small);
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(small.toString()).contains("-XX:MaxHeapSize=16777216").doesNotContain("InitialHeapSize=33554432");

        StringBuilder share = new StringBuilder();
        result = runWithJava("-XX:MaxRAMPercentage=75", share);
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(share.toString()).contains("-XX:MaxRAMPercentage=75").doesNotContain("MaxHeapSize=536870912");

        StringBuilder large = new StringBuilder();
        result = runWithJava("-Xms1g", large);
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(large.toString()).contains("-XX:InitialHeapSize=1073741824").doesNotContain("MaxHeapSize=536870912");
    }
}
