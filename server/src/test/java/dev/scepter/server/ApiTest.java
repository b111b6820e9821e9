package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The API's authorisation and error contract, as a table of {method, path, token, status}. */
class ApiTest {

    private static RunningServer server;
    private static final Map<String, String> TOKENS = new java.util.HashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        ApiTokens tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom());
        TOKENS.put("directory", tokens.create("test", "directory", Set.of(ApiRole.DIRECTORY_MANAGE), Optional.empty()).value());
        TOKENS.put("manage", tokens.create("test", "manage", Set.of(ApiRole.MANAGE_ALL), Optional.empty()).value());
        TOKENS.put("csr", tokens.create("test", "csr", Set.of(ApiRole.CSR_REQUEST), Optional.empty()).value());
        TOKENS.put("csr-db", tokens.create("test", "csr-db", Set.of(ApiRole.CSR_REQUEST_DB), Optional.empty()).value());
        TOKENS.put("forged", "sct_" + "A".repeat(43));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (!"none".equals(token)) {
            request.header("Authorization", "Bearer " + TOKENS.get(token));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0} {1} with {2} token -> {3}")
    @CsvSource({
        "GET,   /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f, none,      401",
        "GET,   /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f, forged,    401",
        "GET,   /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f, manage,    403",
        "GET,   /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f, csr,       403",
        "GET,   /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f, directory, 404",
        "GET,   /api/directory/devices/not-a-guid,                            directory, 400",
        "GET,   /api/directory/printers/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f, directory, 404",
        "GET,   /api/manage/audit,                                            none,      401",
        "GET,   /api/manage/audit,                                            directory, 403",
        "GET,   /api/manage/audit,                                            manage,    200",
        "GET,   /api/manage/search?certValidity=Active,                       manage,    200",
        "GET,   /api/manage/search?certValidity=Sometimes,                    manage,    400",
        "GET,   /api/manage/search?pageSize=0,                                manage,    400",
        "GET,   /api/manage/search?continuationToken=garbage,                 manage,    400",
        "PATCH, /api/manage/revoke/ABCDEF,                                    csr,       403",
        "PATCH, /api/manage/revoke/NOT-HEX,                                   manage,    400",
    })
    void authorisationAndInputAreCheckedBeforeAnythingHappens(String method, String path, String token, int status) throws Exception {
        HttpResponse<String> response = call(method, path, token, "PATCH".equals(method) ? "{\"revocationReason\": 1}" : null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (status >= 400) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(response.body()).contains("\"errorMessage\"").doesNotContain("Exception").doesNotContain("dev.scepter");
        }
        if (status == 401) {
            // RFC 6750 section 3: a bare challenge without a token, invalid_token for one that was refused.
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .contains("none".equals(token) ? "Bearer" : "Bearer error=\"invalid_token\"");
        }
    }

    @Test
    void aDeviceIsCreatedUpdatedReadAndDeletedAndEachChangeIsAudited() throws Exception {
        String path = "/api/directory/devices/" + UUID.randomUUID();
        assertThat(call("PUT", path, "directory", "{\"enabled\": true, \"name\": \"laptop\"}").statusCode()).isEqualTo(201);
        assertThat(call("PUT", path, "directory", "{\"enabled\": false}").statusCode()).isEqualTo(200);
        HttpResponse<String> read = call("GET", path, "directory", null);
        assertThat(read.body()).contains("\"enabled\":false");
        assertThat(call("DELETE", path, "directory", null).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", path, "directory", null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/manage/audit?limit=10", "manage", null).body())
                .contains("directory.devices.put", "directory.devices.delete", "\"actor\":\"directory\"");
    }

    /** docs/api.md: a device's "owner" (a user's object id) is kept, shown, audited and cleared by a PUT without it; users have none. */
    @Test
    void aDeviceHasAnOptionalOwnerAndAUserNone() throws Exception {
        String path = "/api/directory/devices/" + UUID.randomUUID();
        UUID owner = UUID.randomUUID();
        HttpResponse<String> created = call("PUT", path, "directory", "{\"enabled\": true, \"owner\": \"" + owner + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"owner\":\"" + owner + "\"");
        assertThat(call("GET", path, "directory", null).body()).contains("\"owner\":\"" + owner + "\"");
        assertThat(call("GET", "/api/manage/audit?limit=10", "manage", null).body()).contains("owner=" + owner);

        HttpResponse<String> notAGuid = call("PUT", path, "directory", "{\"enabled\": true, \"owner\": \"alice@example.com\"}");
        assertThat(notAGuid.statusCode()).isEqualTo(400);
        assertThat(notAGuid.body()).contains("\\\"owner\\\" must be a user's object id");
        assertThat(call("GET", path, "directory", null).body()).as("nothing changed").contains("\"owner\":\"" + owner + "\"");

        assertThat(call("PUT", path, "directory", "{\"enabled\": true}").statusCode()).isEqualTo(200);
        assertThat(call("GET", path, "directory", null).body()).as("a PUT without it clears it").doesNotContain("owner");
        assertThat(call("GET", "/api/manage/audit?limit=10", "manage", null).body()).as("the removal is audited, with the owner removed")
                .contains(path.substring(path.lastIndexOf('/') + 1) + " enabled=true owner=none (was " + owner + ")");

        HttpResponse<String> user = call("PUT", "/api/directory/users/" + UUID.randomUUID(), "directory",
                "{\"enabled\": true, \"userPrincipalName\": \"owner-test@example.com\", \"owner\": \"" + owner + "\"}");
        assertThat(user.statusCode()).isEqualTo(400);
        assertThat(user.body()).contains("Only a device has an");
    }

    @Test
    void aUserNeedsItsPrincipalNameAndABodyMustBeJson() throws Exception {
        String path = "/api/directory/users/" + UUID.randomUUID();
        assertThat(call("PUT", path, "directory", "{\"enabled\": true}").statusCode()).isEqualTo(400);
        HttpResponse<String> broken = call("PUT", path, "directory", "{\"enabled\": tru");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).doesNotContain("Exception").doesNotContain("tools.jackson");
        assertThat(call("PUT", path, "directory", "{\"enabled\": true, \"userPrincipalName\": \"a@example.com\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> taken = call("PUT", "/api/directory/users/" + UUID.randomUUID(), "directory",
                "{\"enabled\": true, \"userPrincipalName\": \"A@example.com\"}");
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
    }

    @Test
    void onlyACallerWithCsrRequestMayNameThePersonItIssuesForAndTheCoreRecordsAndAuditsThem() throws Exception {
        HttpResponse<byte[]> issued = postCsr("csr", csr(2048), "?requester=alice%40example.com");
        assertThat(issued.statusCode()).isEqualTo(200);
        java.math.BigInteger serial = new org.bouncycastle.cert.X509CertificateHolder(issued.body()).getSerialNumber();
        String hex = serial.toString(16).toUpperCase(java.util.Locale.ROOT);
        String found = call("GET", "/api/manage/search?searchText=" + hex, "manage", null).body();
        assertThat(found).contains("\"requester\":\"alice@example.com through API user csr\"");
        assertThat(call("GET", "/api/manage/audit", "manage", null).body()).contains("alice@example.com through API user csr");

        int before = call("GET", "/api/manage/search?pageSize=1000", "manage", null).body().split("serialNumber", -1).length;
        HttpResponse<byte[]> notTrusted = postCsr("csr-db", csr(2048), "?requester=alice%40example.com");
        assertThat(notTrusted.statusCode()).isEqualTo(403);
        assertThat(new String(notTrusted.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("Only a caller with the role CSR.Request");
        HttpResponse<byte[]> twoLines = postCsr("csr", csr(2048), "?requester=alice%0Aadmin");
        assertThat(twoLines.statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/manage/search?pageSize=1000", "manage", null).body().split("serialNumber", -1)).hasSize(before);
        // Without a name, a CSR.Request.Db client issues as itself.
        assertThat(postCsr("csr-db", csr(2048)).statusCode()).isEqualTo(200);
    }

    @Test
    void theKindItsLifetimeAndTheRequesterGoTogetherAsCertificateMasterSendsThem() throws Exception {
        HttpResponse<byte[]> issued = postCsr("csr", csr(2048), "?kind=Client&validityDays=30&requester=carol%40example.com");
        assertThat(issued.statusCode()).as(new String(issued.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(200);
        org.bouncycastle.cert.X509CertificateHolder certificate = new org.bouncycastle.cert.X509CertificateHolder(issued.body());
        // The kind's rules decided the usage and the lifetime asked for ...
        assertThat(org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(certificate.getExtensions()).getUsages())
                .containsExactly(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth);
        long days = java.time.Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()).toDays();
        assertThat(days).isBetween(29L, 31L);
        // ... and the core recorded the person, not only its caller.
        String hex = certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        assertThat(call("GET", "/api/manage/search?searchText=" + hex, "manage", null).body())
                .contains("\"requester\":\"carol@example.com through API user csr\"");
        // A CSR.Request.Db client may ask for a kind, but not name a person with it.
        assertThat(postCsr("csr-db", csr(2048), "?kind=Client&validityDays=30&requester=carol%40example.com").statusCode()).isEqualTo(403);
        // A requester with a bidirectional override, or one that reads as another actor: 400.
        assertThat(postCsr("csr", csr(2048), "?kind=Client&validityDays=30&requester=carol%E2%80%AEmoc.elpmaxe").statusCode()).isEqualTo(400);
        assertThat(postCsr("csr", csr(2048), "?kind=Client&validityDays=30&requester=carol+through+API+user+admin").statusCode())
                .isEqualTo(400);
    }

    @Test
    void thePortalReportsSignInsToTheTrailAndNoOtherCallerMay() throws Exception {
        String signIn = "{\"user\":\"bob@example.com\",\"method\":\"oidc\",\"address\":\"192.0.2.7\",\"succeeded\":false,"
                + "\"reason\":\"invalid_id_token\"}";
        assertThat(call("POST", "/api/manage/audit/sign-in", "csr", signIn).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/manage/audit", "manage", null).body())
                .contains("\"actor\":\"attempted name \\\"bob@example.com\\\" through API user csr\",\"action\":\"certmaster.sign-in\","
                        + "\"target\":\"oidc from 192.0.2.7: invalid_id_token\",\"outcome\":\"refused\"");
        assertThat(call("POST", "/api/manage/audit/sign-in", "manage", signIn).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/manage/audit/sign-in", "csr-db", signIn).statusCode()).isEqualTo(403);
        HttpResponse<String> badMethod = call("POST", "/api/manage/audit/sign-in", "csr", signIn.replace("oidc", "magic"));
        assertThat(badMethod.statusCode()).isEqualTo(400);
        assertThat(badMethod.body()).contains("method must be password or oidc");
        assertThat(call("POST", "/api/manage/audit/sign-in", "csr", signIn.replace("bob@example.com", "bob\\nadmin")).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/manage/audit/sign-in", "csr", "{\"user\":\"bob\"}").statusCode()).isEqualTo(400);
        // A name that could read as another actor or hide what it is: refused, as for a CSR's requester.
        for (String name : new String[] {"eve\\u202Eliam", "eve\\u0085", "eve\\u200B", "alice through API user certmaster"}) {
            assertThat(call("POST", "/api/manage/audit/sign-in", "csr", signIn.replace("bob@example.com", name)).statusCode()).as(name)
                    .isEqualTo(400);
        }
        // A successful sign-in names the person plainly.
        assertThat(call("POST", "/api/manage/audit/sign-in", "csr", signIn.replace("false", "true")).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/manage/audit", "manage", null).body())
                .contains("\"actor\":\"bob@example.com through API user csr\",\"action\":\"certmaster.sign-in\"");
        // A flood of refusals is cut off: at most 60 a minute per caller reach the trail.
        int tooMany = 0;
        for (int i = 0; i < 130 && tooMany == 0; i++) {
            HttpResponse<String> answer = call("POST", "/api/manage/audit/sign-in", "csr", signIn.replace("bob@example.com", "flood" + i));
            assertThat(answer.statusCode()).isIn(204, 429);
            tooMany += answer.statusCode() == 429 ? 1 : 0;
        }
        assertThat(tooMany).as("a 429 once 60 refusals were taken this minute").isEqualTo(1);
    }

    private HttpResponse<byte[]> postCsr(String token, byte[] body) throws Exception {
        return postCsr(token, body, "");
    }

    private HttpResponse<byte[]> postCsr(String token, byte[] body, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url("/api/csr" + query)).header("Content-Type", "application/pkcs10")
                .header("Authorization", "Bearer " + TOKENS.get(token)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aCsrWhoseKeyFailsTheBaselineKeyChecksIsA400Problem() throws Exception {
        // Each key signs its CSR validly and BouncyCastle loads it; Baseline Requirements 6.1.6 refuses it.
        java.util.Random random = new java.util.Random(616);
        java.math.BigInteger large = java.math.BigInteger.probablePrime(2038, random);
        java.math.BigInteger f4 = java.math.BigInteger.valueOf(65537);
        HttpResponse<byte[]> smallFactor = postCsr("csr", csr(large.multiply(java.math.BigInteger.valueOf(751)), f4,
                java.math.BigInteger.valueOf(750).multiply(large.subtract(java.math.BigInteger.ONE))));
        assertThat(smallFactor.statusCode()).isEqualTo(400);
        assertThat(smallFactor.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(new String(smallFactor.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("prime factor smaller than 752");
        // A prime modulus: its private exponent is e^-1 mod (n - 1), for anyone. ACCP and the JDK verify its signature.
        java.math.BigInteger prime = java.math.BigInteger.probablePrime(2048, random);
        HttpResponse<byte[]> primeModulus = postCsr("csr", csr(prime, f4, prime.subtract(java.math.BigInteger.ONE)));
        assertThat(primeModulus.statusCode()).isEqualTo(400);
        assertThat(new String(primeModulus.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("a prime or the power of a prime");
        java.math.BigInteger p;
        java.math.BigInteger q;
        do {
            p = java.math.BigInteger.probablePrime(1024, random);
            q = java.math.BigInteger.probablePrime(1024, random);
        } while (p.mod(java.math.BigInteger.valueOf(3)).intValue() != 2 || q.mod(java.math.BigInteger.valueOf(3)).intValue() != 2
                || p.multiply(q).bitLength() != 2048);
        HttpResponse<byte[]> exponentThree = postCsr("csr", csr(p.multiply(q), java.math.BigInteger.valueOf(3),
                p.subtract(java.math.BigInteger.ONE).multiply(q.subtract(java.math.BigInteger.ONE))));
        assertThat(exponentThree.statusCode()).isEqualTo(400);
        assertThat(new String(exponentThree.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("public exponent must be odd and between");
    }

    /** A CSR signed by the RSA key of this modulus and exponent, whose Euler totient is given. */
    private static byte[] csr(java.math.BigInteger modulus, java.math.BigInteger exponent, java.math.BigInteger totient) throws Exception {
        java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
        java.security.PublicKey publicKey = rsa.generatePublic(new java.security.spec.RSAPublicKeySpec(modulus, exponent));
        java.security.PrivateKey privateKey = rsa.generatePrivate(new java.security.spec.RSAPrivateKeySpec(modulus, exponent.modInverse(totient)));
        return new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=api-client"), publicKey)
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(privateKey)).getEncoded();
    }

    private static byte[] csr(int keyBits) throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(keyBits);
        java.security.KeyPair keys = generator.generateKeyPair();
        return new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=api-client"), keys.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
    }

    @Test
    void theOcspRespondersOwnCertificatesAreLeftOutOfSearchesUnlessAskedFor() throws Exception {
        // A device's certificate from the API; the delegated responder's is made and recorded at the first signed OCSP answer.
        HttpResponse<byte[]> issued = postCsr("csr", csr(2048));
        assertThat(issued.statusCode()).isEqualTo(200);
        org.bouncycastle.cert.X509CertificateHolder certificate = new org.bouncycastle.cert.X509CertificateHolder(issued.body());
        org.bouncycastle.cert.ocsp.CertificateID id = new org.bouncycastle.cert.ocsp.CertificateID(
                new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build().get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1),
                server.core.ca().certificate(), certificate.getSerialNumber());
        byte[] ocspRequest = new org.bouncycastle.cert.ocsp.OCSPReqBuilder().addRequest(id).build().getEncoded();
        HttpResponse<byte[]> ocsp = http.send(HttpRequest.newBuilder(server.url("/ocsp")).header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ocspRequest)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(new org.bouncycastle.cert.ocsp.OCSPResp(ocsp.body()).getStatus()).isZero();

        String byDefault = call("GET", "/api/manage/search?pageSize=1000", "manage", null).body();
        String withResponders = call("GET", "/api/manage/search?pageSize=1000&includeOcspResponders=true", "manage", null).body();

        assertThat(byDefault).contains("\"CN=api-client\"").doesNotContain("OcspResponder").doesNotContain("\"source\":\"ocsp-responder\"");
        assertThat(withResponders).contains("\"CN=api-client\"").contains("\"certificateType\":\"OcspResponder\"")
                .contains("\"source\":\"ocsp-responder\"");
    }

    @Test
    void aCsrPostedWithACsrRoleGetsItsCertificateRecorded() throws Exception {
        HttpResponse<byte[]> response = postCsr("csr", csr(2048));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/pkix-cert");
        org.bouncycastle.cert.X509CertificateHolder certificate = new org.bouncycastle.cert.X509CertificateHolder(response.body());
        assertThat(certificate.getSubject().toString()).isEqualTo("CN=api-client");
        assertThat(server.core.storage().certificateStore().find(certificate.getIssuer().toString(), certificate.getSerialNumber()))
                .hasValueSatisfying(record -> assertThat(record.requester()).isEqualTo("token csr"));
    }

    @Test
    void aCsrWithoutTheRoleOrThatIsNotACsrOrTooWeakIsRefusedAsProblemJson() throws Exception {
        assertThat(postCsr("manage", csr(2048)).statusCode()).isEqualTo(403);
        HttpResponse<byte[]> garbage = postCsr("csr", "hello".getBytes());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        HttpResponse<byte[]> weak = postCsr("csr", csr(1024));
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(new String(weak.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("1024 bits");
    }

    @Test
    void revokingAnUnknownSerialAnswersScepmansNotFound() throws Exception {
        HttpResponse<String> response = call("PATCH", "/api/manage/revoke/50ABCDEF", "manage", "{\"revocationReason\": 1}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"errorCode\":7012", "\"errorMessage\":\"Certificate not found.\"");
        HttpResponse<String> badReason = call("PATCH", "/api/manage/revoke/50ABCDEF", "manage", "{\"revocationReason\": 7}");
        assertThat(badReason.statusCode()).isEqualTo(400);
    }

    @Test
    void aRevokerIsHeldToTheRuleForNamesAsARequesterIsAndABadOneRevokesNothing() throws Exception {
        HttpResponse<byte[]> issued = postCsr("csr", csr(2048));
        assertThat(issued.statusCode()).isEqualTo(200);
        String serial = new org.bouncycastle.cert.X509CertificateHolder(issued.body()).getSerialNumber().toString(16)
                .toUpperCase(java.util.Locale.ROOT);
        for (String revoker : new String[] {"alice\\nadmin", "alice\\u202Enimda", "alice\\u2028admin", "alice through API user admin", "a".repeat(257)}) {
            HttpResponse<String> refused = call("PATCH", "/api/manage/revoke/" + serial, "manage",
                    "{\"revocationReason\": 1, \"revoker\": \"" + revoker + "\"}");
            assertThat(refused.statusCode()).as(revoker).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            // A control character the JSON reader refuses already, naming the field; the rest the rule for names.
            assertThat(refused.body()).contains(revoker.contains("\\n") ? "\"errorMessage\":\"\\\"revoker\\\" holds a control character"
                    : "\"errorMessage\":\"revoker must be ");
        }
        assertThat(call("GET", "/api/manage/search?searchText=" + serial, "manage", null).body()).contains("\"revocationDate\":null");

        HttpResponse<String> revoked = call("PATCH", "/api/manage/revoke/" + serial, "manage",
                "{\"revocationReason\": 1, \"revoker\": \" alice@example.com \"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(call("GET", "/api/manage/search?searchText=" + serial, "manage", null).body())
                .contains("\"revokedBy\":\"alice@example.com through API user manage\"");
    }

    @Test
    void realisticRevokersAreAcceptedAndRecordedAsGiven() throws Exception {
        String exactlyTheLimit = "Ö".repeat(dev.scepter.authority.audit.PersonNames.MAX);
        for (String revoker : new String[] {"Zoë O'Brien-Núñez", "o'neil@contoso.com", "Jean Dupont", "山田 太郎", "José María Δημήτρης", exactlyTheLimit}) {
            HttpResponse<byte[]> issued = postCsr("csr", csr(2048));
            assertThat(issued.statusCode()).isEqualTo(200);
            String serial = new org.bouncycastle.cert.X509CertificateHolder(issued.body()).getSerialNumber().toString(16)
                    .toUpperCase(java.util.Locale.ROOT);
            String json = revoker.replace("\\", "\\\\").replace("\"", "\\\"");
            HttpResponse<String> revoked = call("PATCH", "/api/manage/revoke/" + serial, "manage",
                    "{\"revocationReason\": 1, \"revoker\": \"" + json + "\"}");
            assertThat(revoked.statusCode()).as(revoker + ": " + revoked.body()).isEqualTo(200);
            assertThat(call("GET", "/api/manage/search?searchText=" + serial, "manage", null).body()).as(revoker)
                    .contains("\"revokedBy\":\"" + json + " through API user manage\"");
        }
    }

    @Test
    void aSidTheCallerAsksForIsDroppedSinceATokenNamesNoWindowsAccount() throws Exception {
        String sidUri = "tag:microsoft.com,2022-09-14:sid:S-1-5-21-1004336348-1177238915-682003330-500";
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair keys = generator.generateKeyPair();
        org.bouncycastle.asn1.x509.GeneralNames names = new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName[] {
            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, "web.example"),
            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier, sidUri)});
        org.bouncycastle.asn1.x509.ExtensionsGenerator extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
        extensions.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false, names);
        byte[] request = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=web.example"), keys.getPublic())
                .addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();

        HttpResponse<byte[]> response = postCsr("csr", request);

        assertThat(response.statusCode()).isEqualTo(200);
        org.bouncycastle.cert.X509CertificateHolder certificate = new org.bouncycastle.cert.X509CertificateHolder(response.body());
        org.bouncycastle.asn1.x509.GeneralNames issued = org.bouncycastle.asn1.x509.GeneralNames.fromExtensions(certificate.getExtensions(),
                org.bouncycastle.asn1.x509.Extension.subjectAlternativeName);
        assertThat(issued.getNames()).extracting(n -> n.getName().toString()).containsExactly("web.example");
    }
}
