package dev.scepter.certmaster.core;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The core's HTTP API as the portal uses it: REST enrollment ({@code POST /api/csr}), SCEPman's
 * management API ({@code GET /api/manage/search}, {@code PATCH /api/manage/revoke/{serial}}), the
 * core's {@code GET /api/manage/certificates/{serial}} (status in words, history) and
 * the CA certificate ({@code GET /ca}). Always with the portal's own token; the signed-in person
 * is named to the core as the revoker, as SCEPman's Certificate Master does, and as the requester.
 */
public final class CoreApi {

    /** A page of the search and where the next one starts, if there is one. */
    public record SearchResult(List<CertificateSummary> items, Optional<String> continuationToken) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final CoreCredential credential;
    private final HttpClient http;

    public CoreApi(URI coreUrl, CoreCredential credential) {
        String text = coreUrl.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.credential = credential;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI coreUrl() {
        return base;
    }

    /**
     * Issues a certificate for a PKCS#10 request (DER or PEM); its DER encoding. {@code requester}
     * is the signed-in person, recorded by the core as "{requester} through API user {portal}" (the
     * core takes it from a caller with CSR.Request only). With a kind
     * ({@code POST /api/csr?kind=&validityDays=&requester=}) the core's rules for the kind decide KU,
     * EKU and the longest lifetime; without one, the request's.
     */
    public byte[] issue(byte[] certificationRequest, Optional<String> kind, Optional<Integer> validityDays, String requester) {
        Map<String, String> query = new LinkedHashMap<>();
        kind.ifPresent(k -> query.put("kind", k));
        validityDays.ifPresent(days -> query.put("validityDays", Integer.toString(days)));
        query.put("requester", requester);
        String queryText = "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest request = authorized("api/csr" + queryText).header("Content-Type", "application/pkcs10")
                .POST(HttpRequest.BodyPublishers.ofByteArray(certificationRequest)).build();
        return expect(request, 200);
    }

    /** The CA's certificate (DER), for the chain a download carries. */
    public byte[] caCertificate() {
        return expect(HttpRequest.newBuilder(base.resolve("ca")).timeout(TIMEOUT).GET().build(), 200);
    }

    /** The CA's current CRL (DER), through the management API ({@code GET /api/manage/crl}). */
    public byte[] crl() {
        return expect(authorized("api/manage/crl").GET().build(), 200);
    }

    public SearchResult search(String text, String validity, Optional<String> continuationToken, int pageSize) {
        return search(SearchFilters.of(text, validity), continuationToken, pageSize);
    }

    /** A page of the core's search with these filters. */
    public SearchResult search(SearchFilters filters, Optional<String> continuationToken, int pageSize) {
        List<Map.Entry<String, String>> query = new ArrayList<>();
        if (!filters.text().isBlank()) {
            query.add(Map.entry("searchText", filters.text()));
        }
        query.add(Map.entry("certValidity", filters.validity()));
        filters.types().forEach(type -> query.add(Map.entry("certType", type)));
        filters.endpoints().forEach(endpoint -> query.add(Map.entry("endpoint", endpoint)));
        filters.expiresWithinDays().ifPresent(days -> query.add(Map.entry("expiresWithinDays", days.toString())));
        filters.boundObject().ifPresent(id -> query.add(Map.entry("boundObject", id)));
        if (filters.withoutSuccessor()) {
            query.add(Map.entry("withoutSuccessor", "true"));
        }
        query.add(Map.entry("pageSize", Integer.toString(pageSize)));
        continuationToken.filter(token -> !token.isBlank()).ifPresent(token -> query.add(Map.entry("continuationToken", token)));
        String queryText = query.stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        JsonNode page = json(expect(authorized("api/manage/search?" + queryText).GET().build(), 200));
        List<CertificateSummary> items = new ArrayList<>();
        page.path("items").forEach(item -> items.add(summary(item)));
        return new SearchResult(items, text(page.path("continuationToken")));
    }

    /** The certificate with exactly this serial number (hex), if the core has it. */
    public Optional<CertificateSummary> find(String serialHex) {
        return certificate(serialHex).map(CertificateDetail::certificate);
    }

    /** The certificate with this serial (hex), its live status and its history, as the core explains them; empty when it has none. */
    public Optional<CertificateDetail> certificate(String serialHex) {
        JsonNode detail;
        try {
            detail = json(expect(authorized("api/manage/certificates/" + URLEncoder.encode(serialHex, StandardCharsets.UTF_8)).GET().build(),
                    200));
        } catch (CoreRefusal refusal) {
            if (refusal.status() == 404) {
                return Optional.empty();
            }
            throw refusal;
        }
        JsonNode status = detail.path("status");
        List<CertificateDetail.HistoryEntry> history = new ArrayList<>();
        detail.path("history").forEach(entry -> history.add(new CertificateDetail.HistoryEntry(summary(entry), text(entry.path("replaces")),
                text(entry.path("replacedBy")), entry.path("renewalMissed").asBoolean(false))));
        return Optional.of(new CertificateDetail(summary(detail.path("certificate")),
                new CertificateDetail.Status(status.path("ocspStatus").asString(""), status.path("source").asString(""),
                        text(status.path("reason")), text(status.path("revokedBy")), status.path("explanation").asString(""),
                        status.path("expired").asBoolean(false)),
                history, detail.path("historyComplete").asBoolean(true)));
    }

    /** Revokes; {@code revoker} is the signed-in person, recorded by the core as "{revoker} through API user {portal}". */
    public void revoke(String serialHex, int reason, String revoker) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revocationReason", reason);
        body.put("revoker", revoker);
        HttpRequest request = authorized("api/manage/revoke/" + URLEncoder.encode(serialHex, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        expect(request, 200);
    }

    /** The newest events of the core's audit trail, at most {@code limit} (1 to 1000), newest first. */
    public List<AuditEntry> audit(int limit) {
        JsonNode events = json(expect(authorized("api/manage/audit?limit=" + limit).GET().build(), 200));
        List<AuditEntry> entries = new ArrayList<>();
        for (JsonNode event : events) {
            Instant at;
            try {
                at = Instant.parse(event.path("at").asString(""));
            } catch (java.time.format.DateTimeParseException e) {
                throw new CoreUnavailable("The CA's API answered an audit event without a valid time: " + e.getParsedString(), e);
            }
            entries.add(new AuditEntry(at, event.path("actor").asString(""), event.path("action").asString(""),
                    event.path("target").asString(""), event.path("outcome").asString("")));
        }
        return entries;
    }

    /** Reports a sign-in to the core's audit trail ({@code POST /api/manage/audit/sign-in}, the portal's CSR.Request). */
    public void reportSignIn(String user, String method, String address, boolean succeeded, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("method", method);
        body.put("address", address);
        body.put("succeeded", succeeded);
        body.put("reason", reason);
        expect(authorized("api/manage/audit/sign-in").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(), 204);
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + credential.token());
    }

    private byte[] expect(HttpRequest request, int status) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CoreUnavailable("The CA's API at " + base + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoreUnavailable("Interrupted while waiting for the CA's API", e);
        }
        if (response.statusCode() == status) {
            return response.body();
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            // The portal's own credential is wrong or lacks a role: an operator's matter, not the user's.
            throw new CoreUnavailable("The CA's API refused Certificate Master's credential " + credential.name() + " (HTTP "
                    + response.statusCode() + "); check certmaster-client.json and its roles (CSR.Request, Manage.All).", null);
        }
        if (response.statusCode() >= 400 && response.statusCode() < 500) {
            throw new CoreRefusal(response.statusCode(), problemDetail(response.body()).orElse("The CA refused the request (HTTP "
                    + response.statusCode() + ")."));
        }
        throw new CoreUnavailable("The CA's API answered HTTP " + response.statusCode() + problemDetail(response.body()).map(d -> ": " + d).orElse(""),
                null);
    }

    private static Optional<String> problemDetail(byte[] body) {
        try {
            JsonNode problem = JSON.readTree(body);
            return text(problem.path("detail")).or(() -> text(problem.path("title")));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new CoreUnavailable("The CA's API answered something that is not JSON", e);
        }
    }

    private static CertificateSummary summary(JsonNode item) {
        List<String> sans = new ArrayList<>();
        item.path("sans").forEach(san -> sans.add(san.asString("")));
        return new CertificateSummary(item.path("serialNumber").asString(""), item.path("subject").asString(""), List.copyOf(sans),
                Instant.parse(item.path("issuanceDate").asString()), Instant.parse(item.path("expirationDate").asString()),
                text(item.path("revocationDate")).map(Instant::parse),
                item.path("revocationReason").isNumber() ? Optional.of(item.path("revocationReason").asInt()) : Optional.empty(),
                text(item.path("revokedBy")), item.path("requester").asString(""), item.path("source").asString(""),
                item.path("certificateType").asString(""), text(item.path("boundObject").path("id")),
                text(item.path("thumbprint")));
    }

    private static Optional<String> text(JsonNode node) {
        return node.isString() && !node.asString().isEmpty() ? Optional.of(node.asString()) : Optional.empty();
    }
}
