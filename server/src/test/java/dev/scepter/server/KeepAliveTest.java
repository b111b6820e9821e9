package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/** How long a relying party may keep one connection (ScepterServer's defaults): Tomcat's own default would close it at the 100th answer. */
class KeepAliveTest {

    @Test
    void oneConnectionServesAThousandOcspAnswersBeforeItIsClosed() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of());
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.core.port())) {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    server.core.ca().certificate(), server.core.ca().certificate().getSerialNumber());
            String path = "/ocsp/" + URLEncoder.encode(
                    Base64.getEncoder().encodeToString(new OCSPReqBuilder().addRequest(id).build().getEncoded()), StandardCharsets.US_ASCII);
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 1; i <= 1000; i++) {
                out.write(request);
                out.flush();
                RawHttp.Response response = RawHttp.read(in);
                assertThat(response.status()).as("answer %d", i).isEqualTo(200);
                assertThat(new OCSPResp(response.body()).getStatus()).as("answer %d", i).isEqualTo(OCSPResp.SUCCESSFUL);
                // Tomcat says it will close the connection on the last answer it serves on it, and only then.
                assertThat(response.header("Connection")).as("answer %d", i).isEqualTo(i < 1000 ? null : "close");
            }
            // Well within the 10 s idle timeout, which would close the connection too.
            socket.setSoTimeout(2_000);
            assertThat(in.read()).as("the connection after its 1,000th answer").isEqualTo(-1);
        }
    }
}
