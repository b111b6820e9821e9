package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image that {@code -Dscepter.image} builds (docs/operations.md, "Running in a container"), run by a real container
 * engine, Debian's podman: it starts as a non-root user on a fresh volume, its health check asks
 * {@code /probe}, and micromdm's scepclient enrolls against it from outside the container.
 *
 * <p>bin/test builds the image and sets {@code scepter.image}, so in the suite this test always runs;
 * a plain {@code ./mvnw verify} builds no image and skips it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerImageTest {

    private static final Duration START = Duration.ofMinutes(4);

    private final String tag = "localhost/scepter-test:" + UUID.randomUUID().toString().substring(0, 8);
    private final String volume = "scepter-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String container = "scepter-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String[]> cleanup = new ArrayList<>();
    private Path work;
    private int port;

    @BeforeAll
    void loadAndRun(@TempDir Path work) throws Exception {
        assumeTrue(Boolean.parseBoolean(System.getProperty("scepter.image.required", "false")),
                "no container image in this build: bin/test builds it with -Dscepter.image");
        this.work = work;
        Path tar = Path.of(System.getProperty("scepter.image.tar"));
        assertThat(tar).as("the image that -Dscepter.image builds").exists();
        String loaded = podman(Duration.ofMinutes(3), "load", "-q", "-i", tar.toString()).stdout();
        assertThat(loaded).contains("localhost/scepter:latest");
        podman(Duration.ofSeconds(30), "tag", "localhost/scepter:latest", tag);
        cleanup.add(new String[] {"rmi", "-f", tag});

        port = freePort();
        podman(Duration.ofSeconds(30), "volume", "create", volume);
        cleanup.add(0, new String[] {"volume", "rm", "-f", volume});
        // runc and explicit limits: this machine's hybrid cgroups defeat crun, and its sandbox refuses
        // podman's default limits (more open files than the host allows). Neither is the image's concern.
        podman(Duration.ofMinutes(2), "run", "-d", "--runtime", "runc", "--name", container,
                "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
                "-p", "127.0.0.1:" + port + ":8080", "-v", volume + ":/data", tag);
        cleanup.add(0, new String[] {"rm", "-f", "-t", "5", container});
        awaitProbe();
    }

    @AfterAll
    void removeEverything() {
        if (work == null) {
            return;
        }
        for (String[] args : cleanup) {
            String[] command = new String[args.length + 1];
            command[0] = "podman";
            System.arraycopy(args, 0, command, 1, args.length);
            Command.run(work, Duration.ofMinutes(1), command);
        }
    }

    @Test
    void imageIsConfiguredToRunServeAsANonRootUserWithItsDataOnAVolume() {
        String config = podman(Duration.ofSeconds(30), "image", "inspect", "--format",
                "user={{.Config.User}} volumes={{.Config.Volumes}} ports={{.Config.ExposedPorts}} cmd={{.Config.Cmd}} "
                        + "entrypoint={{.Config.Entrypoint}} "
                        + "health={{json .HealthCheck}}", tag).stdout().strip();
        assertThat(config)
                .contains("user=10001:10001")
                .contains("volumes=map[/data:{}]")
                .contains("ports=map[8080/tcp:{}]")
                .contains("cmd=[serve --data-dir /data --port 8080]")
                .containsPattern("entrypoint=\\[java [^]]*-XX:\\+ExitOnOutOfMemoryError")
                .contains("ScepterCommand\",\"probe\"]");
    }

    @Test
    void serveRunsAsTheImagesOwnUserAndKeepsTheDataFolderToItself() throws IOException {
        String processes = podman(Duration.ofSeconds(30), "top", container, "huser", "args").stdout();
        assertThat(processes).contains("10001").contains("serve --data-dir /data").doesNotContain("root ");

        Path data = Path.of(podman(Duration.ofSeconds(30), "volume", "inspect", "--format", "{{.Mountpoint}}", volume)
                .stdout().strip());
        assertThat(Files.getAttribute(data, "unix:uid")).isEqualTo(10001);
        assertThat(Files.getAttribute(data, "unix:mode")).isEqualTo(040700);
        assertThat(Files.getAttribute(data.resolve("ca.p12"), "unix:uid")).isEqualTo(10001);
        assertThat(Files.getAttribute(data.resolve("ca.p12"), "unix:mode")).isEqualTo(0100600);
    }

    @Test
    void healthCheckAsksTheProbe() {
        Command.Result health = podman(Duration.ofMinutes(1), "healthcheck", "run", container);
        assertThat(health.exitCode()).as(health.toString()).isZero();
        assertThat(podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Health.Status}}", container)
                .stdout().strip()).isEqualTo("healthy");
    }

    @Test
    void scepclientEnrollsAgainstTheContainer() throws IOException {
        Path data = Path.of(podman(Duration.ofSeconds(30), "volume", "inspect", "--format", "{{.Mountpoint}}", volume)
                .stdout().strip());
        String challenge = Files.readString(data.resolve("static-challenge"), StandardCharsets.UTF_8).strip();
        Path client = Files.createDirectories(work.resolve("client"));

        Command.Result enroll = Scepclient.enroll(client, URI.create("http://127.0.0.1:" + port + "/scep"), challenge,
                "container-device");

        assertThat(enroll.exitCode()).as(enroll.toString()).isZero();
        assertThat(Openssl.subject(client, Scepclient.certificate(client))).contains("container-device");
    }

    private void awaitProbe() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = URI.create("http://127.0.0.1:" + port + "/probe");
        Instant deadline = Instant.now().plus(START);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the container did not answer /probe with 200 within " + START + " (last: " + last
                + ")\n" + podman(Duration.ofSeconds(30), "logs", container).output());
    }

    private Command.Result podman(Duration timeout, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "podman";
        System.arraycopy(args, 0, command, 1, args.length);
        Command.Result result = Command.run(work, timeout, command);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
