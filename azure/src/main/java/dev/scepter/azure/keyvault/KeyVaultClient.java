package dev.scepter.azure.keyvault;

import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.connection.Outcomes;
import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.http.ServiceUnavailableException;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignInException;
import java.net.URI;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.BadPaddingException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Azure Key Vault's REST API (version 7.4) as the CA key uses it: the key's public half, sign over
 * a digest, unwrapKey for SCEP's key transport, and the certificate object the CA certificate is
 * kept in (ms_contracts.md 4.2). Tokens come from the instance's sign-in for the vault's audience
 * ({@code https://vault.azure.net}, or the national cloud's); a 401 is Key Vault's challenge: when
 * it names another audience, that is a wrong setting and is said so, else the token is renewed and
 * the call sent once more. Throttling (429, 503 with {@code Retry-After}) is waited out by
 * {@link JsonHttp} within its bounds; what remains is a {@link KeyVaultUnavailableException}.
 *
 * <p>A refusal (401, 403, or a challenge for another audience) is an {@link IllegalStateException}
 * naming what to fix while the instance starts or installs, and a {@link KeyVaultRefusedException}
 * while it serves (sign, unwrapKey): a role removed from a running instance is then answered in
 * each protocol's "try later" terms, never as a fault of the server's.
 */
final class KeyVaultClient {

    static final String API_VERSION = "7.4";
    private static final String ROW = KeyVaultKeyCustody.ROW;
    private static final Pattern RESOURCE = Pattern.compile("resource=\"([^\"]*)\"");

    private final URI vault;
    private final URI audience;
    private final String audienceSetting;
    private final AccessTokens tokens;
    private final JsonHttp http;
    /** What the latest call taught about the vault, for the homepage's row without a call of its own. */
    private final Outcomes<URI> outcomes;

    /**
     * @param vault           the vault's URL ({@code https://kv-contoso.vault.azure.net/})
     * @param audience        the audience of Key Vault's tokens
     * @param audienceSetting the setting the audience comes from, for a message when the vault asks for another
     */
    KeyVaultClient(URI vault, URI audience, String audienceSetting, AccessTokens tokens, JsonHttp http, Clock clock) {
        String base = Objects.requireNonNull(vault, "vault").toString();
        this.vault = URI.create(base.endsWith("/") ? base : base + "/");
        this.audience = Objects.requireNonNull(audience, "audience");
        this.audienceSetting = Objects.requireNonNull(audienceSetting, "audienceSetting");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.http = Objects.requireNonNull(http, "http");
        this.outcomes = new Outcomes<>(clock);
    }

    /** The latest call's outcome, when it came within {@link dev.scepter.azure.connection.Connection#RECENT}. */
    Optional<ConnectionStatus> recent() {
        return outcomes.recent(vault).map(Outcomes.Seen::status);
    }

    URI vault() {
        return vault;
    }

    /** The key's JWK ({@code kid}, {@code kty}, and {@code n}/{@code e} or {@code crv}/{@code x}/{@code y}): never a private part. */
    Optional<JsonNode> key(String name) {
        JsonHttp.Response response = call("GET", vault.resolve("keys/" + name), null, "get the key " + name, false, 404);
        return response.status() == 404 ? Optional.empty() : Optional.of(response.body().path("key"));
    }

    /** Signs a digest with the key {@code kid} ({@code alg} RS256, ES256, ...); the signature as Key Vault gives it (raw r||s for EC). */
    byte[] sign(String kid, String alg, byte[] digest) {
        return value(operate(kid, "sign", alg, digest), "sign", kid);
    }

    /**
     * Unwraps a key-transport key with the key {@code kid} ({@code alg} RSA1_5 for SCEP's PKCS#1
     * v1.5 envelopes).
     *
     * @throws BadPaddingException when Key Vault answers 400: the wrapped key is the client's (a
     *                             junk or foreign envelope), so the vault is not at fault and its
     *                             row is left as it was; anyone can send such an envelope
     */
    byte[] unwrapKey(String kid, String alg, byte[] wrapped) throws BadPaddingException {
        JsonHttp.Response response = operate(kid, "unwrapkey", alg, wrapped, 400);
        if (response.status() == 400) {
            throw new BadPaddingException("Key Vault cannot unwrap this key-transport key with " + keyName(kid) + " (HTTP 400, "
                    + response.errorCode() + ")");
        }
        return value(response, "unwrapkey", kid);
    }

    /** The certificate object: {@code cer} (base64 DER) and {@code kid}, the key it belongs to; empty when there is none. */
    Optional<JsonNode> certificate(String name) {
        JsonHttp.Response response = call("GET", vault.resolve("certificates/" + name), null, "get the certificate " + name, false, 404);
        return response.status() == 404 ? Optional.empty() : Optional.of(response.body());
    }

    /**
     * Creates a certificate object whose issuer is {@code Unknown}: Key Vault makes the key
     * (never exportable) and keeps the certificate pending until {@link #merge}: the CA signs its
     * own certificate with that key.
     */
    void createPendingCertificate(String name, String subject, String kty, int keySizeOrCurveBits) {
        ObjectNode keyProps = JsonHttp.JSON.createObjectNode().put("kty", kty).put("exportable", false).put("reuse_key", false);
        if (kty.startsWith("EC")) {
            keyProps.put("crv", "P-" + keySizeOrCurveBits);
        } else {
            keyProps.put("key_size", keySizeOrCurveBits);
        }
        ObjectNode policy = JsonHttp.JSON.createObjectNode();
        policy.set("key_props", keyProps);
        policy.set("x509_props", JsonHttp.JSON.createObjectNode().put("subject", subject));
        policy.set("issuer", JsonHttp.JSON.createObjectNode().put("name", "Unknown"));
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.set("policy", policy);
        call("POST", vault.resolve("certificates/" + name + "/create"), body, "create the certificate " + name, false);
    }

    /** Completes a pending certificate with the certificate its key was certified with. */
    void merge(String name, byte[] certificate) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate));
        call("POST", vault.resolve("certificates/" + name + "/pending/merge"), body, "merge the certificate " + name, false);
    }

    /** A key operation: what a serving instance asks of the vault for each certificate, CRL and SCEP message. */
    private JsonHttp.Response operate(String kid, String operation, String alg, byte[] value, int... answers) {
        ObjectNode body = JsonHttp.JSON.createObjectNode().put("alg", alg)
                .put("value", Base64.getUrlEncoder().withoutPadding().encodeToString(value));
        return call("POST", URI.create(kid + "/" + operation), body, operation + " with " + keyName(kid), true, answers);
    }

    private byte[] value(JsonHttp.Response response, String operation, String kid) {
        String result = response.body().path("value").asString("");
        if (result.isEmpty()) {
            throw new KeyVaultUnavailableException("Key Vault's answer to " + operation + " with " + keyName(kid) + " has no value");
        }
        return Base64.getUrlDecoder().decode(result);
    }

    /**
     * @param serving whether a serving instance's client waits on the call (refusals are then a
     *                {@link KeyVaultRefusedException}, not a start-up's {@link IllegalStateException})
     * @param answers statuses besides 2xx that are the caller's to read (404: none such; 400 on
     *                unwrapKey: the client's envelope); they leave the vault's row as it was
     */
    private JsonHttp.Response call(String method, URI uri, JsonNode body, String what, boolean serving, int... answers) {
        URI withVersion = URI.create(uri + "?api-version=" + API_VERSION);
        for (int attempt = 1; ; attempt++) {
            JsonHttp.Response response;
            String token = token(what);
            try {
                response = http.call(method, withVersion, token, Map.of(), body);
            } catch (ServiceUnavailableException e) {
                outcomes.record(vault, ConnectionStatus.notConnected(ROW, "no answer (" + e.getMessage() + ")", Optional.empty()));
                throw new KeyVaultUnavailableException("Key Vault " + vault + " did not answer to " + what + ": " + e.getMessage(), e);
            }
            if (response.ok()) {
                answered(uri);
                return response;
            }
            if (java.util.Arrays.stream(answers).anyMatch(status -> status == response.status())) {
                if (response.status() == 404) {
                    answered(uri);
                }
                return response;
            }
            if (response.status() == 401 && attempt == 1) {
                Optional<String> wrongAudience = wrongAudience(response);
                if (wrongAudience.isPresent()) {
                    outcomes.record(vault, ConnectionStatus.notConnected(ROW, "wants tokens for another audience than " + audience
                            + " (" + audienceSetting + ")", Optional.empty()));
                    throw serving ? new KeyVaultRefusedException(wrongAudience.get()) : new IllegalStateException(wrongAudience.get());
                }
                tokens.invalidate(audience, token);
                continue;
            }
            RuntimeException failure = failure(response, what, serving);
            outcomes.record(vault, outcome(response, what));
            throw failure;
        }
    }

    private String token(String what) {
        try {
            return tokens.token(audience);
        } catch (SignInException e) {
            outcomes.record(vault, ConnectionStatus.notConnected(ROW, "no token for " + audience + ": " + e.getMessage(), Optional.empty()));
            throw new KeyVaultUnavailableException("No token for Key Vault (" + audience + ") to " + what + ": " + e.getMessage(), e);
        }
    }

    /** Key Vault's challenge names the audience it wants; another than ours is a setting to fix, not a token to renew. */
    private Optional<String> wrongAudience(JsonHttp.Response response) {
        Matcher resource = RESOURCE.matcher(response.headers().firstValue("WWW-Authenticate").orElse(""));
        if (resource.find() && !strip(resource.group(1)).equalsIgnoreCase(strip(audience.toString()))) {
            return Optional.of("Key Vault " + vault + " wants tokens for " + resource.group(1) + ", and this instance asks for "
                    + audience + " (" + audienceSetting + "): set it to " + resource.group(1) + ".");
        }
        return Optional.empty();
    }

    private RuntimeException failure(JsonHttp.Response response, String what, boolean serving) {
        String detail = response.errorCode() + ": " + response.body().path("error").path("message").asString("");
        return switch (response.status()) {
            case 429, 503 -> new KeyVaultUnavailableException("Key Vault " + vault + " is throttling or unavailable (HTTP " + response.status()
                    + response.headers().firstValue("Retry-After").map(s -> ", Retry-After " + s + " s").orElse("")
                    + ") and did not " + what + " in time: " + detail);
            case 401, 403 -> {
                String refused = "Key Vault " + vault + " refused to " + what + " (HTTP " + response.status() + ", " + detail
                        + "): grant this instance's identity the role " + role(what) + " on the vault (with access policies instead: the keys "
                        + "permissions get, sign and unwrapKey and the certificates permissions get and create).";
                yield serving ? new KeyVaultRefusedException(refused) : new IllegalStateException(refused);
            }
            default -> new KeyVaultUnavailableException("Key Vault " + vault + " did not " + what + " (HTTP " + response.status() + ", "
                    + detail + ")");
        };
    }

    /**
     * A read that succeeds does not clear a recent failure of sign or unwrapKey: Key Vault throttles
     * cryptographic operations apart from reads, and the CA row is about whether the key signs.
     */
    private void answered(URI uri) {
        boolean keyOperation = uri.getPath().endsWith("/sign") || uri.getPath().endsWith("/unwrapkey");
        if (keyOperation || recent().filter(status -> !status.ok()).isEmpty()) {
            outcomes.record(vault, ConnectionStatus.connected(ROW, "answers"));
        }
    }

    /** The row's words for a failed call: throttled, refused (with the role that allows it) or failing. */
    private static ConnectionStatus outcome(JsonHttp.Response response, String what) {
        String retryAfter = response.headers().firstValue("Retry-After").map(s -> ", Retry-After " + s + " s").orElse("");
        return switch (response.status()) {
            case 429 -> ConnectionStatus.notConnected(ROW, "throttled (HTTP 429" + retryAfter + ") on " + what, Optional.empty());
            case 503 -> ConnectionStatus.notConnected(ROW, "unavailable (HTTP 503" + retryAfter + ") on " + what, Optional.empty());
            case 401, 403 -> ConnectionStatus.notConnected(ROW, "refused to " + what + " (HTTP " + response.status() + ", "
                    + response.errorCode() + ")", Optional.of(role(what)));
            default -> ConnectionStatus.notConnected(ROW, "failed to " + what + " (HTTP " + response.status() + ")", Optional.empty());
        };
    }

    /**
     * The Azure RBAC role whose data actions allow {@code what}: serving needs Key Vault Crypto
     * User (get, sign, unwrapKey on keys); reading the certificate object Key Vault Certificate
     * User; creating the CA (complete-installation) Key Vault Certificates Officer.
     */
    static String role(String what) {
        if (what.startsWith("create the certificate") || what.startsWith("merge the certificate")) {
            return "Key Vault Certificates Officer";
        }
        return what.startsWith("get the certificate") ? "Key Vault Certificate User" : "Key Vault Crypto User";
    }

    private static String keyName(String kid) {
        int keys = kid.indexOf("/keys/");
        return keys < 0 ? kid : "the key " + kid.substring(keys + "/keys/".length());
    }

    private static String strip(String audience) {
        String stripped = audience;
        while (stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
    }
}
