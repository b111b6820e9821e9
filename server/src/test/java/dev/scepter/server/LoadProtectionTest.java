package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@code AppConfig:ConcurrentSCEPRequestLimit}: a burst beyond the limit is shed with 429 and
 * Retry-After, and nothing is lost: every request gets its certificate or a clean 429, and every
 * certificate handed out is recorded. Bounded: 32 requests, one burst, a 60-second cap.
 */
class LoadProtectionTest {

    private static final int REQUESTS = 32;

    @Test
    void aBurstBeyondTheLimitIsShedWith429AndEveryAcceptedRequestGetsARecordedCertificate() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:ConcurrentSCEPRequestLimit", "2",
                "AppConfig:StaticValidation:RequestPassword", TestPki.CHALLENGE))) {
            List<byte[]> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                KeyPair keys = TestPki.rsa();
                byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=burst-" + i), keys.getPublic())
                        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(TestPki.CHALLENGE))
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
                requests.add(ScepRequestBuilder.pkcsReq().signer(keys, TestPki.selfSigned("CN=burst-" + i, keys, false))
                        .recipient(server.core.ca().certificate()).messageData(csr).transactionId("burst-" + i).build());
            }
            long before = server.core.storage().certificateStore().count();
            List<String> shedLines = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.logging.Handler capture = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord record) {
                    String line = new java.util.logging.SimpleFormatter().formatMessage(record);
                    if (line.contains("AppConfig:ConcurrentSCEPRequestLimit")) {
                        shedLines.add(line);
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            java.util.logging.Logger.getLogger("").addHandler(capture);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
            List<Future<HttpResponse<byte[]>>> responses = new ArrayList<>();
            try {
                for (byte[] request : requests) {
                    responses.add(clients.submit(() -> {
                        start.await();
                        return server.post("/scep?operation=PKIOperation", "application/x-pki-message", request);
                    }));
                }
                start.countDown();
                int issued = 0;
                int shed = 0;
                for (Future<HttpResponse<byte[]>> future : responses) {
                    HttpResponse<byte[]> response = future.get(60, TimeUnit.SECONDS);
                    if (response.statusCode() == 429) {
                        assertThat(response.headers().firstValue("Retry-After")).isPresent();
                        shed++;
                    } else {
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(PkiMessageDecoder.decode(response.body()).pkiStatus()).contains(PkiStatus.SUCCESS);
                        issued++;
                    }
                }
                assertThat(issued + shed).isEqualTo(REQUESTS);
                assertThat(shed).as("a burst of %d against a limit of 2 is shed in part", REQUESTS).isPositive();
                assertThat(issued).isPositive();
                assertThat(server.core.storage().certificateStore().count() - before).as("every certificate handed out is recorded")
                        .isEqualTo(issued);
                assertThat(server.text("/metrics")).contains("outcome=\"throttled\"");
                // Issue 10: a 429 is logged once per client, route and interval, not once per request (nor never).
                assertThat(shedLines).as("log lines for %d requests shed from one client on one route", shed).hasSize(1);
                assertThat(shedLines.get(0)).contains("127.0.0.1", "/scep", "429");
            } finally {
                java.util.logging.Logger.getLogger("").removeHandler(capture);
                clients.shutdownNow();
                clients.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

}
