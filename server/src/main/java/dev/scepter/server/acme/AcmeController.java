package dev.scepter.server.acme;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import dev.scepter.authority.acme.AcmeIdentifier;
import dev.scepter.authority.acme.AcmeOrderCheck;
import dev.scepter.authority.acme.AcmeProfile;
import dev.scepter.authority.acme.RenewalWindow;
import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.EnrollmentRequest;
import dev.scepter.authority.enrollment.EnrollmentService;
import dev.scepter.authority.issuance.CertificateKind;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.AcmeStore.Account;
import dev.scepter.authority.store.AcmeStore.Authorization;
import dev.scepter.authority.store.AcmeStore.Challenge;
import dev.scepter.authority.store.AcmeStore.Identifier;
import dev.scepter.authority.store.AcmeStore.Order;
import dev.scepter.authority.store.AcmeStore.Problem;
import dev.scepter.authority.store.AcmeStore.Status;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeExternalAccountBinding;
import dev.scepter.protocol.acme.AcmeJws;
import dev.scepter.protocol.acme.AcmeProblem;
import dev.scepter.server.CoreContext;
import dev.scepter.server.scep.ScepController;
import dev.scepter.settings.AcmeProfileSettings;
import dev.scepter.settings.AcmeSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * ACME (RFC 8555) under {@code /acme/{profile}/}: the directory, nonces, accounts (JWS with an
 * inline RS256 or ES256 key), orders, authorizations with an HTTP-01 challenge, finalize, the
 * certificate with its chain, and revocation by the account that ordered the certificate or by the
 * certificate's own key. The issuance decision is the authority's: {@link EnrollmentService} with
 * {@link AcmeOrderCheck} vouching that the CSR asks for exactly the order's authorized names, each
 * one the profile certifies; the certificate is recorded (endpoint {@code acme}) before it leaves,
 * and OCSP, the CRL and the API see it like every other. Every refusal is an RFC 8555 problem
 * document ({@code application/problem+json}, {@code urn:ietf:params:acme:error:*}) carrying a
 * fresh nonce. Accounts, orders, authorizations and nonces are in the installation's store
 * ({@link AcmeState}, {@link AcmeNonces}), so any node that shares it serves any request.
 */
@RestController
public final class AcmeController {

    static final String PREFIX = "/acme/{profile}";
    /** The endpoint name ACME's certificates are recorded with. */
    static final String ENDPOINT = "acme";
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;
    private static final MediaType JOSE_JSON = MediaType.parseMediaType("application/jose+json");
    private static final MediaType PEM_CHAIN = MediaType.parseMediaType("application/pem-certificate-chain");
    private static final Set<Long> REASONS = Set.of(0L, 1L, 3L, 4L, 5L, 9L);
    private static final Duration ORDER_LIFETIME = Duration.ofDays(7);
    static final String HTTP_01 = "http-01";
    static final String DNS_01 = "dns-01";
    static final String TLS_ALPN_01 = "tls-alpn-01";
    /** A validation takes at most about 10 seconds: a challenge processing for longer lost its node, and may be validated again. */
    private static final Duration ABANDONED = Duration.ofSeconds(60);
    /**
     * A finalize processing for longer is taken to have lost its node. Not every store or key has a
     * timeout (JDBC statements, PKCS#11), so a slow node may outlive it: its writes are fenced on its
     * claim and it checks the claim just before signing, so it never overwrites or undoes a takeover.
     */
    static final Duration FINALIZE_ABANDONED = Duration.ofMinutes(5);
    /** How long a client should wait before asking for renewal information again (RFC 9773 section 4.3). */
    static final long RENEWAL_INFO_RETRY_SECONDS = 6 * 3600;
    private static final java.util.regex.Pattern BASE64URL = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");
    private static final System.Logger LOG = System.getLogger(AcmeController.class.getName());

    private final CoreContext core;
    private final AcmeSettings settings;
    private final EnrollmentService enrollments;
    private final Revocations revocations;
    private final Clock clock;
    private final AcmeNonces nonces;
    private final AcmeState state;
    private final Dns01Validator dns01;
    private final TlsAlpn01Validator tlsAlpn01;
    /** The profiles served, by name: {@code default} and those of {@code AppConfig:Acme:Profiles}. */
    private final Map<String, Served> profiles;

    /**
     * What one profile serves with: the names it certifies, HTTP-01 bounded by them (redirects
     * included), its certificates' validity, the external account keys its bindings are checked with,
     * and its own validation slots (an open profile's slow names must not keep a closed one's challenges waiting).
     */
    private record Served(AcmeProfileSettings settings, AcmeProfile names, Http01Validator http01, EndpointProfile issuance,
            ExternalAccountKeys externalAccounts, ValidationGate validations) {
    }

    public AcmeController(CoreContext core, AcmeSettings settings, EnrollmentService enrollments, Revocations revocations, Clock clock) {
        this.core = core;
        this.settings = settings;
        this.enrollments = enrollments;
        this.revocations = revocations;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        this.nonces = AcmeNonces.of(core, random, clock);
        this.state = AcmeState.of(core, random);
        this.tlsAlpn01 = new TlsAlpn01Validator(settings.tlsAlpn01Port());
        this.dns01 = new Dns01Validator(settings.dns01LookupCommand().<Dns01Validator.TxtLookup>map(Dns01Validator.CommandLookup::new)
                .orElseGet(Dns01Validator.DnsLookup::new));
        Map<String, Served> served = new LinkedHashMap<>();
        Map<String, ExternalAccountKeys> keysFiles = new java.util.HashMap<>();
        for (AcmeProfileSettings profile : settings.enabled() ? settings.served() : List.<AcmeProfileSettings>of()) {
            // Profiles sharing a keys file share one reading of it.
            ExternalAccountKeys externalAccounts = profile.externalAccountKeysFile()
                    .map(file -> keysFiles.computeIfAbsent(file, f -> ExternalAccountKeys.load(java.nio.file.Path.of(f), profile.externalAccountKeysFileSetting())))
                    .orElseGet(ExternalAccountKeys::none);
            if (profile.externalAccountRequired() && externalAccounts.size() == 0) {
                // Otherwise no one could ever register, and nothing would say why.
                throw new IllegalStateException(profile.externalAccountKeysFileSetting() + " holds no keys, and " + profile.externalAccountRequiredSetting()
                        + " is true for ACME profile '" + profile.name() + "'");
            }
            AcmeProfile names = names(profile);
            // The Server kind, not the CSR, decides the usages: serverAuth (clientAuth if asked), digitalSignature
            // (and keyEncipherment for RSA), DNS and IP names only; a CSR asking for another usage is refused.
            EndpointProfile issuance = new EndpointProfile(ENDPOINT, SerialNumbers.TYPE_STATIC, Optional.of(profile.validityPeriodDays()),
                    List.of(KeyPurposeId.id_kp_serverAuth), KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                    .ofKind(CertificateKind.SERVER, Math.min(profile.validityPeriodDays(), CertificateKind.SERVER.maximumValidityDays()));
            served.put(profile.name(), new Served(profile, names, new Http01Validator(names, settings.http01Port()), issuance, externalAccounts,
                    new ValidationGate(ValidationGate.LIMIT)));
        }
        this.profiles = Map.copyOf(served);
        overlaps(settings.enabled() ? settings.served() : List.of()).forEach(warning -> LOG.log(System.Logger.Level.WARNING, warning));
    }

    /**
     * A name is only as protected as the most open profile that certifies it: an open profile
     * certifying part of what a profile requiring external account binding certifies gives those
     * names to anyone, so the admin is told at start-up, one warning per such pair.
     */
    static List<String> overlaps(List<AcmeProfileSettings> served) {
        List<String> warnings = new ArrayList<>();
        for (AcmeProfileSettings open : served) {
            for (AcmeProfileSettings bound : served) {
                if (open.externalAccountRequired() || !bound.externalAccountRequired()) {
                    continue;
                }
                List<String> shared = names(open).overlap(names(bound));
                if (!shared.isEmpty()) {
                    warnings.add("ACME profile '" + open.name() + "' registers anyone and certifies names that profile '" + bound.name()
                            + "', which requires external account binding, certifies too (" + String.join(", ", shared) + "): anyone gets those names from '"
                            + open.name() + "', so keep their suffixes and ranges apart");
                }
            }
        }
        return List.copyOf(warnings);
    }

    private static AcmeProfile names(AcmeProfileSettings profile) {
        return new AcmeProfile(profile.name(), profile.dnsSuffixes(), profile.ipRanges(), profile.allowWildcards());
    }

    /** The profile of a request that {@link #answer} let through. */
    private Served served(String profile) {
        Served served = profiles.get(profile);
        if (served == null) {
            throw new AcmeProblem(AcmeError.NOT_FOUND, "No such ACME profile.");
        }
        return served;
    }

    // ---- unauthenticated resources -------------------------------------------------------------

    /** RFC 8555 section 7.1.1. */
    @RequestMapping(value = PREFIX + "/directory", method = RequestMethod.GET)
    public ResponseEntity<?> directory(HttpServletRequest request, @PathVariable String profile) {
        return answer(request, profile, () -> {
            String base = base(request, profile);
            Map<String, Object> directory = new LinkedHashMap<>();
            directory.put("newNonce", base + "/new-nonce");
            directory.put("newAccount", base + "/new-account");
            directory.put("newOrder", base + "/new-order");
            directory.put("revokeCert", base + "/revoke-cert");
            directory.put("keyChange", base + "/key-change");
            directory.put("renewalInfo", base + "/renewal-info");
            directory.put("meta", Map.of("externalAccountRequired", served(profile).settings().externalAccountRequired()));
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(directory);
        });
    }

    /** RFC 8555 section 7.2: HEAD answers 200, GET 204, each with a nonce. */
    @RequestMapping(value = PREFIX + "/new-nonce", method = {RequestMethod.HEAD, RequestMethod.GET})
    public ResponseEntity<?> newNonce(HttpServletRequest request, @PathVariable String profile) {
        return answer(request, profile, () -> ResponseEntity.status("HEAD".equals(request.getMethod()) ? HttpStatus.OK : HttpStatus.NO_CONTENT)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }

    /**
     * RFC 9773 (ARI): when to renew the certificate named by {@code certID}, base64url of its
     * Authority Key Identifier's keyIdentifier, a dot, base64url of its serial number's DER content
     * octets. Any certificate this CA recorded has an answer; another is 404.
     */
    @RequestMapping(value = PREFIX + "/renewal-info/{certId}", method = RequestMethod.GET)
    public ResponseEntity<?> renewalInfo(HttpServletRequest request, @PathVariable String profile, @PathVariable String certId) {
        return answer(request, profile, () -> {
            String[] parts = certId.split("\\.", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty() || !BASE64URL.matcher(parts[0]).matches()
                    || !BASE64URL.matcher(parts[1]).matches()) {
                throw new AcmeProblem(AcmeError.MALFORMED, "A certID is base64url(keyIdentifier) \".\" base64url(serial), unpadded (RFC 9773 section 4.1).");
            }
            byte[] keyIdentifier;
            byte[] serialOctets;
            try {
                keyIdentifier = java.util.Base64.getUrlDecoder().decode(parts[0]);
                serialOctets = java.util.Base64.getUrlDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The certID is not base64url.");
            }
            if (serialOctets.length > 20 || serialOctets[0] < 0) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The certID's serial number is a positive DER INTEGER of at most 20 octets.");
            }
            BigInteger serial = new BigInteger(serialOctets);
            dev.scepter.authority.store.IssuedCertificate record = revocations.recorded(serial)
                    .filter(recorded -> Arrays.equals(keyIdentifier, authorityKeyIdentifier(recorded.der())))
                    .orElseThrow(() -> new AcmeProblem(AcmeError.NOT_FOUND, "This CA has no record of that certificate."));
            RenewalWindow window = RenewalWindow.suggested(record.notBefore(), record.notAfter(),
                    record.revocation().map(dev.scepter.authority.store.Revocation::revokedAt));
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.RETRY_AFTER, String.valueOf(RENEWAL_INFO_RETRY_SECONDS))
                    .body(Map.of("suggestedWindow", Map.of("start", window.start().toString(), "end", window.end().toString())));
        });
    }

    private static byte[] authorityKeyIdentifier(byte[] der) {
        try {
            org.bouncycastle.asn1.x509.AuthorityKeyIdentifier aki = org.bouncycastle.asn1.x509.AuthorityKeyIdentifier
                    .fromExtensions(new X509CertificateHolder(der).getExtensions());
            return aki == null || aki.getKeyIdentifier() == null ? new byte[0] : aki.getKeyIdentifier();
        } catch (IOException | RuntimeException e) {
            return new byte[0];
        }
    }

    // ---- accounts ------------------------------------------------------------------------------

    /** RFC 8555 section 7.3. */
    @RequestMapping(value = PREFIX + "/new-account", method = RequestMethod.POST)
    public ResponseEntity<?> newAccount(HttpServletRequest request, @PathVariable String profile) {
        return answer(request, profile, () -> {
            AcmeJws jws = AcmeJws.parse(body(request));
            checkNonceAndUrl(jws, request);
            JWK key = jws.jwk().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED, "newAccount is signed with an inline jwk (RFC 8555 section 7.3)."));
            verified(jws, key);
            Map<String, Object> payload = jws.payload().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED, "newAccount has a payload."));
            String thumbprint = AcmeJws.thumbprint(key);
            Served served = served(profile);
            ExternalAccountKeys externalAccounts = served.externalAccounts();
            // The profile's account with this key: an account of another profile is not this profile's to return or bind.
            Optional<Account> existing = state.accountByKey(profile, thumbprint);
            if (existing.isPresent()) {
                Account account = existing.get();
                if (payload.containsKey("externalAccountBinding") && unbound(account)) {
                    // An account registered while registration was open, or whose team's key was withdrawn: bound now.
                    String bound = AcmeExternalAccountBinding.verify(payload.get("externalAccountBinding"), jws.url(), key, externalAccounts::key);
                    account = state.bind(account, bound);
                    LOG.log(System.Logger.Level.INFO, "ACME account {0} bound to external account {1}", account.id(), bound);
                } else {
                    refuseUnbound(account);
                }
                return ResponseEntity.ok().location(java.net.URI.create(accountUrl(request, profile, account)))
                        .contentType(MediaType.APPLICATION_JSON).body(account(request, profile, account));
            }
            if (Boolean.TRUE.equals(payload.get("onlyReturnExisting"))) {
                throw new AcmeProblem(AcmeError.ACCOUNT_DOES_NOT_EXIST, "No account has this key.");
            }
            String externalAccount = null;
            if (payload.containsKey("externalAccountBinding")) {
                externalAccount = AcmeExternalAccountBinding.verify(payload.get("externalAccountBinding"), jws.url(), key, externalAccounts::key);
            } else if (served.settings().externalAccountRequired()) {
                throw new AcmeProblem(AcmeError.EXTERNAL_ACCOUNT_REQUIRED, "This server registers accounts bound to an external account only"
                        + " (externalAccountBinding, RFC 8555 section 7.3.4).");
            }
            // Counted per profile: accounts anyone may register on an open profile must not lock a closed one out.
            if (state.accounts(profile) >= AcmeState.MAX_ACCOUNTS) {
                throw new AcmeProblem(AcmeError.RATE_LIMITED, "This ACME profile keeps no more accounts (" + AcmeState.MAX_ACCOUNTS
                        + ").");
            }
            List<String> contact = new ArrayList<>();
            if (payload.get("contact") instanceof List<?> given) {
                for (Object item : given) {
                    if (!(item instanceof String uri) || !uri.startsWith("mailto:") || uri.length() > 200) {
                        throw new AcmeProblem(AcmeError.MALFORMED, "A contact is a mailto: URI.");
                    }
                    contact.add(uri);
                }
            }
            Account fresh = new Account(state.newId(), profile, key.toPublicJWK().toJSONString(), thumbprint, Status.VALID, contact,
                    Optional.ofNullable(externalAccount), clock.instant(), 0);
            Account account = state.create(fresh);
            if (account.id().equals(fresh.id())) {
                LOG.log(System.Logger.Level.INFO, "ACME account {0} of profile {1} created from {2}{3}", account.id(), profile, request.getRemoteAddr(),
                        externalAccount == null ? "" : " for external account " + externalAccount);
            }
            return ResponseEntity.status(HttpStatus.CREATED).location(java.net.URI.create(accountUrl(request, profile, account)))
                    .contentType(MediaType.APPLICATION_JSON).body(account(request, profile, account));
        });
    }

    /** RFC 8555 sections 7.3.2 and 7.3.6: the account, its contacts updated, or deactivated. */
    @RequestMapping(value = PREFIX + "/account/{id}", method = RequestMethod.POST)
    public ResponseEntity<?> account(HttpServletRequest request, @PathVariable String profile, @PathVariable String id) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            if (!signed.account.id().equals(id)) {
                throw new AcmeProblem(AcmeError.UNAUTHORIZED, "This is not the account the request is signed by.");
            }
            Account account = signed.account;
            if (signed.jws.payload().isPresent() && "deactivated".equals(signed.jws.payload().get().get("status"))) {
                account = state.deactivate(account);
            }
            return json(HttpStatus.OK, account(request, profile, account));
        });
    }

    /**
     * RFC 8555 section 7.3.5: the outer JWS is signed by the account's key, its payload is an inner
     * JWS signed by the new key (given as its jwk, with the same url and no nonce) whose payload names
     * the account and its old key. A new key another account has is 409 with that account's URL.
     */
    @RequestMapping(value = PREFIX + "/key-change", method = RequestMethod.POST)
    public ResponseEntity<?> keyChange(HttpServletRequest request, @PathVariable String profile) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            Map<String, Object> outer = signed.jws.payload().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED,
                    "keyChange carries the inner JWS as its payload."));
            AcmeJws inner = AcmeJws.parseKeyChange(outer);
            JWK newKey = inner.jwk().orElseThrow();
            try {
                inner.verify(newKey);
            } catch (AcmeProblem problem) {
                throw new AcmeProblem(problem.error() == AcmeError.UNAUTHORIZED ? AcmeError.MALFORMED : problem.error(),
                        "The inner JWS is not signed by the new key it carries: " + problem.detail());
            }
            if (!inner.url().equals(signed.jws.url())) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The inner JWS has the outer JWS's url (RFC 8555 section 7.3.5).");
            }
            Map<String, Object> payload = inner.payload().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED,
                    "The inner JWS carries the account and the old key."));
            String accountUrl = accountUrl(request, profile, signed.account);
            if (!accountUrl.equals(payload.get("account"))) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The inner JWS's account is the account that signs the request.");
            }
            JWK oldKey;
            try {
                oldKey = payload.get("oldKey") instanceof Map<?, ?> given ? JWK.parse(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                        cast(given))) : null;
            } catch (java.text.ParseException | RuntimeException e) {
                oldKey = null;
            }
            if (oldKey == null || oldKey.isPrivate() || !AcmeJws.thumbprint(oldKey).equals(signed.account.thumbprint())) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The inner JWS's oldKey is the account's current key.");
            }
            String newThumbprint = AcmeJws.thumbprint(newKey);
            if (newThumbprint.equals(signed.account.thumbprint())) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The new key is the account's current key.");
            }
            if (!state.changeKey(signed.account, newKey, newThumbprint)) {
                String holder = state.accountByKey(signed.account.profile(), newThumbprint).map(other -> accountUrl(request, profile, other)).orElse(null);
                throw new AcmeProblem(AcmeError.CONFLICT, "Another account has this key.", holder);
            }
            LOG.log(System.Logger.Level.INFO, "ACME account {0} changed its key", signed.account.id());
            return json(HttpStatus.OK, account(request, profile, state.account(signed.account.id()).orElse(signed.account)));
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    /** RFC 8555 section 7.1.2.1: the account's orders. */
    @RequestMapping(value = PREFIX + "/account/{id}/orders", method = RequestMethod.POST)
    public ResponseEntity<?> orders(HttpServletRequest request, @PathVariable String profile, @PathVariable String id) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            if (!signed.account.id().equals(id)) {
                throw new AcmeProblem(AcmeError.UNAUTHORIZED, "This is not the account the request is signed by.");
            }
            String base = base(request, profile);
            return json(HttpStatus.OK, Map.of("orders", state.orderIds(id).stream().map(o -> base + "/order/" + o).toList()));
        });
    }

    // ---- orders, authorizations, challenges ----------------------------------------------------

    /** RFC 8555 section 7.4: identifiers the profile does not certify are {@code rejectedIdentifier}, and no order is made. */
    @RequestMapping(value = PREFIX + "/new-order", method = RequestMethod.POST)
    public ResponseEntity<?> newOrder(HttpServletRequest request, @PathVariable String profile) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            Map<String, Object> payload = signed.jws.payload().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED, "newOrder has a payload."));
            if (!(payload.get("identifiers") instanceof List<?> given) || given.isEmpty() || given.size() > AcmeState.MAX_IDENTIFIERS) {
                throw new AcmeProblem(AcmeError.MALFORMED, "newOrder names 1 to " + AcmeState.MAX_IDENTIFIERS + " identifiers.");
            }
            state.forgetExpired(signed.account.id(), clock.instant());
            if (state.orderIds(signed.account.id()).size() >= AcmeState.MAX_ORDERS_PER_ACCOUNT) {
                throw new AcmeProblem(AcmeError.RATE_LIMITED, "This account has " + AcmeState.MAX_ORDERS_PER_ACCOUNT
                        + " orders that have not expired yet, the most it may have; finish or wait for them.");
            }
            if (payload.containsKey("notBefore") || payload.containsKey("notAfter")) {
                throw new AcmeProblem(AcmeError.MALFORMED, "This server sets the validity itself: leave out notBefore and notAfter.");
            }
            Set<AcmeIdentifier> identifiers = new LinkedHashSet<>();
            for (Object item : given) {
                if (!(item instanceof Map<?, ?> id) || !(id.get("type") instanceof String type) || !(id.get("value") instanceof String value)) {
                    throw new AcmeProblem(AcmeError.MALFORMED, "An identifier is {\"type\": ..., \"value\": ...}.");
                }
                AcmeIdentifier identifier = new AcmeIdentifier(type, value);
                if (!AcmeIdentifier.DNS.equals(type) && !AcmeIdentifier.IP.equals(type)) {
                    throw new AcmeProblem(AcmeError.UNSUPPORTED_IDENTIFIER, "This server certifies dns and ip identifiers only.");
                }
                if (AcmeIdentifier.DNS.equals(type) && !value.contains(".")) {
                    // A Server certificate names fully qualified names only (CertificateKind.SERVER), as from POST /api/csr.
                    throw new AcmeProblem(AcmeError.REJECTED_IDENTIFIER, "Refused: " + value
                            + " is a single label; a server certificate names fully qualified DNS names (like www.example.com).");
                }
                Optional<String> refusal = served(profile).names().refusal(identifier);
                if (refusal.isPresent()) {
                    throw new AcmeProblem(AcmeError.REJECTED_IDENTIFIER, "Refused: " + refusal.get() + ".");
                }
                identifiers.add(identifier);
            }
            Instant expires = clock.instant().plus(ORDER_LIFETIME).truncatedTo(ChronoUnit.SECONDS);
            String orderId = state.newId();
            List<Authorization> authzs = new ArrayList<>();
            for (AcmeIdentifier identifier : identifiers) {
                // HTTP-01 and TLS-ALPN-01 prove control of one name, so not of a wildcard (RFC 8555 section 7.1.3,
                // RFC 8737 section 3); DNS-01 is for names, not addresses (RFC 8738 section 7).
                List<String> types = AcmeProfile.isWildcard(identifier) ? List.of(DNS_01)
                        : AcmeIdentifier.IP.equals(identifier.type()) ? List.of(HTTP_01, TLS_ALPN_01)
                        : List.of(HTTP_01, DNS_01, TLS_ALPN_01);
                String authzId = Order.authorizationId(orderId, authzs.size());
                List<Challenge> challenges = new ArrayList<>();
                for (String challengeType : types) {
                    challenges.add(new Challenge(Order.challengeId(authzId, challenges.size()), challengeType, state.newId() + state.newId(),
                            Status.PENDING, Optional.empty(), Optional.empty(), Optional.empty()));
                }
                authzs.add(new Authorization(authzId, stored(identifier), Status.PENDING, expires, challenges));
            }
            Order order = new Order(orderId, signed.account.id(), identifiers.stream().map(AcmeController::stored).toList(), authzs, Status.PENDING, expires, Optional.empty(), 0);
            state.create(order);
            return ResponseEntity.status(HttpStatus.CREATED).location(java.net.URI.create(base(request, profile) + "/order/" + order.id()))
                    .contentType(MediaType.APPLICATION_JSON).body(order(request, profile, order));
        });
    }

    /** RFC 8555 section 7.1.3 (POST-as-GET). */
    @RequestMapping(value = PREFIX + "/order/{id}", method = RequestMethod.POST)
    public ResponseEntity<?> getOrder(HttpServletRequest request, @PathVariable String profile, @PathVariable String id) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            return json(HttpStatus.OK, order(request, profile, ownOrder(signed, id)));
        });
    }

    /** RFC 8555 section 7.5 (POST-as-GET). */
    @RequestMapping(value = PREFIX + "/authz/{id}", method = RequestMethod.POST)
    public ResponseEntity<?> getAuthorization(HttpServletRequest request, @PathVariable String profile, @PathVariable String id) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            Order order = state.orderOf(signed.account.id(), id, 1)
                    .filter(o -> o.authorizations().stream().anyMatch(a -> a.id().equals(id)))
                    .orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such authorization for this account."));
            if (signed.jws.payload().isPresent() && "deactivated".equals(signed.jws.payload().get().get("status"))) {
                order = state.update(order, current -> withAuthorization(current, id, authz -> new Authorization(authz.id(), authz.identifier(),
                        Status.DEACTIVATED, authz.expires(), authz.challenges())));
            }
            return json(HttpStatus.OK, authorization(request, profile, authorizationOf(order, id)));
        });
    }

    /**
     * RFC 8555 section 7.5.1: a challenge response starts validation, done here and now (HTTP-01,
     * section 8.3; DNS-01, section 8.4; TLS-ALPN-01, RFC 8737); POST-as-GET returns the challenge.
     */
    @RequestMapping(value = PREFIX + "/chall/{id}", method = RequestMethod.POST)
    public ResponseEntity<?> challenge(HttpServletRequest request, @PathVariable String profile, @PathVariable String id) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            Order order = state.orderOf(signed.account.id(), id, 2)
                    .filter(o -> o.authorizations().stream().anyMatch(a -> a.challenges().stream().anyMatch(c -> c.id().equals(id))))
                    .orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such challenge for this account."));
            String authzId = Order.orderOf(id, 1).orElseThrow();
            if (signed.jws.payload().isPresent()) {
                order = validate(order, authzId, id, signed.account);
            }
            Challenge challenge = authorizationOf(order, authzId).challenges().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
            String up = base(request, profile) + "/authz/" + authzId;
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.LINK, "<" + up + ">;rel=\"up\"")
                    .body(challenge(request, profile, challenge));
        });
    }

    /**
     * Validates the challenge once: the node that marks it {@code processing} (a compare-and-set on
     * the order) validates it; another node, or a second post, sees it processing and leaves it. A
     * claim older than {@link #ABANDONED} (its node stopped) may be taken over. The outcome is
     * written on the order as it then is, so a concurrent change to another authorization stays.
     *
     * @return the order as kept
     */
    private Order validate(Order order, String authzId, String challengeId, Account account) {
        Instant now = clock.instant();
        boolean[] claimed = {false};
        UnaryOperator<Order> claim = current -> {
            claimed[0] = false;
            Authorization authz = authorizationOf(current, authzId);
            Challenge challenge = challengeOf(authz, challengeId);
            boolean abandoned = challenge.status() == Status.PROCESSING
                    && challenge.attempted().map(at -> at.plus(ABANDONED).isBefore(now)).orElse(true);
            if (!(challenge.status() == Status.PENDING || abandoned) || !(authz.status() == Status.PENDING)) {
                return current;
            }
            if (now.isAfter(authz.expires())) {
                return withChallenge(current, authzId, challengeId, Status.INVALID, challenge.attempted(), Optional.empty(),
                        Optional.of(problem(new AcmeProblem(AcmeError.MALFORMED, "The authorization expired."))));
            }
            claimed[0] = true;
            return withChallenge(current, authzId, challengeId, Status.PROCESSING, Optional.of(now), Optional.empty(), Optional.empty());
        };
        String keyAuthorization = AcmeJws.keyAuthorization(challengeOf(authorizationOf(order, authzId), challengeId).token(), AcmeState.key(account));
        Optional<AcmeProblem> failure = served(account.profile()).validations().validate(() -> {
            Order claimedOrder = state.update(order, claim);
            if (!claimed[0]) {
                return null;
            }
            Authorization authz = authorizationOf(claimedOrder, authzId);
            Challenge challenge = challengeOf(authz, challengeId);
            try {
                // By the stored type, exhaustively: an unknown one (an old record, a typo) is no proof of anything.
                return switch (challenge.type()) {
                    case HTTP_01 -> served(account.profile()).http01().validate(authz.identifier().value(), challenge.token(), keyAuthorization);
                    case DNS_01 -> dns01.validate(baseName(acme(authz.identifier())), keyAuthorization);
                    case TLS_ALPN_01 -> tlsAlpn01.validate(acme(authz.identifier()), keyAuthorization);
                    default -> throw new IllegalStateException("Unknown challenge type " + challenge.type());
                };
            } catch (RuntimeException e) {
                // Give the claim back, so the challenge may be posted again.
                state.update(claimedOrder, current -> challengeOf(authorizationOf(current, authzId), challengeId).status() != Status.PROCESSING ? current
                        : withChallenge(current, authzId, challengeId, Status.PENDING, Optional.empty(), Optional.empty(), Optional.empty()));
                throw e;
            }
        });
        if (failure == null) {
            return state.order(order.accountId(), order.id()).orElse(order);
        }
        Instant validated = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Order done = state.update(order, current -> {
            Challenge challenge = challengeOf(authorizationOf(current, authzId), challengeId);
            if (challenge.status() != Status.PROCESSING) {
                return current;
            }
            return failure.isEmpty()
                    ? withChallenge(current, authzId, challengeId, Status.VALID, challenge.attempted(), Optional.of(validated), Optional.empty())
                    : withChallenge(current, authzId, challengeId, Status.INVALID, challenge.attempted(), Optional.empty(), Optional.of(problem(failure.get())));
        });
        if (failure.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "ACME {0} for {1} failed: {2}", challengeOf(authorizationOf(done, authzId), challengeId).type(),
                    authorizationOf(done, authzId).identifier().value(), failure.get().detail());
        }
        return done;
    }

    /** The order with the challenge changed, and its authorization valid or invalid with it (RFC 8555 section 7.1.6). */
    private static Order withChallenge(Order order, String authzId, String challengeId, Status status, Optional<Instant> attempted,
            Optional<Instant> validated, Optional<Problem> error) {
        return withAuthorization(order, authzId, authz -> {
            List<Challenge> challenges = authz.challenges().stream().map(c -> !c.id().equals(challengeId) ? c
                    : new Challenge(c.id(), c.type(), c.token(), status, attempted, validated, error)).toList();
            Status authzStatus = status == Status.VALID || status == Status.INVALID ? status : authz.status();
            return new Authorization(authz.id(), authz.identifier(), authzStatus, authz.expires(), challenges);
        });
    }

    private static Order withAuthorization(Order order, String authzId, UnaryOperator<Authorization> change) {
        return order.with(order.authorizations().stream().map(a -> a.id().equals(authzId) ? change.apply(a) : a).toList(), order.status(),
                order.certificate());
    }

    private static Authorization authorizationOf(Order order, String authzId) {
        return order.authorizations().stream().filter(a -> a.id().equals(authzId)).findFirst()
                .orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such authorization for this account."));
    }

    private static Challenge challengeOf(Authorization authz, String challengeId) {
        return authz.challenges().stream().filter(c -> c.id().equals(challengeId)).findFirst()
                .orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such challenge for this account."));
    }

    private static Problem problem(AcmeProblem problem) {
        return new Problem(problem.error().type(), problem.detail(), problem.error().status());
    }

    /** RFC 8555 section 7.4: the CSR must name exactly the order's identifiers, each one the profile certifies. */
    @RequestMapping(value = PREFIX + "/order/{id}/finalize", method = RequestMethod.POST)
    public ResponseEntity<?> finalizeOrder(HttpServletRequest request, @PathVariable String profile, @PathVariable String id) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            Order order = ownOrder(signed, id);
            Map<String, Object> payload = signed.jws.payload().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED, "finalize has a payload."));
            Status status = refreshed(order).status();
            if (status != Status.READY) {
                throw new AcmeProblem(AcmeError.ORDER_NOT_READY, "The order is " + status.wire() + ", not ready.");
            }
            if (!(payload.get("csr") instanceof String encoded)) {
                throw new AcmeProblem(AcmeError.MALFORMED, "finalize carries a csr.");
            }
            PKCS10CertificationRequest csr;
            try {
                csr = new PKCS10CertificationRequest(new Base64URL(encoded).decode());
            } catch (IOException | RuntimeException e) {
                throw new AcmeProblem(AcmeError.BAD_CSR, "The csr is not a base64url DER PKCS#10 request.");
            }
            AcmeOrderCheck check = new AcmeOrderCheck(served(profile).names(), Set.copyOf(order.identifiers().stream().map(AcmeController::acme).toList()));
            Optional<String> refusal;
            try {
                refusal = check.refusal(csr);
            } catch (RuntimeException e) { // a CSR BouncyCastle cannot read further: the client's, not ours
                refusal = Optional.of("the CSR cannot be read: " + e.getClass().getSimpleName());
            }
            if (refusal.isPresent()) {
                throw new AcmeProblem(AcmeError.BAD_CSR, "The CSR does not fit the order: " + refusal.get() + ".");
            }
            // Of two finalize requests, on one node or two, the one that marks the order processing issues. An
            // order processing for longer than FINALIZE_ABANDONED lost its node (or an outage kept it from being
            // set back): refreshed() reads it as ready, so it is claimed again here.
            Instant claimedAt = clock.instant();
            order = state.update(order, current -> {
                Order now = refreshed(current);
                if (now.status() != Status.READY) {
                    throw new AcmeProblem(AcmeError.ORDER_NOT_READY, "The order is " + now.status().wire() + ", not ready.");
                }
                return now.processing(claimedAt);
            });
            // Every write from here on holds only while the order still carries this claim: a node slower than
            // FINALIZE_ABANDONED must neither undo the claim of the node that took over nor overwrite its certificate.
            UnaryOperator<Order> ready = AcmeState.whileClaimed(claimedAt,
                    current -> current.with(current.authorizations(), Status.READY, Optional.empty()));
            Order claimed = order;
            // Checked again just before signing (after the retransmission lookup): a claim taken over meanwhile issues nothing.
            dev.scepter.authority.enrollment.ChallengeVerifier fenced =
                    enrollment -> state.stillClaimed(claimed, claimedAt) && check.accepts(enrollment);
            EnrollmentOutcome outcome;
            try {
                // The order's id as the transaction: a finalize taken over, or posted again after an outage, with
                // the same CSR gets the certificate already issued for it (Enrollment's retransmission), not a second.
                outcome = enrollments.enroll(new EnrollmentEndpoint(served(profile).issuance(), fenced), new EnrollmentRequest(csr,
                        ENDPOINT + "/" + profile + " " + request.getRemoteAddr(), Optional.of(transactionId(order)), Optional.empty(),
                        Optional.of(requester(signed.account))));
            } catch (RuntimeException e) {
                setBack(order, ready, e);
                throw e;
            }
            if (outcome instanceof EnrollmentOutcome.Rejected rejected) {
                if (!state.stillClaimed(order, claimedAt)) {
                    throw new AcmeProblem(AcmeError.ORDER_NOT_READY, "Another request took this finalize over; the order is processing.");
                }
                state.update(order, ready);
                throw new AcmeProblem(rejected.reason() == EnrollmentOutcome.Reason.BAD_REQUEST
                        || rejected.reason() == EnrollmentOutcome.Reason.BAD_PROOF_OF_POSSESSION
                        || rejected.reason() == EnrollmentOutcome.Reason.BAD_CHALLENGE ? AcmeError.BAD_CSR : AcmeError.SERVER_INTERNAL,
                        "The request cannot be issued: " + rejected.detail() + ".");
            }
            X509CertificateHolder certificate = ((EnrollmentOutcome.Issued) outcome).certificate();
            String chain = pemChain(certificate);
            try {
                state.ordered(certificate.getSerialNumber(), signed.account.id());
                order = state.update(order, AcmeState.whileClaimed(claimedAt,
                        current -> current.with(current.authorizations(), Status.VALID, Optional.of(chain))));
            } catch (RuntimeException e) {
                // Recorded and valid, but not on the order: ready again, so that the client may finalize again (with the
                // same CSR it gets this certificate back, see transactionId).
                setBack(order, ready, e);
                throw e;
            }
            if (!order.certificate().equals(Optional.of(chain))) {
                // Taken over while this node was signing: the certificate stays recorded and linked to the account
                // (revocable by it), but the order names the taker's outcome, which is answered.
                LOG.log(System.Logger.Level.WARNING, "ACME order {0} of account {1}: issued {2} after another request took the finalize over;"
                        + " the order does not name it", order.id(), signed.account.id(), certificate.getSerialNumber().toString(16));
                return json(HttpStatus.OK, order(request, profile, order));
            }
            LOG.log(System.Logger.Level.INFO, "ACME order {0} of account {1}: issued {2}", order.id(), signed.account.id(),
                    certificate.getSerialNumber().toString(16));
            return json(HttpStatus.OK, order(request, profile, order));
        });
    }

    /**
     * Sets a claimed order back to ready after {@code failure}; when that fails too (the store is
     * down, the usual reason), the failure stays the one answered (an outage: 503 with Retry-After),
     * and the order is taken over after {@link #FINALIZE_ABANDONED}.
     */
    private void setBack(Order order, UnaryOperator<Order> ready, RuntimeException failure) {
        try {
            state.update(order, ready);
        } catch (RuntimeException alsoFailed) {
            failure.addSuppressed(alsoFailed);
        }
    }

    /** The transaction an order's certificate is recorded under (its SCEP-style transactionID column). */
    static String transactionId(Order order) {
        return "acme-order-" + order.id();
    }

    /** RFC 8555 section 7.4.2: the certificate and the chain above it, PEM. */
    @RequestMapping(value = PREFIX + "/cert/{id}", method = RequestMethod.POST)
    public ResponseEntity<?> certificate(HttpServletRequest request, @PathVariable String profile, @PathVariable String id) {
        return answer(request, profile, () -> {
            Signed signed = signedByAccount(request, profile);
            // A certificate's id is its order's: the order keeps it, and forgetting the order forgets its URL.
            String chain = state.order(signed.account.id(), id).flatMap(Order::certificate)
                    .orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such certificate for this account."));
            return ResponseEntity.ok().contentType(PEM_CHAIN).body(chain);
        });
    }

    /**
     * RFC 8555 section 7.6: revocation by the account that ordered the certificate (kid), or by
     * the certificate's own key (jwk).
     */
    @RequestMapping(value = PREFIX + "/revoke-cert", method = RequestMethod.POST)
    public ResponseEntity<?> revoke(HttpServletRequest request, @PathVariable String profile) {
        return answer(request, profile, () -> {
            AcmeJws jws = AcmeJws.parse(body(request));
            checkNonceAndUrl(jws, request);
            Map<String, Object> payload = jws.payload().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED, "revokeCert has a payload."));
            if (!(payload.get("certificate") instanceof String encoded)) {
                throw new AcmeProblem(AcmeError.MALFORMED, "revokeCert carries a certificate.");
            }
            byte[] der;
            X509CertificateHolder certificate;
            try {
                der = new Base64URL(encoded).decode();
                certificate = new X509CertificateHolder(der);
            } catch (IOException | RuntimeException e) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The certificate is not base64url DER.");
            }
            int reason = 0;
            if (payload.containsKey("reason")) {
                // An integer, not 1.9 (which intValue() would make 1) nor 4294967297 (which it would wrap to 1).
                if (!(payload.get("reason") instanceof Number number) || !(number instanceof Long || number instanceof Integer)
                        || !REASONS.contains(number.longValue())) {
                    throw new AcmeProblem(AcmeError.BAD_REVOCATION_REASON, "The reason is one of 0, 1, 3, 4, 5 and 9 (RFC 5280 section 5.3.1).");
                }
                reason = (int) number.longValue();
            }
            if (!certificate.getIssuer().equals(core.ca().certificate().getSubject())) {
                throw new AcmeProblem(AcmeError.MALFORMED, "This CA did not issue the certificate.");
            }
            BigInteger serial = certificate.getSerialNumber();
            // The certificate presented must be the very one this CA issued with that serial: its issuer
            // name and serial alone are anyone's to write into a certificate of their own key.
            if (!revocations.isRecorded(serial, der)) {
                throw new AcmeProblem(AcmeError.UNAUTHORIZED, "This CA has no record of this very certificate (with that serial number, byte for byte).");
            }
            String actor;
            if (jws.jwk().isPresent()) {
                JWK key = jws.jwk().get();
                verified(jws, key);
                SubjectPublicKeyInfo certified = certificate.getSubjectPublicKeyInfo();
                if (!Arrays.equals(encoded(key), encodedKey(certified))) {
                    throw new AcmeProblem(AcmeError.UNAUTHORIZED, "The jwk is not the certificate's key.");
                }
                actor = "acme certificate key";
            } else {
                Account account = accountOf(jws, request, profile);
                if (!account.id().equals(state.orderedBy(serial))) {
                    throw new AcmeProblem(AcmeError.UNAUTHORIZED, "This account did not order this certificate.");
                }
                actor = "acme account " + account.id();
            }
            RevocationOutcome outcome = revocations.revoke(actor, serial, reason, null);
            return switch (outcome) {
                case REVOKED -> ResponseEntity.ok().build();
                case ALREADY_REVOKED -> throw new AcmeProblem(AcmeError.ALREADY_REVOKED, "The certificate is revoked already.");
                case NOT_FOUND -> throw new AcmeProblem(AcmeError.MALFORMED, "This CA has no record of the certificate.");
            };
        });
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private record Signed(AcmeJws jws, Account account) {
    }

    /** Parses, checks the nonce and URL, finds the account named by kid and verifies the signature with its key. */
    private Signed signedByAccount(HttpServletRequest request, String profile) throws IOException {
        AcmeJws jws = AcmeJws.parse(body(request));
        checkNonceAndUrl(jws, request);
        return new Signed(jws, accountOf(jws, request, profile));
    }

    private Account accountOf(AcmeJws jws, HttpServletRequest request, String profile) {
        String kid = jws.kid().orElseThrow(() -> new AcmeProblem(AcmeError.MALFORMED, "This request is signed with the account's kid."));
        String prefix = base(request, profile) + "/account/";
        Account account = kid.startsWith(prefix) ? state.account(kid.substring(prefix.length())).orElse(null) : null;
        // An account is served by the profile it registered on alone: to another profile it does not exist, whatever
        // URL its kid names, so an account of an open profile orders, reads and revokes nothing through a closed one.
        if (account == null || !account.profile().equals(profile)) {
            throw new AcmeProblem(AcmeError.ACCOUNT_DOES_NOT_EXIST, "No such account in ACME profile '" + profile + "'.");
        }
        verified(jws, AcmeState.key(account));
        if (account.status() != Status.VALID) {
            throw new AcmeProblem(AcmeError.UNAUTHORIZED, "The account is " + account.status().wire() + ".");
        }
        refuseUnbound(account);
        return account;
    }

    /** Whether the account lacks a binding that counts: none while one is required, or one whose key was withdrawn. */
    private boolean unbound(Account account) {
        Served served = served(account.profile());
        return account.externalAccount().isEmpty() ? served.settings().externalAccountRequired()
                : served.externalAccounts().key(account.externalAccount().get()).isEmpty();
    }

    /**
     * Accounts outlive a restart: turning ExternalAccountRequired on, or deleting an external account
     * key from the file, is what locks out the accounts registered without one, or bound with it.
     */
    private void refuseUnbound(Account account) {
        Served served = served(account.profile());
        if (account.externalAccount().isPresent() && served.externalAccounts().key(account.externalAccount().get()).isEmpty()) {
            throw new AcmeProblem(AcmeError.UNAUTHORIZED, "The external account key this account was bound with was withdrawn;"
                    + " send newAccount again with an externalAccountBinding of a current key.");
        }
        if (account.externalAccount().isEmpty() && served.settings().externalAccountRequired()) {
            throw new AcmeProblem(AcmeError.UNAUTHORIZED, "This server now requires external account binding (RFC 8555 section 7.3.4);"
                    + " send newAccount again with an externalAccountBinding.");
        }
    }

    /**
     * Verifies the signature, then uses the nonce up: an unsigned or forged request writes nothing,
     * and a signed one writes its nonce once (the replay check, across nodes).
     */
    private void verified(AcmeJws jws, JWK key) {
        jws.verify(key);
        nonces.use(jws.nonce());
    }

    private void checkNonceAndUrl(AcmeJws jws, HttpServletRequest request) {
        // Its MAC and expiry only: it is used up (a store write) once the signature has verified, see verified().
        nonces.check(jws.nonce());
        if (!jws.url().equals(request.getRequestURL().toString())) {
            throw new AcmeProblem(AcmeError.UNAUTHORIZED, "The JWS url is not the URL this request was sent to (RFC 8555 section 6.4).");
        }
    }

    private Order ownOrder(Signed signed, String id) {
        return state.order(signed.account.id(), id).orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such order for this account."));
    }

    /**
     * An order is ready once every authorization is valid, invalid once one is invalid (RFC 8555
     * section 7.1.6): derived from the order as read, so it is written only when a change is made.
     */
    private Order refreshed(Order order) {
        if (order.status() == Status.PROCESSING && !clock.instant().isAfter(order.expires())
                && order.processingSince().map(since -> since.plus(FINALIZE_ABANDONED).isBefore(clock.instant())).orElse(true)) {
            // Its finalize's node stopped, or an outage kept it from setting the order back: ready to finalize again.
            return order.with(order.authorizations(), Status.READY, Optional.empty());
        }
        if (order.status() != Status.PENDING) {
            return order;
        }
        List<Authorization> authzs = order.authorizations();
        Status status = order.status();
        if (clock.instant().isAfter(order.expires())) {
            status = Status.INVALID;
        } else if (authzs.stream().anyMatch(a -> a.status() == Status.INVALID || a.status() == Status.DEACTIVATED)) {
            status = Status.INVALID;
        } else if (authzs.stream().allMatch(a -> a.status() == Status.VALID)) {
            status = Status.READY;
        }
        return status == order.status() ? order : order.with(authzs, status, order.certificate());
    }

    private Map<String, Object> account(HttpServletRequest request, String profile, Account account) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", account.status().wire());
        body.put("contact", account.contact());
        body.put("orders", accountUrl(request, profile, account) + "/orders");
        return body;
    }

    private Map<String, Object> order(HttpServletRequest request, String profile, Order stored) {
        Order order = refreshed(stored);
        String base = base(request, profile);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", order.status().wire());
        body.put("expires", order.expires().toString());
        body.put("identifiers", order.identifiers().stream().map(identifier -> Map.of("type", identifier.type(), "value", identifier.value())).toList());
        body.put("authorizations", order.authorizations().stream().map(authz -> base + "/authz/" + authz.id()).toList());
        body.put("finalize", base + "/order/" + order.id() + "/finalize");
        if (order.certificate().isPresent()) {
            body.put("certificate", base + "/cert/" + order.id());
        }
        return body;
    }

    private Map<String, Object> authorization(HttpServletRequest request, String profile, Authorization authz) {
        Map<String, Object> body = new LinkedHashMap<>();
        // RFC 8555 section 7.1.4: a wildcard's authorization names the base domain and says wildcard.
        body.put("identifier", Map.of("type", authz.identifier().type(), "value", baseName(acme(authz.identifier()))));
        body.put("status", authz.status().wire());
        body.put("expires", authz.expires().toString());
        body.put("challenges", authz.challenges().stream().map(challenge -> challenge(request, profile, challenge)).toList());
        if (AcmeProfile.isWildcard(acme(authz.identifier()))) {
            body.put("wildcard", true);
        }
        return body;
    }

    private static String baseName(AcmeIdentifier identifier) {
        return AcmeProfile.isWildcard(identifier) ? identifier.value().substring(2) : identifier.value();
    }

    private Map<String, Object> challenge(HttpServletRequest request, String profile, Challenge challenge) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", challenge.type());
        body.put("url", base(request, profile) + "/chall/" + challenge.id());
        body.put("status", challenge.status().wire());
        body.put("token", challenge.token());
        challenge.validated().ifPresent(validated -> body.put("validated", validated.toString()));
        challenge.error().ifPresent(error -> body.put("error", problemBody(error)));
        return body;
    }

    private static Identifier stored(AcmeIdentifier identifier) {
        return new Identifier(identifier.type(), identifier.value());
    }

    private static AcmeIdentifier acme(Identifier identifier) {
        return new AcmeIdentifier(identifier.type(), identifier.value());
    }

    private String pemChain(X509CertificateHolder certificate) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter pem = new PemWriter(out)) {
            pem.writeObject(new JcaMiscPEMGenerator(certificate));
            for (X509CertificateHolder above : core.ca().chain()) {
                pem.writeObject(new JcaMiscPEMGenerator(above));
            }
        }
        return out.toString();
    }

    private static byte[] encoded(JWK key) {
        try {
            return key.toPublicJWK() instanceof com.nimbusds.jose.jwk.AsymmetricJWK asymmetric ? asymmetric.toPublicKey().getEncoded() : new byte[0];
        } catch (com.nimbusds.jose.JOSEException e) {
            return new byte[0];
        }
    }

    private static byte[] encodedKey(SubjectPublicKeyInfo info) throws IOException {
        return info.getEncoded();
    }

    private String base(HttpServletRequest request, String profile) {
        String url = request.getRequestURL().toString();
        String marker = "/acme/" + profile + "/";
        return url.substring(0, url.indexOf(marker) + marker.length() - 1);
    }

    private String accountUrl(HttpServletRequest request, String profile, Account account) {
        return base(request, profile) + "/account/" + account.id();
    }

    private static ResponseEntity<?> json(HttpStatus status, Object body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    private static byte[] body(HttpServletRequest request) throws IOException {
        boolean jose;
        try {
            // Exactly this type (parameters aside): isCompatibleWith would take the wildcards */* and application/*.
            jose = request.getContentType() != null && MediaType.parseMediaType(request.getContentType()).equalsTypeAndSubtype(JOSE_JSON);
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            jose = false;
        }
        if (!jose) {
            throw new AcmeProblem(AcmeError.UNSUPPORTED_MEDIA_TYPE, "ACME requests are application/jose+json (RFC 8555 section 6.2).");
        }
        byte[] body = request.getInputStream().readNBytes(AcmeJws.MAX_BYTES + 1);
        if (body.length > AcmeJws.MAX_BYTES) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The request is larger than any ACME request this server takes.");
        }
        return body;
    }

    @FunctionalInterface
    private interface Answer {
        ResponseEntity<?> get() throws IOException;
    }

    /** Every answer carries a fresh nonce and the directory link; every refusal is a problem document. */
    private ResponseEntity<?> answer(HttpServletRequest request, String profile, Answer answer) {
        if (!profiles.containsKey(profile)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(PROBLEM).body(problemBody(new AcmeProblem(AcmeError.NOT_FOUND,
                    settings.enabled() ? "No such ACME profile." : "ACME is off (AppConfig:Acme:Enabled).")));
        }
        ResponseEntity<?> response;
        try {
            response = answer.get();
        } catch (AcmeProblem problem) {
            LOG.log(System.Logger.Level.INFO, "ACME {0} from {1}: {2} ({3})", printable(request.getRequestURI()), request.getRemoteAddr(),
                    problem.error().type(), problem.detail());
            ResponseEntity.BodyBuilder refusal = ResponseEntity.status(problem.error().status()).contentType(PROBLEM);
            problem.location().ifPresent(location -> refusal.header(HttpHeaders.LOCATION, location));
            response = refusal.body(problemBody(problem));
        } catch (ValidationGate.Busy busy) {
            AcmeProblem problem = busy.problem();
            LOG.log(System.Logger.Level.INFO, "ACME {0} from {1}: {2} ({3})", printable(request.getRequestURI()), request.getRemoteAddr(),
                    problem.error().type(), problem.detail());
            response = ResponseEntity.status(problem.error().status()).contentType(PROBLEM)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(ValidationGate.RETRY_AFTER_SECONDS)).body(problemBody(problem));
        } catch (IOException e) {
            response = ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(PROBLEM)
                    .body(problemBody(new AcmeProblem(AcmeError.MALFORMED, "The request body could not be read.")));
        } catch (RuntimeException e) {
            if (!ScepController.isOutage(e)) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "ACME {0}: unavailable: {1}", printable(request.getRequestURI()), e.getClass().getSimpleName());
            response = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(PROBLEM).header(HttpHeaders.RETRY_AFTER, "10")
                    .body(problemBody(new AcmeProblem(AcmeError.SERVER_INTERNAL, "The certificate store or the CA key is unavailable; try again later.")));
        }
        String nonce;
        try {
            nonce = nonces.next();
        } catch (RuntimeException e) {
            if (!ScepController.isOutage(e)) {
                throw e;
            }
            // No nonce to give: the store keeps them. The client retries after Retry-After and gets one then.
            LOG.log(System.Logger.Level.WARNING, "ACME {0}: no nonce, the store is unavailable: {1}", printable(request.getRequestURI()),
                    e.getClass().getSimpleName());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(PROBLEM).header(HttpHeaders.RETRY_AFTER, "10")
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .body(problemBody(new AcmeProblem(AcmeError.SERVER_INTERNAL, "The certificate store is unavailable; try again later.")));
        }
        return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                .header("Replay-Nonce", nonce)
                .header(HttpHeaders.LINK, "<" + base(request, profile) + "/directory>;rel=\"index\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(response.getBody());
    }

    /** Who asked, as the store records it: the external account too, so a team's certificates can be found after a restart. */
    private static String requester(Account account) {
        return "acme account " + account.id() + account.externalAccount().map(external -> ", external account " + external).orElse("");
    }

    private static Map<String, Object> problemBody(AcmeProblem problem) {
        return problemBody(problem(problem));
    }

    private static Map<String, Object> problemBody(Problem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type());
        body.put("detail", problem.detail());
        body.put("status", problem.status());
        return body;
    }

    private static String printable(String text) {
        String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }
}
