package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The core's API as an operator's script calls it, with the data folder's {@code admin-token}:
 * the embedded directory, manual revocation, search and audit (docs/api.md).
 */
final class CoreApi {

    private static final Pattern SERIAL_NUMBER = Pattern.compile("\"serialNumber\"\\s*:\\s*\"([0-9A-Fa-f]+)\"");
    private static final Pattern CONTINUATION_TOKEN = Pattern.compile("\"continuationToken\"\\s*:\\s*\"([^\"]+)\"");

    private final Scepter server;
    private final String token;

    CoreApi(Scepter server) {
        this(server, server);
    }

    /** Calls {@code server} with the admin token of {@code tokenOf} (nodes sharing a database share tokens). */
    CoreApi(Scepter server, Scepter tokenOf) {
        this.server = server;
        try {
            this.token = Files.readString(tokenOf.dataDir().resolve("admin-token"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the server wrote no admin-token", e);
        }
    }

    /** {@code PUT /api/directory/devices/{id}}. */
    HttpResponse<byte[]> putDevice(UUID id, boolean enabled) {
        return send("PUT", "api/directory/devices/" + id, "{\"enabled\": " + enabled + ", \"name\": \"e2e-" + id + "\"}");
    }

    /** {@code PUT /api/directory/devices/{id}}, which must succeed (201 created or 200 updated). */
    void device(UUID id, boolean enabled) {
        HttpResponse<byte[]> response = putDevice(id, enabled);
        assertThat(response.statusCode()).as("PUT device %s enabled=%s: %s", id, enabled, body(response)).isIn(200, 201);
    }

    /** {@code DELETE /api/directory/devices/{id}}, which must answer 204. */
    void deleteDevice(UUID id) {
        HttpResponse<byte[]> response = send("DELETE", "api/directory/devices/" + id, null);
        assertThat(response.statusCode()).as("DELETE device %s: %s", id, body(response)).isEqualTo(204);
    }

    /** {@code PATCH /api/manage/revoke/{serial}} with a CRLReason code. */
    HttpResponse<byte[]> revoke(String serialHex, int reason) {
        return send("PATCH", "api/manage/revoke/" + serialHex, "{\"revocationReason\": " + reason + ", \"revoker\": \"e2e@example.com\"}");
    }

    /** A revocation that must succeed (200). */
    void revoked(String serialHex, int reason) {
        HttpResponse<byte[]> response = revoke(serialHex, reason);
        assertThat(response.statusCode()).as("PATCH revoke %s reason %s: %s", serialHex, reason, body(response)).isEqualTo(200);
    }

    /** {@code GET /api/manage/search?searchText=...}, as text. */
    String search(String text) {
        HttpResponse<byte[]> response = send("GET", "api/manage/search?searchText=" + text, null);
        assertThat(response.statusCode()).as("search %s: %s", text, body(response)).isEqualTo(200);
        return body(response);
    }

    /**
     * Every serial number the store holds, read page by page through {@code GET /api/manage/search}
     * (no search text, {@code certValidity=Any}).
     */
    Set<BigInteger> issuedSerials() {
        Set<BigInteger> serials = new HashSet<>();
        String token = null;
        do {
            String path = "api/manage/search?pageSize=1000&certValidity=Any"
                    + (token == null ? "" : "&continuationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            HttpResponse<byte[]> response = send("GET", path, null);
            assertThat(response.statusCode()).as("search: %s", body(response)).isEqualTo(200);
            String page = new String(response.body(), StandardCharsets.UTF_8);
            Matcher serial = SERIAL_NUMBER.matcher(page);
            while (serial.find()) {
                serials.add(new BigInteger(serial.group(1), 16));
            }
            Matcher next = CONTINUATION_TOKEN.matcher(page);
            token = next.find() ? next.group(1) : null;
        } while (token != null);
        return serials;
    }

    /** {@code GET /api/manage/audit}, as text. */
    String audit() {
        HttpResponse<byte[]> response = send("GET", "api/manage/audit?limit=50", null);
        assertThat(response.statusCode()).as("audit: %s", body(response)).isEqualTo(200);
        return body(response);
    }

    HttpResponse<byte[]> send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).header("Authorization", "Bearer " + token);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return server.send(request.build());
    }

    static String body(HttpResponse<byte[]> response) {
        return response.statusCode() + " " + response.headers().firstValue("Content-Type").orElse("(no content type)") + " "
                + new String(response.body(), StandardCharsets.UTF_8);
    }
}
