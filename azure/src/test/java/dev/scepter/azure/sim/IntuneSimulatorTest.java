package dev.scepter.azure.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Intune simulator keeps Intune's contract: tokens, roles, api-version, codes, and its state. */
class IntuneSimulatorTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    private final SimTls tls = SimTls.generate();
    private final SimTokens tokens = new SimTokens(now::get);
    private final SimServer graph = SimServer.start("graph", tls);
    private final IntuneSimulator intune = IntuneSimulator.start(tls, tokens, graph, now::get);
    private final HttpClient http = HttpClient.newBuilder().sslContext(tls.clientContext()).build();

    @AfterEach
    void stop() {
        intune.close();
        graph.close();
    }

    private HttpResponse<String> send(String method, URI uri, String token, String apiVersion, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("client-request-id", "00000000-0000-0000-0000-000000000001")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiVersion != null) {
            request.header("api-version", apiVersion);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csr(String subject, String challenge) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var keys = generator.generateKeyPair();
        return Base64.getEncoder().encodeToString(new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded());
    }

    private String validate(String token, String transaction, String csr) throws Exception {
        HttpResponse<String> response = send("POST", URI.create(intune.validationServiceUri() + "/ScepActions/validateRequest"), token,
                "2018-02-20", "{\"request\":{\"transactionId\":\"" + transaction + "\",\"certificateRequest\":\"" + csr
                        + "\",\"callerInfo\":\"test\"}}");
        assertThat(response.statusCode()).isEqualTo(200);
        return SimServer.JSON.readTree(response.body()).path("code").asString();
    }

    @Test
    void discoveryNeedsAGraphTokenWithApplicationReadAllAndListsBothServices() throws Exception {
        URI discovery = URI.create(graph.uri() + "/v1.0/servicePrincipals(appId='" + IntuneSimulator.INTUNE_APP_ID + "')/endpoints");
        String token = tokens.mint("ca", graph.uri().toString(), Duration.ofHours(1));
        assertThat(send("GET", discovery, token, null, null).statusCode()).as("no role").isEqualTo(403);

        tokens.grant("ca", graph.uri().toString(), IntuneSimulator.GRAPH_ROLE);
        JsonNode listed = SimServer.JSON.readTree(send("GET", discovery, token, null, null).body());
        assertThat(listed.path("value").findValuesAsString("providerName"))
                .contains("ScepRequestValidationFEService", "PkiConnectorFEService");
        String intuneToken = tokens.mint("ca", IntuneSimulator.INTUNE_AUDIENCE, Duration.ofHours(1));
        assertThat(send("GET", discovery, intuneToken, null, null).statusCode()).as("wrong audience").isEqualTo(401);
    }

    @Test
    void validationAnswersSuccessOnlyForTheSubjectAndTimeTheChallengeWasIssuedFor() throws Exception {
        tokens.grant("ca", IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        String token = tokens.mint("ca", IntuneSimulator.INTUNE_AUDIENCE + "/", Duration.ofHours(2));
        String challenge = intune.challengeFor("CN=device-1", Optional.empty(), Duration.ofMinutes(60));

        assertThat(validate(token, "tx-1", csr("CN=device-1", challenge))).isEqualTo("Success");
        assertThat(validate(token, "tx-2", csr("CN=device-2", challenge))).isEqualTo("SubjectNameMismatch");
        assertThat(validate(token, "tx-3", csr("CN=device-1", "not-issued"))).isEqualTo("ChallengeDeserializationError");
        now.set(now.get().plus(Duration.ofMinutes(61)));
        assertThat(validate(token, "tx-4", csr("CN=device-1", challenge))).isEqualTo("ChallengeExpired");

        HttpResponse<String> wrongVersion = send("POST", URI.create(intune.validationServiceUri() + "/ScepActions/validateRequest"),
                token, "5019-05-05", "{}");
        assertThat(wrongVersion.statusCode()).isEqualTo(400);
        tokens.revoke("ca", IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        assertThat(send("POST", URI.create(intune.validationServiceUri() + "/ScepActions/validateRequest"), token, "2018-02-20", "{}")
                .statusCode()).as("without scep_challenge_provider").isEqualTo(403);
    }

    private static String success(String transaction, String csr, String thumbprint, String expiration) {
        return "{\"notification\":{\"transactionId\":\"" + transaction + "\",\"certificateRequest\":\"" + csr
                + "\",\"certificateThumbprint\":\"" + thumbprint + "\",\"certificateSerialNumber\":\"41AB01\","
                + "\"certificateExpirationDateUtc\":\"" + expiration + "\",\"issuingCertificateAuthority\":\"CN=Our CA\","
                + "\"callerInfo\":\"test\",\"caConfiguration\":null,\"certificateAuthority\":null}}";
    }

    @Test
    void notificationsAreRecordedAndSucceedOnlyForAValidatedTransactionAndItsVeryRequest() throws Exception {
        tokens.grant("ca", IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        String token = tokens.mint("ca", IntuneSimulator.INTUNE_AUDIENCE, Duration.ofHours(1));
        String challenge = intune.challengeFor("CN=device-1", Optional.empty(), Duration.ofMinutes(60));
        String validated = csr("CN=device-1", challenge);
        validate(token, "tx-1", validated);
        validate(token, "tx-2", csr("CN=device-1", challenge));
        URI success = URI.create(intune.validationServiceUri() + "/ScepActions/successNotification");
        String thumbprint = "0123456789ABCDEF0123456789ABCDEF01234567";
        String expiration = "2027-06-11T16:11:20.0904778Z";

        String known = send("POST", success, token, "2018-02-20", success("tx-1", validated, thumbprint, expiration)).body();
        String unknown = send("POST", success, token, "2018-02-20", success("tx-9", validated, thumbprint, expiration)).body();
        String otherRequest = send("POST", success, token, "2018-02-20", success("tx-2", validated, thumbprint, expiration)).body();

        assertThat(SimServer.JSON.readTree(known).path("code").asString()).isEqualTo("Success");
        assertThat(SimServer.JSON.readTree(unknown).path("code").asString()).isEqualTo("Unknown");
        assertThat(SimServer.JSON.readTree(otherRequest).path("code").asString()).as("not the request validated in tx-2").isEqualTo("Unknown");
        assertThat(intune.notifications()).extracting(n -> n.field("transactionId").asString()).containsExactly("tx-1", "tx-9", "tx-2");
    }

    @Test
    void aNotificationWhoseFieldsBreakTheContractIsRefused() throws Exception {
        tokens.grant("ca", IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        String token = tokens.mint("ca", IntuneSimulator.INTUNE_AUDIENCE, Duration.ofHours(1));
        String csr = csr("CN=device-1", "any");
        URI success = URI.create(intune.validationServiceUri() + "/ScepActions/successNotification");
        URI failure = URI.create(intune.validationServiceUri() + "/ScepActions/failureNotification");
        String thumbprint = "0123456789ABCDEF0123456789ABCDEF01234567";

        Map<String, String> broken = new java.util.LinkedHashMap<>();
        broken.put("certificateThumbprint", success("tx-1", csr, thumbprint.toLowerCase(java.util.Locale.ROOT), "2027-06-11T16:11:20.0904778Z"));
        broken.put("certificateExpirationDateUtc", success("tx-1", csr, thumbprint, "11/06/2027 16:11"));
        broken.put("transactionId", success("", csr, thumbprint, "2027-06-11T16:11:20Z"));
        broken.put("certificateRequest", success("tx-1", "not base64!", thumbprint, "2027-06-11T16:11:20Z"));
        for (Map.Entry<String, String> each : broken.entrySet()) {
            HttpResponse<String> response = send("POST", success, token, "2018-02-20", each.getValue());
            assertThat(response.statusCode()).as(each.getKey()).isEqualTo(400);
            assertThat(response.body()).as(each.getKey()).contains(each.getKey());
        }
        HttpResponse<String> noHResult = send("POST", failure, token, "2018-02-20", "{\"notification\":{\"transactionId\":\"tx-1\","
                + "\"certificateRequest\":\"" + csr + "\",\"hResult\":\"E_FAIL\",\"errorDescription\":\"x\",\"callerInfo\":\"test\"}}");
        assertThat(noHResult.statusCode()).isEqualTo(400);
        assertThat(noHResult.body()).contains("hResult");
        HttpResponse<String> wellFormed = send("POST", failure, token, "2018-02-20", "{\"notification\":{\"transactionId\":\"tx-1\","
                + "\"certificateRequest\":\"" + csr + "\",\"hResult\":-2147467259,\"errorDescription\":\"x\",\"callerInfo\":\"test\"}}");
        assertThat(wellFormed.statusCode()).isEqualTo(200);
    }

    @Test
    void revocationRequestsWaitUntilAResultIsUploaded() throws Exception {
        tokens.grant("ca", IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        String token = tokens.mint("ca", IntuneSimulator.INTUNE_AUDIENCE, Duration.ofHours(1));
        String context = intune.requestRevocation("41AB", "CN=Our CA");
        intune.requestRevocation("41CD", "CN=Another CA");
        URI base = URI.create(intune.server().uri() + IntuneSimulator.PKI_CONNECTOR_PATH + "/CertificateAuthorityRequests/");

        JsonNode downloaded = SimServer.JSON.readTree(send("POST", base.resolve("downloadRevocationRequests"), token, "5019-05-05",
                "{\"downloadParameters\":{\"maxRequests\":500,\"issuerName\":\"CN=Our CA\"}}").body());
        assertThat(downloaded.path("value").findValuesAsString("serialNumber")).containsExactly("41AB");
        assertThat(send("POST", base.resolve("uploadRevocationResults"), token, "5019-05-05",
                "{\"results\":[{\"requestContext\":\"" + context + "\",\"succeeded\":true,\"errorCode\":\"4005\"}]}").statusCode())
                .as("succeeded only with 0").isEqualTo(400);
        assertThat(send("POST", base.resolve("uploadRevocationResults"), token, "5019-05-05",
                "{\"results\":[{\"requestContext\":\"" + context + "\",\"succeeded\":true,\"errorCode\":\"0\"}]}").body())
                .isEqualTo("{\"value\":true}");
        assertThat(intune.pendingRevocations()).extracting(IntuneSimulator.RevocationRequest::serialNumber).containsExactly("41CD");
        assertThat(send("POST", base.resolve("downloadRevocationRequests"), token, "2018-02-20", "{}").statusCode()).isEqualTo(400);
    }
}
