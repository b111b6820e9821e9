package dev.scepter.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * What Tomcat alone costs a cached OCSP GET: the Tomcat that Scepter embeds, one servlet at
 * {@code /ocsp/*} answering every GET with the same bytes and the headers that Scepter's OCSP
 * servlet sends (Cache-Control, ETag, Last-Modified, Expires), and nothing else: no decoding, no
 * cache, no filters, no Spring. Measured beside Scepter and nginx (docs/performance.md,
 * "Keep-alive: Tomcat alone against Scepter"), it splits Scepter's distance from nginx into the
 * HTTP stack's share and Scepter's own. A diagnostic run by hand, not a peer of the harness.
 *
 * <p>Options: {@code --port}, {@code --response} (the file to send), and
 * {@code --max-keep-alive-requests} (Tomcat's default, 100, unless given; nginx's is 1,000).
 */
final class TomcatFloor {

    private TomcatFloor() {
    }

    static void run(Options options) throws Exception {
        byte[] response = Files.readAllBytes(Path.of(options.get("response")));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-floor").toString());
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setPort(Integer.parseInt(options.get("port")));
        connector.setProperty("address", "127.0.0.1");
        // As Scepter's connector (TomcatCustomizer): GET paths carry base64, whose '/' clients send as %2F.
        connector.setEncodedSolidusHandling("passthrough");
        connector.setProperty("maxKeepAliveRequests", options.get("max-keep-alive-requests", "100"));
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "ocsp", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse reply) throws IOException {
                long now = System.currentTimeMillis();
                reply.setHeader("Cache-Control", "max-age=590, must-revalidate, no-transform, public");
                // As long as Scepter's (a SHA-1 in hex, quoted); its value does not matter here.
                reply.setHeader("ETag", "\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"");
                reply.setDateHeader("Last-Modified", now);
                reply.setDateHeader("Expires", now + 600_000);
                reply.setContentType("application/ocsp-response");
                reply.setContentLength(response.length);
                reply.getOutputStream().write(response);
            }
        });
        context.addServletMappingDecoded("/ocsp/*", "ocsp");
        tomcat.start();
        System.out.println("Tomcat floor ready: http://127.0.0.1:" + connector.getLocalPort() + "/ocsp/");
        tomcat.getServer().await();
    }
}
