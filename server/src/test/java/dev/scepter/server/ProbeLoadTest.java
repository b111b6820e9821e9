package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.server.home.InstanceStatus;
import dev.scepter.server.scep.ScepEndpoints;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The public probe and homepage cannot make the store count its certificates once per request. */
class ProbeLoadTest {

    @Test
    void aFloodOfProbesCostsTheStoreAtMostACountASecond() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            CertificateStore real = server.core.storage().certificateStore();
            AtomicInteger counted = new AtomicInteger();
            CertificateStore counting = (CertificateStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {CertificateStore.class}, (proxy, method, arguments) -> {
                        if (method.getName().equals("count")) {
                            counted.incrementAndGet();
                        }
                        return method.invoke(real, arguments);
                    });
            InstanceStatus status = new InstanceStatus(server.core, counting, server.context.getBean(ScepEndpoints.class),
                    server.context.getBean(DirectorySelection.class), Clock.systemUTC(), new StoreHealth(Clock.systemUTC()),
                    server.context.getBean(dev.scepter.server.intune.IntuneValidation.class),
                    server.context.getBean(dev.scepter.server.home.CloudConnections.class));

            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Boolean>> probes = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                probes.add(pool.submit(status::healthy));
            }
            for (Future<Boolean> probe : probes) {
                assertThat(probe.get()).isTrue();
            }
            pool.shutdown();
            long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1;
            assertThat(counted.get()).as("store counts for 2,000 probes in about %d s", seconds).isBetween(1, (int) seconds + 1);
        }
    }
}
