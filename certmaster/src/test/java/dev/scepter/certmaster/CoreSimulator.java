package dev.scepter.certmaster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The core's HTTP API as Certificate Master calls it, on loopback: answers as the real one does
 * (problem+json for a refusal), and records what it was asked, with which bearer token.
 */
final class CoreSimulator implements AutoCloseable {

    record Call(String method, String pathAndQuery, String authorization, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final String SERIAL = "5CE97E";
    /** The continuation token of a search with {@code endpoint=paged}, whose second page is hostile to spreadsheets. */
    static final String SECOND_PAGE = "page-2";

    /** The installation's cap the simulated core applies, as the core's default {@code AppConfig:ValidityPeriodDays}. */
    static final int CAP_DAYS = 730;

    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile String csrProblem;
    volatile boolean revoked;
    /** When set, {@code GET /ca} answers 503, as a core that cannot read its CA certificate. */
    volatile boolean caUnavailable;
    /** How long {@code POST /api/csr} takes, as a busy core: long enough for a second click to arrive meanwhile. */
    volatile long csrDelayMillis;
    /** A serial whose revocation the simulated core fails with HTTP 503. */
    static final String FAILING = "DEAD01";
    /**
     * A device's three certificates, each a renewal of the one before: A replaced by B, B replaced A and was replaced by C,
     * C replaced B and is due without a renewal. Each one's page has the same history.
     */
    static final List<String> RENEWALS = List.of("A1A1", "B2B2", "C3C3");
    static final String RENEWED_DEVICE = "6f1c2a0e-3b7d-4c55-9e8a-2d4f6b8a0c11";
    private final HttpServer server;
    /** The CA that signs what is asked for with a kind, as the core would: a real certificate for the request's key. */
    private final java.security.KeyPair caKeys;
    private final org.bouncycastle.cert.X509CertificateHolder caCertificate;

    CoreSimulator() throws IOException {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            caKeys = generator.generateKeyPair();
            org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=Simulated Core CA");
            caCertificate = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                    new java.util.Date(), new java.util.Date(System.currentTimeMillis() + 86_400_000L * 3650), name, caKeys.getPublic())
                    .addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true))
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
        } catch (java.security.GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    List<Call> calls(String method, String pathPrefix) {
        return calls.stream().filter(c -> c.method().equals(method) && c.pathAndQuery().startsWith(pathPrefix)).toList();
    }

    /**
     * How many calls came other than sign-in reports. The portal reports sign-ins in the background, so one from an earlier
     * sign-in may arrive at any time; a test that counts what a page sent to the core counts these.
     */
    int callsButSignInReports() {
        return (int) calls.stream().filter(c -> !c.pathAndQuery().startsWith("/api/manage/audit/sign-in")).count();
    }

    /** The calls, once at least {@code atLeast} of them came (the portal reports sign-ins in the background); after 10 s, as they are. */
    List<Call> awaitCalls(String method, String pathPrefix, int atLeast) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (calls(method, pathPrefix).size() < atLeast && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        return calls(method, pathPrefix);
    }

    /** The first call that matches, waiting for it up to 10 s. */
    java.util.Optional<Call> awaitCall(String method, String pathPrefix, java.util.function.Predicate<Call> matching) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (calls(method, pathPrefix).stream().noneMatch(matching) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        return calls(method, pathPrefix).stream().filter(matching).findFirst();
    }

    static byte[] resource(String name) {
        try (InputStream in = CoreSimulator.class.getResourceAsStream("/core/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        calls.add(new Call(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"), body));
        String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        if (route.equals("GET /ca") && caUnavailable) {
            problem(exchange, 503, "The CA certificate cannot be read.");
        } else if (route.equals("GET /ca")) {
            send(exchange, 200, "application/pkix-cert", caCertificate.getEncoded());
        } else if (route.equals("GET /api/manage/crl")) {
            send(exchange, 200, "application/pkix-crl", crl());
        } else if (route.equals("POST /api/csr")) {
            if (csrDelayMillis > 0) {
                try {
                    Thread.sleep(csrDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String query = exchange.getRequestURI().getRawQuery();
            java.util.regex.Matcher asked = java.util.regex.Pattern.compile("validityDays=(\\d+)").matcher(query == null ? "" : query);
            if (csrProblem != null) {
                problem(exchange, 400, csrProblem);
            } else if (asked.find() && Integer.parseInt(asked.group(1)) > CAP_DAYS) {
                // The core's default AppConfig:ValidityPeriodDays caps every kind, code signing's 1095 days too.
                problem(exchange, 400, "The request cannot be issued: at most " + CAP_DAYS + " days here, not " + asked.group(1) + ".");
            } else if (query != null && query.contains("kind=")) {
                send(exchange, 200, "application/pkix-cert", sign(body, query));
            } else {
                send(exchange, 200, "application/pkix-cert", resource("leaf.cer"));
            }
        } else if (route.equals("POST /api/manage/audit/sign-in")) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else if (route.equals("GET /api/manage/audit")) {
            String events = "[{\"at\":\"2026-06-01T00:00:00Z\",\"actor\":\"admin through API user certmaster\",\"action\":\"certificate.revoke\","
                    + "\"target\":\"" + SERIAL + " reason 1\",\"outcome\":\"revoked\"},"
                    + "{\"at\":\"2026-05-01T00:00:00Z\",\"actor\":\"endpoint static (token x)\",\"action\":\"certificate.issue\","
                    + "\"target\":\"0B subject \\\"CN=<b>device</b>\\\"\",\"outcome\":\"success\"}]";
            send(exchange, 200, "application/json", events.getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("GET /api/manage/search") && path.contains("continuationToken=" + SECOND_PAGE)) {
            // The second page of a paged search: fields a spreadsheet would run as formulas.
            String hostile = "{\"serialNumber\":\"ABC123\",\"subject\":\"=HYPERLINK(\\\"http://evil.example\\\")\",\"sans\":[\"dns:-x.example\"],"
                    + "\"issuanceDate\":\"2026-01-01T00:00:00Z\",\"expirationDate\":\"2026-02-01T00:00:00Z\",\"revocationDate\":null,"
                    + "\"revocationReason\":null,\"revokedBy\":null,\"requester\":\"@SUM(1+1)\",\"source\":\"+paged\","
                    + "\"certificateType\":\"Device\",\"boundObject\":{\"type\":\"DEVICE\",\"id\":\"d6b58414-60ed-426b-b382-276a3e8d626d\"}}";
            send(exchange, 200, "application/json", ("{\"items\":[" + hostile + "],\"continuationToken\":null}").getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("GET /api/manage/search")) {
            String next = path.contains("endpoint=paged") ? "\"" + SECOND_PAGE + "\"" : "null";
            send(exchange, 200, "application/json", ("{\"items\":[" + item() + "],\"continuationToken\":" + next + "}")
                    .getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("GET /api/manage/certificates/" + SERIAL)) {
            String status = revoked
                    ? "{\"ocspStatus\":\"revoked\",\"source\":\"MANUAL\",\"reasonCode\":1,\"reason\":\"keyCompromise\","
                            + "\"revokedBy\":\"admin through API user certmaster\",\"expired\":false,\"explanation\":\"Revoked by hand on"
                            + " 2026-06-01T00:00:00Z by admin through API user certmaster, reason keyCompromise. A manual revocation is final.\"}"
                    : "{\"ocspStatus\":\"good\",\"source\":\"UNBOUND\",\"expired\":false,\"explanation\":\"Good: bound to no device"
                            + " or user, so it stays good until it is revoked by hand or expires.\"}";
            String history = "[" + item().replace("}", ",\"replaces\":null,\"replacedBy\":null,\"renewalMissed\":false}") + "]";
            send(exchange, 200, "application/json", ("{\"certificate\":" + item() + ",\"status\":" + status + ",\"history\":" + history
                    + ",\"historyComplete\":true}").getBytes(StandardCharsets.UTF_8));
        } else if (route.startsWith("GET /api/manage/certificates/") && RENEWALS.contains(route.substring(route.lastIndexOf('/') + 1))) {
            String serial = route.substring(route.lastIndexOf('/') + 1);
            String status = "{\"ocspStatus\":\"good\",\"source\":\"DIRECTORY\",\"expired\":false,\"explanation\":\"Good: the device is"
                    + " enabled in the directory.\"}";
            String history = "[" + renewal(0).replace("}}", "},\"replaces\":null,\"replacedBy\":\"" + RENEWALS.get(1) + "\",\"renewalMissed\":false}")
                    + "," + renewal(1).replace("}}", "},\"replaces\":\"" + RENEWALS.get(0) + "\",\"replacedBy\":\"" + RENEWALS.get(2)
                            + "\",\"renewalMissed\":false}")
                    + "," + renewal(2).replace("}}", "},\"replaces\":\"" + RENEWALS.get(1) + "\",\"replacedBy\":null,\"renewalMissed\":true}")
                    + "]";
            send(exchange, 200, "application/json", ("{\"certificate\":" + renewal(RENEWALS.indexOf(serial)) + ",\"status\":" + status
                    + ",\"history\":" + history + ",\"historyComplete\":true}").getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("PATCH /api/manage/revoke/" + FAILING)) {
            // A core that fails after it may have committed (HTTP 503 from its proxy).
            problem(exchange, 503, "Service unavailable.");
        } else if (route.equals("PATCH /api/manage/revoke/" + SERIAL)) {
            if (revoked) {
                problem(exchange, 409, "The certificate is already revoked.");
            } else {
                revoked = true;
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            }
        } else {
            problem(exchange, 404, "Not found.");
        }
    }

    /** Signs the request as the core does for a kind: its subject and SANs, the usages it asks for, the lifetime asked for. */
    private byte[] sign(byte[] der, String query) throws IOException {
        try {
            org.bouncycastle.pkcs.PKCS10CertificationRequest csr = new org.bouncycastle.pkcs.PKCS10CertificationRequest(der);
            java.util.regex.Matcher days = java.util.regex.Pattern.compile("validityDays=(\\d+)").matcher(query);
            long lifetime = 86_400_000L * (days.find() ? Integer.parseInt(days.group(1)) : 30);
            java.math.BigInteger serial = new java.math.BigInteger(64, new java.security.SecureRandom()).setBit(62);
            org.bouncycastle.cert.X509v3CertificateBuilder builder = new org.bouncycastle.cert.X509v3CertificateBuilder(
                    caCertificate.getSubject(), serial, new java.util.Date(), new java.util.Date(System.currentTimeMillis() + lifetime),
                    csr.getSubject(), csr.getSubjectPublicKeyInfo());
            for (org.bouncycastle.asn1.pkcs.Attribute attribute : csr.getAttributes(
                    org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                org.bouncycastle.asn1.x509.Extensions extensions = org.bouncycastle.asn1.x509.Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
                for (org.bouncycastle.asn1.ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
                    builder.addExtension(extensions.getExtension(oid));
                }
            }
            return builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()))
                    .getEncoded();
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException(e);
        }
    }

    private byte[] crl() throws IOException {
        try {
            return new org.bouncycastle.cert.X509v2CRLBuilder(caCertificate.getSubject(), new java.util.Date())
                    .setNextUpdate(new java.util.Date(System.currentTimeMillis() + 3_600_000L))
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())).getEncoded();
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException(e);
        }
    }

    private String item() {
        return "{\"serialNumber\":\"" + SERIAL + "\",\"subject\":\"CN=www.example.test\",\"sans\":[\"dns:www.example.test\"],"
                + "\"issuanceDate\":\"2026-01-01T00:00:00Z\",\"expirationDate\":\"2099-01-01T00:00:00Z\","
                + (revoked ? "\"revocationDate\":\"2026-06-01T00:00:00Z\",\"revocationReason\":1,\"revokedBy\":\"admin through API user certmaster\","
                        : "\"revocationDate\":null,\"revocationReason\":null,\"revokedBy\":null,")
                + "\"requester\":\"certmaster\",\"source\":\"api\",\"certificateType\":\"Static\",\"boundObject\":null}";
    }

    /** The device's {@code index}th certificate of {@link #RENEWALS}, a year after the one before. */
    private static String renewal(int index) {
        int year = 2024 + index;
        return "{\"serialNumber\":\"" + RENEWALS.get(index) + "\",\"subject\":\"CN=" + RENEWED_DEVICE + "\",\"sans\":[],"
                + "\"issuanceDate\":\"" + year + "-01-01T00:00:00Z\",\"expirationDate\":\"" + (year + 1) + "-01-15T00:00:00Z\","
                + "\"revocationDate\":null,\"revocationReason\":null,\"revokedBy\":null,\"requester\":\"scep\",\"source\":\"intune\","
                + "\"certificateType\":\"Device\",\"boundObject\":{\"type\":\"DEVICE\",\"id\":\"" + RENEWED_DEVICE + "\"}}";
    }

    private static void problem(HttpExchange exchange, int status, String detail) throws IOException {
        send(exchange, status, "application/problem+json",
                ("{\"status\":" + status + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
