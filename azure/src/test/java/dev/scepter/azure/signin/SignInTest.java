package dev.scepter.azure.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.azure.sim.SimServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Each way in, end to end against the simulators: the right audience, cached, renewed before it expires, and refused when it should be. */
class SignInTest extends SimulatedCloud {

    /** One token per audience, kept; renewed once a quarter of its hour is left (before it lapses); the old one then lapses on the service. */
    void cachedAndRenewedBeforeItExpires(AccessTokens signIn, java.util.function.IntSupplier tokenRequests) {
        String graph = signIn.token(GRAPH);
        assertThat(call(GRAPH, graph)).isEmpty();
        assertThat(call(INTUNE, graph)).as("a Graph token is no Intune token").get().extracting(SimServer.Reply::status).isEqualTo(401);
        String intune = signIn.token(INTUNE);
        assertThat(call(INTUNE, intune)).isEmpty();
        assertThat(signIn.token(URI.create("https://graph.microsoft.com"))).as("the same audience, however spelt").isEqualTo(graph);
        assertThat(tokenRequests.getAsInt()).isEqualTo(2);

        clock.advance(Duration.ofMinutes(44));
        assertThat(signIn.token(GRAPH)).isEqualTo(graph);
        assertThat(tokenRequests.getAsInt()).isEqualTo(2);

        clock.advance(Duration.ofMinutes(2)); // 14 minutes left: less than a quarter of its life
        assertThat(call(GRAPH, graph)).as("the old token is still good when it is renewed").isEmpty();
        String renewed = signIn.token(GRAPH);
        assertThat(renewed).isNotEqualTo(graph);
        assertThat(tokenRequests.getAsInt()).isEqualTo(3);

        clock.advance(Duration.ofMinutes(15));
        assertThat(call(GRAPH, graph)).as("expired on the service").get().extracting(SimServer.Reply::body).asString().contains("expired");
        assertThat(call(GRAPH, renewed)).isEmpty();
        assertThat(signIn.token(GRAPH)).isEqualTo(renewed);
    }

    @Test
    void aClientSecretSignsInForEachAudienceKeepsTheTokenAndRenewsItBeforeItExpires() throws Exception {
        entra.addSecret(TENANT, APP, "the-client-secret");
        AccessTokens signIn = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                "the-client-secret"));
        assertThat(signIn.describe()).contains("app registration", "client secret").doesNotContain("the-client-secret");
        cachedAndRenewedBeforeItExpires(signIn, () -> entra.tokenRequests().size());
        SimServer.Request first = entra.tokenRequests().get(0);
        assertThat(first.path()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
        assertThat(form(first)).containsEntry("client_id", APP).containsEntry("grant_type", "client_credentials");
        assertThat(form(first).get("scope").split(" ")).as("MSAL adds openid profile offline_access").contains("https://graph.microsoft.com/.default");
        assertThat(login.requests()).as("no instance discovery against a host that is not Microsoft's")
                .noneMatch(r -> r.path().contains("discovery"));
    }

    @Test
    void aTokenTheServiceRefusedIsForgottenOnceAndOnlyWhileItIsTheOneKept() throws Exception {
        entra.addSecret(TENANT, APP, "the-client-secret");
        AccessTokens signIn = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                "the-client-secret"));
        String first = signIn.token(GRAPH);
        signIn.invalidate(GRAPH, "not-the-kept-token");
        assertThat(signIn.token(GRAPH)).isEqualTo(first);
        signIn.invalidate(URI.create("https://graph.microsoft.com"), first);
        String second = signIn.token(GRAPH);
        assertThat(second).isNotEqualTo(first);
        signIn.invalidate(GRAPH, first);
        assertThat(signIn.token(GRAPH)).as("a refusal of a token already replaced signs in no more").isEqualTo(second);
        assertThat(entra.tokenRequests()).hasSize(2);
    }

    @Test
    void aTokenTheServiceRefusedIsForgottenAndTheNextCallSignsInAgain() throws Exception {
        entra.addSecret(TENANT, APP, "the-client-secret");
        AccessTokens signIn = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                "the-client-secret"));
        String refused = signIn.token(GRAPH);
        String intune = signIn.token(INTUNE);

        signIn.invalidate(URI.create("https://graph.microsoft.com/"), refused);

        assertThat(signIn.token(GRAPH)).isNotEqualTo(refused);
        assertThat(signIn.token(INTUNE)).as("another audience's token is kept").isEqualTo(intune);
        assertThat(entra.tokenRequests()).hasSize(3);
    }

    @Test
    void aPemCertificateSignsInWithAVerifiedClientAssertionAndNoSecret() throws Exception {
        TestCertificates certificate = TestCertificates.rsa();
        entra.addCertificate(TENANT, APP, certificate.certificate());
        Path pem = certificate.writePem(dir.resolve("signin.pem"), true);
        AccessTokens signIn = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInCertificateFile",
                pem.toString()));
        assertThat(signIn.describe()).contains("client certificate");
        cachedAndRenewedBeforeItExpires(signIn, () -> entra.tokenRequests().size());
        Map<String, String> form = form(entra.tokenRequests().get(0));
        assertThat(form).containsKeys("client_assertion", "client_assertion_type").doesNotContainKey("client_secret");
    }

    @Test
    void aPkcs12CertificateOpensWithItsPasswordAndWinsOverASecret() throws Exception {
        TestCertificates certificate = TestCertificates.rsa();
        entra.addCertificate(TENANT, APP, certificate.certificate());
        Path p12 = certificate.writePkcs12(dir.resolve("signin.p12"), "p12-password");
        AccessTokens signIn = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInCertificateFile",
                p12.toString(), "AppConfig:AuthConfig:SignInCertificatePassword", "p12-password",
                "AppConfig:AuthConfig:SignInClientSecret", "unregistered-secret"));
        assertThat(call(GRAPH, signIn.token(GRAPH))).isEmpty();
        assertThat(form(entra.tokenRequests().get(0))).containsKey("client_assertion").doesNotContainKey("client_secret");
    }

    @Test
    void onAppServiceTheOneXKeySignsInUntilTheManagedIdentitysRolesAreReadyThenTheIdentity() throws Exception {
        entra.addSecret(TENANT, ONE_X_APP, "one-x-key");
        Instant switched = clock.instant();
        AccessTokens signIn = open(settings("IDENTITY_ENDPOINT", identity.endpoint().toString(), "IDENTITY_HEADER", identity.header(),
                "WEBSITE_SITE_NAME", "scepman-x", "AppConfig:AuthConfig:ApplicationId", "11111111-2222-4333-8444-555555555555",
                "Backup:AppConfig:AuthConfig:ApplicationId", ONE_X_APP, "Backup:AppConfig:AuthConfig:ApplicationKey", "one-x-key",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(switched.getEpochSecond())));
        String before = signIn.token(GRAPH);
        assertThat(tokens.grantOf(before).orElseThrow().clientId()).isEqualTo(ONE_X_APP);
        assertThat(signIn.describe()).contains("1.x application id and key", "managed identity from");
        assertThat(identity.tokenRequests()).isEmpty();

        clock.advance(Duration.ofSeconds(60));
        String after = signIn.token(GRAPH);
        assertThat(tokens.grantOf(after).orElseThrow().clientId()).as("the identity, from its moment on").isEqualTo(IDENTITY);
        assertThat(call(GRAPH, after)).isEmpty();
        assertThat(signIn.describe()).startsWith("managed identity");
        SimServer.Request asked = identity.tokenRequests().get(0);
        assertThat(asked.query()).containsEntry("resource", GRAPH.toString()).containsEntry("api-version", "2019-08-01");
        assertThat(asked.header("X-IDENTITY-HEADER")).isEqualTo(identity.header());
    }

    @Test
    void theManagedIdentitysTokenIsKeptAndRenewedBeforeItsExpiresOn() throws Exception {
        identity.tokenLifetime(Duration.ofMinutes(60));
        AccessTokens signIn = open(settings("IDENTITY_ENDPOINT", identity.endpoint().toString(), "IDENTITY_HEADER", identity.header(),
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(clock.instant().minusSeconds(3600).getEpochSecond())));
        cachedAndRenewedBeforeItExpires(signIn, () -> identity.tokenRequests().size());
        assertThat(entra.tokenRequests()).isEmpty();
    }

    @Test
    void outsideAppServiceTheManagedIdentityIsNeverAskedAndTheOneXKeyKeepsSigningIn() throws Exception {
        entra.addSecret(TENANT, ONE_X_APP, "one-x-key");
        AccessTokens signIn = open(settings("Backup:AppConfig:AuthConfig:ApplicationId", ONE_X_APP,
                "Backup:AppConfig:AuthConfig:ApplicationKey", "one-x-key",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(clock.instant().minusSeconds(86_400).getEpochSecond())));
        String token = signIn.token(GRAPH);
        assertThat(tokens.grantOf(token).orElseThrow().clientId()).isEqualTo(ONE_X_APP);
        assertThat(signIn.describe()).doesNotContain("managed identity");
        assertThat(identity.tokenRequests()).isEmpty();
    }

    @Test
    void nothingConfiguredSaysWhatToSet() throws Exception {
        AccessTokens signIn = open(settings());
        assertThat(signIn.describe()).isEqualTo("not configured");
        assertThatThrownBy(() -> signIn.token(GRAPH)).isInstanceOf(SignInException.class)
                .hasMessageContaining("AppConfig:AuthConfig:SignInApplicationId");
        assertThat(login.requests()).isEmpty();
        assertThat(appService.requests()).isEmpty();
    }

    @Test
    void aWrongSecretOrAnUnknownTenantIsRefusedInEntrasWordsWithoutTheSecret() throws Exception {
        entra.addSecret(TENANT, APP, "the-right-secret");
        AccessTokens wrong = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                "a-wrong-secret"));
        assertThatThrownBy(() -> wrong.token(GRAPH)).isInstanceOf(SignInException.class)
                .hasMessageContaining("AADSTS7000215").hasMessageNotContaining("a-wrong-secret").hasMessageNotContaining("Trace ID");
        AccessTokens elsewhere = open(settings("AppConfig:AuthConfig:TenantId", "99999999-2222-4333-8444-555555555555",
                "AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret", "the-right-secret"));
        assertThatThrownBy(() -> elsewhere.token(GRAPH)).isInstanceOf(SignInException.class).hasMessageContaining("AADSTS90002");
    }

    @Test
    void aFailedRenewalKeepsTheStillValidTokenAndTriesAgainLaterThenFailsOnceItHasLapsed() throws Exception {
        entra.addSecret(TENANT, APP, "the-client-secret");
        AccessTokens signIn = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                "the-client-secret"));
        String token = signIn.token(GRAPH);
        clock.advance(Duration.ofMinutes(50));
        login.down(true);
        assertThat(signIn.token(GRAPH)).isEqualTo(token);
        int attempts = login.requests().size();
        assertThat(signIn.token(GRAPH)).as("not asked again at every call").isEqualTo(token);
        assertThat(login.requests()).hasSize(attempts);
        clock.advance(Duration.ofMinutes(9).plusSeconds(30)); // 30 seconds left: too little to hand out
        assertThatThrownBy(() -> signIn.token(GRAPH)).isInstanceOf(SignInException.class);
        login.down(false);
        clock.advance(Duration.ofSeconds(31));
        String again = signIn.token(GRAPH);
        assertThat(again).isNotEqualTo(token);
        assertThat(call(GRAPH, again)).isEmpty();
    }

    @Test
    void concurrentCallersShareOneRenewal() throws Exception {
        entra.addSecret(TENANT, APP, "the-client-secret");
        AccessTokens signIn = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                "the-client-secret"));
        login.silence(Duration.ofMillis(400));
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit((Callable<String>) () -> {
                    start.await();
                    return signIn.token(GRAPH);
                }));
            }
            start.countDown();
            List<String> got = new ArrayList<>();
            for (Future<String> answer : answers) {
                got.add(answer.get());
            }
            assertThat(got).containsOnly(got.get(0));
            assertThat(entra.tokenRequests()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
