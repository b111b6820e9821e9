package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stopped core leaves no Tomcat folder behind in the temporary folder (one a restart would add to). */
class TomcatBaseFolderTest {

    @Test
    void tomcatsBaseFolderIsPrivateWhileTheCoreRunsAndGoneWhenItStops() throws Exception {
        Path base;
        try (RunningServer server = RunningServer.start(Map.of())) {
            base = server.tomcatBase().toPath();
            assertThat(base.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toRealPath());
            assertThat(base.getFileName().toString()).startsWith("scepter-tomcat.");
            assertThat(Files.getPosixFilePermissions(base)).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                    java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
            // Tomcat has written into it, which is what kept Spring Boot's folder from the JVM's delete-on-exit.
            assertThat(base.resolve("work")).isDirectory();
        }
        assertThat(base).doesNotExist();
    }
}
