package dev.scepter.azure.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.azure.sim.SimServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No token, secret, client assertion, certificate password or identity header in any log line or
 * message: every line the sign-in and the identity libraries log (down to debug, see
 * simplelogger.properties) is read while they sign in and fail to.
 */
class SignInLogsTest extends SimulatedCloud {

    @Test
    void signingInAndFailingToLogNoSecretAndNoToken() throws Exception {
        assertThat(LoggerFactory.getLogger("com.microsoft.aad.msal4j.HttpHelper").isDebugEnabled()).as("the libraries log at debug here").isTrue();
        TestCertificates certificate = TestCertificates.rsa();
        entra.addCertificate(TENANT, APP, certificate.certificate());
        entra.addSecret(TENANT, APP, "the-client-secret-value");
        entra.addSecret(TENANT, ONE_X_APP, "the-one-x-key-value");
        Path p12 = certificate.writePkcs12(dir.resolve("signin.p12"), "the-p12-password");

        List<String> handedOut = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            handedOut.add(open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                    "the-client-secret-value")).token(GRAPH));
            handedOut.add(open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInCertificateFile",
                    p12.toString(), "AppConfig:AuthConfig:SignInCertificatePassword", "the-p12-password")).token(INTUNE));
            AccessTokens managed = open(settings("IDENTITY_ENDPOINT", identity.endpoint().toString(), "IDENTITY_HEADER", identity.header(),
                    "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000"));
            handedOut.add(managed.token(GRAPH));

            // Failures: a wrong secret, a wrong 1.x key, a wrong identity header, a renewal while Entra ID is down.
            messages.add(failure(() -> open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                    "a-wrong-client-secret")).token(GRAPH)));
            messages.add(failure(() -> open(settings("AppConfig:AuthConfig:ApplicationId", ONE_X_APP, "AppConfig:AuthConfig:ApplicationKey",
                    "a-wrong-one-x-key")).token(GRAPH)));
            messages.add(failure(() -> open(settings("IDENTITY_ENDPOINT", identity.endpoint().toString(), "IDENTITY_HEADER",
                    "a-wrong-identity-header", "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000")).token(GRAPH)));
            messages.add(failure(() -> open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInCertificateFile",
                    p12.toString(), "AppConfig:AuthConfig:SignInCertificatePassword", "a-wrong-p12-password")).token(GRAPH)));
            AccessTokens renewing = open(settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret",
                    "the-client-secret-value"));
            handedOut.add(renewing.token(GRAPH));
            clock.advance(Duration.ofMinutes(50));
            login.down(true);
            handedOut.add(renewing.token(GRAPH));
        } finally {
            System.setErr(err);
            login.down(false);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        err.print(logs);
        // The capture works: it holds the sign-in's own lines and Entra ID's refusal.
        assertThat(logs).contains("Signing in to Microsoft's cloud", "AADSTS7000215", "Renewing the token for https://graph.microsoft.com");

        List<String> secrets = new ArrayList<>(List.of("the-client-secret-value", "the-one-x-key-value", "the-p12-password", identity.header(),
                "a-wrong-client-secret", "a-wrong-one-x-key", "a-wrong-identity-header", "a-wrong-p12-password"));
        secrets.addAll(handedOut);
        for (SimServer.Request request : entra.tokenRequests()) {
            String assertion = form(request).get("client_assertion");
            if (assertion != null) {
                secrets.add(assertion);
                secrets.add(assertion.substring(assertion.lastIndexOf('.') + 1)); // the signature alone
            }
        }
        assertThat(secrets).as("assertions were made").anyMatch(s -> s.startsWith("ey"));
        for (String secret : secrets) {
            assertThat(logs).as("the logs").doesNotContain(secret);
            assertThat(String.join("\n", messages)).as("the messages").doesNotContain(secret);
        }
        assertThat(messages).allMatch(m -> !m.isBlank());
    }

    private static String failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        List<String> message = new ArrayList<>();
        assertThatThrownBy(call).isInstanceOf(SignInException.class).satisfies(e -> {
            for (Throwable t = e; t != null; t = t.getCause()) {
                message.add(String.valueOf(t.getMessage()));
            }
        });
        return String.join(" / ", message);
    }
}
