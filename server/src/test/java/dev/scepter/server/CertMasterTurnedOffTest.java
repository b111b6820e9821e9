package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.server.certmaster.CertMasterBesideTheCore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code AppConfig:CertMaster:Enabled=false}: the core serves, its port has no portal, though certmaster-client.json exists. */
class CertMasterTurnedOffTest {

    @Test
    void theCoreServesWithoutThePortal() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:CertMaster:Enabled", "false"))) {
            assertThat(server.dataDir.resolve("certmaster-client.json")).exists();
            assertThat(server.context.getBean(CertMasterBesideTheCore.class).willServe()).isFalse();
            // Long enough for a portal that was started anyway to answer (it starts in well under this beside the simulators).
            Thread.sleep(3_000);
            assertThat(server.get("/certmaster/signin").statusCode()).isEqualTo(404);
            assertThat(server.get("/probe").statusCode()).isEqualTo(200);
        }
    }
}
