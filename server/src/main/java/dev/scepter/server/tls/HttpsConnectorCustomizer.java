package dev.scepter.server.tls;

import dev.scepter.server.CoreContext;
import java.nio.file.Path;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * The optional HTTPS listener ({@code AppConfig:Https:Port}), beside the plain HTTP one: OCSP,
 * CRL and SCEP must stay reachable over plain HTTP, since devices and network gear fetch them
 * before they can validate any TLS certificate.
 */
@Component
public final class HttpsConnectorCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private final CoreContext core;
    private final ServerCertificates serverCertificates;

    public HttpsConnectorCustomizer(CoreContext core, ServerCertificates serverCertificates) {
        this.core = core;
        this.serverCertificates = serverCertificates;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        if (core.settings().web().httpsPort().isEmpty()) {
            return;
        }
        ServerCertificates.KeyStoreFile keyStore = serverCertificates.keyStore();
        Connector connector = new Connector(Http11NioProtocol.class.getName());
        connector.setPort(core.settings().web().httpsPort().get());
        connector.setScheme("https");
        connector.setSecure(true);
        connector.setProperty("address", core.host());
        connector.setEncodedSolidusHandling("passthrough");
        Http11NioProtocol protocol = (Http11NioProtocol) connector.getProtocolHandler();
        protocol.setSSLEnabled(true);
        SSLHostConfig sslHostConfig = new SSLHostConfig();
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(sslHostConfig, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setCertificateKeystoreFile(path(keyStore.path()));
        certificate.setCertificateKeystorePassword(keyStore.password());
        certificate.setCertificateKeystoreType("PKCS12");
        sslHostConfig.addCertificate(certificate);
        connector.addSslHostConfig(sslHostConfig);
        factory.addAdditionalConnectors(connector);
    }

    private static String path(Path path) {
        return path.toAbsolutePath().toString();
    }
}
