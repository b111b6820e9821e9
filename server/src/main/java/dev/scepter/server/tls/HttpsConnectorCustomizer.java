package dev.scepter.server.tls;

import dev.scepter.server.CoreContext;
import dev.scepter.settings.WebSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * The optional HTTPS listener ({@code AppConfig:Https:Port}), beside the plain HTTP one: OCSP,
 * CRL and SCEP must stay reachable over plain HTTP, since devices and network gear fetch them
 * before they can validate any TLS certificate. With {@code AppConfig:Https:ClientCertificateMode}
 * {@code Optional} the handshake asks for a client certificate (TLS "want", no renegotiation):
 * one that is sent must chain to our CA, and EST's mutual TLS ({@code simplereenroll}) reads it.
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
        if (core.settings().web().httpsClientCertificates() == WebSettings.ClientCertificateMode.OPTIONAL) {
            sslHostConfig.setCertificateVerification("optional");
            sslHostConfig.setTrustStore(trustStore());
        }
        connector.addSslHostConfig(sslHostConfig);
        factory.addAdditionalConnectors(connector);
    }

    /** Our CA and the chain above it: what a client certificate must chain to. */
    private KeyStore trustStore() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            int i = 0;
            for (X509CertificateHolder certificate : core.ca().chain()) {
                trust.setCertificateEntry("ca-" + i++, converter.getCertificate(certificate));
            }
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust our CA for client certificates: " + e.getMessage(), e);
        }
    }

    private static String path(Path path) {
        return path.toAbsolutePath().toString();
    }
}
