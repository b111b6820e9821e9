package dev.scepter.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A running Scepter as a test reaches it: its HTTP root, its data folder and its log. A
 * {@link ScepterProcess} started by the test is one; a {@link ScepterServerExtension} (the class's
 * server, started and stopped by JUnit) is another, so the helpers take either.
 */
public interface Scepter {

    /** The server's root, for example {@code http://127.0.0.1:41234/}. */
    URI baseUrl();

    Path dataDir();

    /** Sends {@code request}; one without a timeout of its own gets a bounded default. */
    HttpResponse<byte[]> send(HttpRequest request);

    /** Everything the server printed so far (or until it was stopped). */
    String log();

    /** A path on this server, for example {@code url("scep?operation=GetCACaps")}. */
    default URI url(String pathAndQuery) {
        return URI.create(baseUrl() + pathAndQuery.replaceFirst("^/", ""));
    }

    default HttpResponse<byte[]> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(url(pathAndQuery)).GET().build());
    }

    /** The static SCEP challenge the server wrote on first start. */
    default String staticChallenge() {
        try {
            return Files.readString(dataDir().resolve("static-challenge"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("The server wrote no static-challenge\n" + logBlock(), e);
        }
    }

    /** The CA certificate as the server publishes it on {@code /ca}. */
    default X509Certificate caCertificate() {
        HttpResponse<byte[]> response = get("ca");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /ca answered " + response.statusCode());
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(response.body()));
        } catch (CertificateException e) {
            throw new IllegalStateException("GET /ca is not a DER certificate", e);
        }
    }

    /** The CA certificate written as PEM into {@code dir}, for openssl. */
    default Path caCertificatePem(Path dir) {
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCertificate().getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return Files.writeString(dir.resolve("ca.pem"), pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA certificate written as DER into {@code dir}, for strongSwan's pki. */
    default Path caCertificateDer(Path dir) {
        try {
            return Files.write(dir.resolve("ca.der"), caCertificate().getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Prometheus text of {@code /metrics}. */
    default String metrics() {
        HttpResponse<byte[]> response = get("metrics");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** A position in the log, for {@link #logSince}. */
    default int logMark() {
        return log().length();
    }

    /** What the server printed since {@code mark}. */
    default String logSince(int mark) {
        String all = log();
        return all.substring(Math.min(mark, all.length()));
    }

    /** The log framed for a test report. */
    default String logBlock() {
        return "----- server log " + baseUrl() + " -----\n" + log() + "\n----- end of server log -----";
    }
}
