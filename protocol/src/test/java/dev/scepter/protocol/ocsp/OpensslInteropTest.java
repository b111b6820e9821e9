package dev.scepter.protocol.ocsp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec against a real client: {@code openssl ocsp} writes the request, and verifies the
 * response as it would one fetched from a responder (signature, responder authorisation,
 * CertID match, nonce, thisUpdate and nextUpdate). Skipped where OpenSSL is not installed.
 */
class OpensslInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path ca;
    private Path leaf;
    private Path responder;

    @BeforeAll
    static void opensslIsInstalled() {
        boolean installed;
        try {
            installed = run(Path.of("."), List.of("openssl", "version")).exitCode == 0;
        } catch (IOException e) {
            installed = false;
        }
        // bin/test installs it: a machine without it fails here rather than skipping the interop checks.
        if (!installed) {
            throw new AssertionError("openssl is not installed (Debian package openssl; bin/test installs it)");
        }
    }

    @BeforeEach
    void certificates() throws IOException {
        ca = pem("ca.pem", OcspTestPki.CA_CERT);
        leaf = pem("leaf.pem", OcspTestPki.LEAVES.get(0));
        responder = pem("responder.pem", OcspTestPki.RESPONDER_CERT);
    }

    @Test
    void opensslsRequestIsDecodedAndItsCertIdMatchesOurCa() throws Exception {
        OcspRequest request = opensslRequest();

        assertThat(request.certificateIds()).singleElement().satisfies(id -> {
            assertThat(id.hashAlgorithm().getAlgorithm()).isEqualTo(OIWObjectIdentifiers.idSHA1);
            assertThat(id.serialNumber()).isEqualTo(OcspTestPki.LEAVES.get(0).getSerialNumber());
            assertThat(new IssuerMatcher(OcspTestPki.CA_CERT).matches(id)).isTrue();
        });
        assertThat(request.nonce()).get().satisfies(nonce -> assertThat(nonce).hasSize(16));
    }

    @Test
    void opensslsSignedRequestIsDecoded() throws Exception {
        String key = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(TestPki.CLIENT_KEYS.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(dir.resolve("leaf.key"), key, StandardCharsets.US_ASCII);

        OcspRequest request = opensslRequest("-signer", leaf.toString(), "-signkey", "leaf.key", "-sign_other", ca.toString());

        assertThat(new OCSPReq(Files.readAllBytes(dir.resolve("req.der"))).isSigned()).isTrue();
        assertThat(request.certificateIds()).singleElement()
                .satisfies(id -> assertThat(new IssuerMatcher(OcspTestPki.CA_CERT).matches(id)).isTrue());
    }

    @Test
    void opensslVerifiesAGoodAnswerSignedByTheCa() throws Exception {
        OcspRequest request = opensslRequest();
        writeResponse(OcspTestPki.caResponder(), List.of(), request, new CertStatus.Good());

        Result result = verify(List.of("-CAfile", ca.toString()));

        assertThat(result.exitCode).as(result.all()).isZero();
        assertThat(result.stderr).contains("Response verify OK");
        assertThat(result.stdout).contains(leaf + ": good").contains("Next Update:");
        assertThat(result.all()).doesNotContain("WARNING").doesNotContainIgnoringCase("error");
    }

    @Test
    void opensslVerifiesARevokedAnswerInSha256() throws Exception {
        OcspRequest request = opensslRequest("-sha256");
        assertThat(request.certificateIds().get(0).hashAlgorithm().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha256);
        writeResponse(OcspTestPki.caResponder(), List.of(), request,
                new CertStatus.Revoked(Instant.parse("2025-01-02T03:04:05.678Z"), Optional.of(1)));

        Result result = verify(List.of("-CAfile", ca.toString()), "-sha256");

        assertThat(result.exitCode).as(result.all()).isZero();
        assertThat(result.stderr).contains("Response verify OK");
        assertThat(result.stdout).contains(leaf + ": revoked").contains("Reason: keyCompromise")
                .contains("Revocation Time: Jan  2 03:04:05 2025 GMT");
        assertThat(result.all()).doesNotContain("WARNING").doesNotContainIgnoringCase("error");
    }

    @Test
    void opensslVerifiesTheDelegatedResponderThroughTheCa() throws Exception {
        OcspRequest request = opensslRequest();
        writeResponse(OcspTestPki.delegatedResponder(), List.of(OcspTestPki.RESPONDER_CERT), request,
                new CertStatus.Revoked(Instant.now(), Optional.of(CertStatus.Revoked.CERTIFICATE_HOLD)));

        Result result = verify(List.of("-CAfile", ca.toString()));

        assertThat(result.exitCode).as(result.all()).isZero();
        assertThat(result.stderr).contains("Response verify OK");
        assertThat(result.stdout).contains(leaf + ": revoked").contains("Reason: certificateHold");
        assertThat(result.all()).doesNotContain("WARNING").doesNotContainIgnoringCase("error");
    }

    @Test
    void opensslVerifiesTheDelegatedResponderGivenAsVaFile() throws Exception {
        OcspRequest request = opensslRequest();
        writeResponse(OcspTestPki.delegatedResponder(), List.of(OcspTestPki.RESPONDER_CERT), request, new CertStatus.Unknown());

        Result result = verify(List.of("-VAfile", responder.toString()));

        assertThat(result.exitCode).as(result.all()).isZero();
        assertThat(result.stderr).contains("Response verify OK");
        assertThat(result.stdout).contains(leaf + ": unknown");
    }

    @Test
    void withoutNonceOpensslAcceptsTheResponse() throws Exception {
        OcspRequest request = opensslRequest("-no_nonce");
        assertThat(request.nonce()).isEmpty();
        writeResponse(OcspTestPki.caResponder(), List.of(), request, new CertStatus.Good());

        Result result = verify(List.of("-CAfile", ca.toString()));

        assertThat(result.exitCode).as(result.all()).isZero();
        assertThat(result.stderr).contains("Response verify OK");
        assertThat(result.stdout).contains(leaf + ": good");
    }

    @Test
    void opensslNoticesAWrongNonce() throws Exception {
        OcspRequest request = opensslRequest();
        OcspRequest otherNonce = new OcspRequest(request.certificateIds(), Optional.of(new byte[16]));
        writeResponse(OcspTestPki.caResponder(), List.of(), otherNonce, new CertStatus.Good());

        Result result = verify(List.of("-CAfile", ca.toString()));

        assertThat(result.all()).containsIgnoringCase("nonce verify error");
    }

    @Test
    void opensslReadsTheErrorStatuses() throws Exception {
        opensslRequest();
        Files.write(dir.resolve("resp.der"), OcspResponseEncoder.unauthorized());

        Result result = verify(List.of("-CAfile", ca.toString()));

        assertThat(result.all()).contains("unauthorized (6)");
    }

    @Test
    void opensslPrintsTheResponseWithoutFractionalSeconds() throws Exception {
        OcspRequest request = opensslRequest();
        writeResponse(OcspTestPki.caResponder(), List.of(), request, new CertStatus.Good());

        Result result = run(dir, List.of("openssl", "ocsp", "-respin", "resp.der", "-resp_text", "-noverify"));

        assertThat(result.stdout).contains("Responder Id: ")
                .contains("Response Type: Basic OCSP Response")
                .contains("Hash Algorithm: sha1");
        assertThat(result.stdout).doesNotContainPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d");
    }

    private OcspRequest opensslRequest(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "ocsp"));
        command.addAll(List.of(options));
        command.addAll(List.of("-issuer", ca.toString(), "-cert", leaf.toString(), "-reqout", "req.der"));
        Result result = run(dir, command);
        assertThat(result.exitCode).as(result.all()).isZero();
        return OcspRequestDecoder.decode(Files.readAllBytes(dir.resolve("req.der")));
    }

    private void writeResponse(CmsSigner signer, List<X509CertificateHolder> include, OcspRequest request, CertStatus status)
            throws IOException {
        Instant now = Instant.now();
        byte[] response = new OcspResponseEncoder(signer, include).successful(
                List.of(new SingleAnswer(request.certificateIds().get(0), status, now, Optional.of(now.plusSeconds(600)))),
                request.nonce(), now);
        Files.write(dir.resolve("resp.der"), response);
    }

    /**
     * What a client does with a fetched response, in two runs: OpenSSL checks the nonce against
     * the request it reads with {@code -reqin}, but prints statuses only for the certificates
     * named with {@code -cert}, and with {@code -cert} it builds a request of its own instead of
     * reading one. Both runs verify the signature and the responder's authority; {@code -issuer}
     * also hands OpenSSL the CA certificate a CA-signed response does not carry.
     *
     * @param trust {@code -CAfile} or {@code -VAfile} and its file
     * @param certIdOptions options for the CertID of the status run, such as {@code -sha256}
     */
    private Result verify(List<String> trust, String... certIdOptions) throws Exception {
        List<String> nonceCheck = new ArrayList<>(List.of("openssl", "ocsp", "-reqin", "req.der", "-respin", "resp.der",
                "-issuer", ca.toString()));
        nonceCheck.addAll(trust);
        Result nonce = run(dir, nonceCheck);
        List<String> statusCheck = new ArrayList<>(List.of("openssl", "ocsp", "-respin", "resp.der", "-no_nonce"));
        statusCheck.addAll(trust);
        statusCheck.addAll(List.of(certIdOptions));
        statusCheck.addAll(List.of("-issuer", ca.toString(), "-cert", leaf.toString()));
        Result status = run(dir, statusCheck);
        return new Result(Math.max(nonce.exitCode, status.exitCode), nonce.stdout + status.stdout, nonce.stderr + status.stderr);
    }

    private Path pem(String name, X509CertificateHolder certificate) throws IOException {
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(dir.resolve(name), pem, StandardCharsets.US_ASCII);
    }

    private record Result(int exitCode, String stdout, String stderr) {
        String all() {
            return "exit " + exitCode + "\n" + stdout + "\n" + stderr;
        }
    }

    private static Result run(Path directory, List<String> command) throws IOException {
        Path out = Files.createTempFile("openssl", ".out");
        Path err = Files.createTempFile("openssl", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not finish in " + TIMEOUT);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError(command + " was interrupted", e);
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
