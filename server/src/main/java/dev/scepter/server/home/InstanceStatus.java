package dev.scepter.server.home;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.validity.DelegatedResponder;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.KeyCustodyFactory;
import dev.scepter.installer.Step;
import dev.scepter.installer.local.LocalInstallation;
import dev.scepter.server.DirectorySelection;
import dev.scepter.server.CoreContext;
import dev.scepter.server.scep.ScepEndpoint;
import dev.scepter.server.scep.ScepEndpoints;
import dev.scepter.server.intune.IntuneValidation;
import dev.scepter.settings.AzureSignIn;
import dev.scepter.settings.IgnoredSetting;
import dev.scepter.settings.Setting;
import java.io.OutputStream;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.springframework.stereotype.Component;

/** What the homepage and the probe say about this instance. Never a secret. */
@Component
public final class InstanceStatus {

    /**
     * One component's health; {@code state} is the word the homepage shows for it.
     *
     * @param tone              the badge's colour: {@code ok} (green), {@code bad} (red), {@code off} (grey)
     * @param missingPermission the permission a service refused, by name; empty when none
     */
    public record Check(String component, boolean ok, String state, String detail, String tone, String missingPermission) {
        public Check(String component, boolean ok, String state, String detail) {
            this(component, ok, state, detail, ok ? "ok" : "bad", "");
        }

        static Check of(dev.scepter.azure.connection.ConnectionStatus connection) {
            String tone = switch (connection.state()) {
                case CONNECTED -> "ok";
                case NOT_CONNECTED -> "bad";
                case NOT_CONFIGURED, CHECKING -> "off";
            };
            return new Check(connection.name(), connection.ok(), connection.state().words(), connection.reason(), tone,
                    connection.missingPermission().orElse(""));
        }
    }

    /**
     * An endpoint as the homepage lists it.
     *
     * @param served whether the path answers at all (a disabled one answers 404)
     * @param state  the badge's word
     * @param tone   the badge's colour: {@code ok} (green), {@code warn} (amber), {@code off} (grey)
     * @param note   what the admin should know beside the URL
     */
    public record EndpointView(String name, String url, boolean served, String state, String tone, String note) {
    }

    /** The Intune path is always served (NDES-compatible); it refuses every PKIOperation until this instance signs in to Microsoft's cloud. */
    private static final String INTUNE_PATH = "/certsrv/mscep/mscep.dll";

    private final CoreContext core;
    private final CertificateStore store;
    private final ScepEndpoints endpoints;
    private final DirectorySelection directories;
    private final Clock clock;
    private final StoreHealth storeHealth;
    private final IntuneValidation intune;
    private final CloudConnections cloud;
    /**
     * The checks, computed at most once a second however many ask: {@code /probe} and the homepage
     * are public, and each computation counts the store's certificates and asks the directory, so
     * a flood of probes must not cost a query each (concurrent callers share one computation).
     */
    private final com.github.benmanes.caffeine.cache.LoadingCache<Boolean, List<Check>> recentChecks =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(java.time.Duration.ofSeconds(1)).maximumSize(1)
                    .build(unused -> computeChecks());

    public InstanceStatus(CoreContext core, CertificateStore store, ScepEndpoints endpoints, DirectorySelection directories, Clock clock,
            StoreHealth storeHealth, IntuneValidation intune, CloudConnections cloud) {
        this.core = core;
        this.cloud = cloud;
        this.intune = intune;
        this.storeHealth = storeHealth;
        this.store = store;
        this.endpoints = endpoints;
        this.directories = directories;
        this.clock = clock;
    }

    /** A GUID no directory holds, to see that the directory answers. */
    private static final java.util.UUID PROBE_OBJECT = java.util.UUID.fromString("00000000-0000-0000-0000-000000000000");

    public List<Check> checks() {
        return recentChecks.get(Boolean.TRUE);
    }

    private List<Check> computeChecks() {
        List<Check> checks = new ArrayList<>();
        X509CertificateHolder ca = core.ca().certificate();
        Instant now = clock.instant();
        boolean caValid = !now.isBefore(ca.getNotBefore().toInstant()) && !now.isAfter(ca.getNotAfter().toInstant());
        checks.add(caCheck(ca, caValid));
        boolean storeReached;
        try {
            long responders = store.countByEndpoint(DelegatedResponder.ENDPOINT);
            long devices = store.count() - responders;
            checks.add(new Check("Storage", true, "CONNECTED", core.storage().describe() + ", " + devices + " device certificate(s) recorded"
                    + (responders == 0 ? "" : " (and " + responders
                            + " OCSP responder certificate(s) of this instance, which signs OCSP answers with them)")));
            storeReached = true;
        } catch (RuntimeException e) {
            // A store's unavailability says why (refused, timed out, a table missing) and never carries a credential.
            String reason = e instanceof dev.scepter.authority.store.StoreUnavailableException ? ": " + e.getMessage() : "";
            checks.add(new Check("Storage", false, "NOT CONNECTED", core.storage().describe() + ": not reachable" + reason));
            storeReached = false;
            storeHealth.unreachable();
        }
        checks.add(directory(storeReached));
        cloud.statuses().stream().map(Check::of).forEach(checks::add);
        return checks;
    }

    /**
     * The CA: whether its certificate is valid now, its key's custody, and, for a key kept by a
     * service (Azure Key Vault), whether that service answers: NOT CONNECTED with the reason
     * (throttled, refused with the role to grant, silent), for then nothing can be issued or signed.
     */
    private Check caCheck(X509CertificateHolder ca, boolean caValid) {
        String detail = "valid until " + ca.getNotAfter().toInstant() + ", key in " + core.keys().kind().description() + " ("
                + core.ca().describe() + ")";
        Optional<dev.scepter.azure.connection.ConnectionStatus> service = cloud.caKeyRow();
        if (service.isEmpty() || !caValid) {
            return new Check("CA", caValid, caValid ? "VALID" : "NOT VALID", detail);
        }
        dev.scepter.azure.connection.ConnectionStatus vault = service.get();
        return new Check("CA", vault.ok(), vault.state().words(), detail + ": " + vault.reason(), vault.ok() ? "ok" : "bad",
                vault.missingPermission().orElse(""));
    }

    private Check directory(boolean storeReached) {
        String described = directories.directory().describe();
        Optional<List<dev.scepter.azure.connection.ConnectionStatus>> graph = cloud.directoryRows();
        if (graph.isPresent()) {
            // Graph's own rows say it, checked at most every ConnectionCheckSeconds: a lookup here would be a Graph call per probe.
            boolean connected = graph.get().stream().allMatch(dev.scepter.azure.connection.ConnectionStatus::ok);
            if (connected && graph.get().stream().anyMatch(row -> row.state() == dev.scepter.azure.connection.ConnectionStatus.State.CHECKING)) {
                return new Check("Directory", true, "CHECKING", described + ": see the Graph rows", "off", "");
            }
            return new Check("Directory", connected, connected ? "CONNECTED" : "NOT CONNECTED",
                    described + (connected ? "" : ": see the Graph rows"));
        }
        if (!storeReached && directories.embedded().isPresent()) {
            // The embedded directory lives in the store: asking it would only wait for the pool's timeout a second time.
            return new Check("Directory", false, "NOT CONNECTED", described + ": its store is not reachable");
        }
        try {
            // Any answer, found or not, shows the directory answers; only an outage throws.
            directories.directory().lookup(DirectoryObjectType.DEVICE, PROBE_OBJECT);
            return new Check("Directory", true, "CONNECTED", described);
        } catch (DirectoryUnavailableException e) {
            // The adapters word these for an admin and keep secrets out (LdapConnectionPools.failure):
            // the cause is what the admin needs to fix it.
            String why = e.getMessage() == null ? "not reachable" : e.getMessage();
            return new Check("Directory", false, "NOT CONNECTED", why.startsWith(described) ? why : described + ": " + why);
        } catch (RuntimeException e) {
            return new Check("Directory", false, "NOT CONNECTED", described + ": not reachable");
        }
    }

    public boolean healthy() {
        return checks().stream().allMatch(Check::ok);
    }

    public String caSubject() {
        return BCStyle.INSTANCE.toString(core.ca().certificate().getSubject());
    }

    /** SHA-1 thumbprint, the form Windows and Intune profiles show. */
    public String caThumbprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(core.ca().certificate().getEncoded());
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException("cannot fingerprint the CA certificate", e);
        }
    }

    public Instant caNotBefore() {
        return core.ca().certificate().getNotBefore().toInstant();
    }

    public Instant caNotAfter() {
        return core.ca().certificate().getNotAfter().toInstant();
    }

    public String baseUrl() {
        String url = core.baseUrl().toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public List<EndpointView> scepEndpoints() {
        List<EndpointView> views = new ArrayList<>();
        for (ScepEndpoint endpoint : endpoints.all()) {
            String kind = switch (endpoint.path()) {
                case "/static/aad" -> " (static challenge, bound to the directory)";
                case INTUNE_PATH -> " (Intune)";
                case "/jamf" -> " (Jamf Pro, static challenge of at most 32 characters)";
                case "/dc" -> " (domain controllers, static challenge)";
                default -> " (static challenge)";
            };
            String name = "SCEP " + endpoint.path() + kind;
            String url = baseUrl() + endpoint.path();
            if (endpoint.path().equals(INTUNE_PATH)) {
                views.add(intuneView(name, url));
            } else if (endpoint.enabled()) {
                views.add(new EndpointView(name, url, true, "ENABLED", "ok", ""));
            } else {
                views.add(new EndpointView(name, url, false, "DISABLED", "off", "enable with " + endpoint.setting() + "=true"));
            }
        }
        return views;
    }

    /** Intune's row: validated by Intune, or refusing everything and why; Intune's latest failure, if any. */
    private EndpointView intuneView(String name, String url) {
        if (!intune.isConfigured()) {
            return new EndpointView(name, url, true, "NOT CONFIGURED", "warn",
                    "every PKIOperation gets a CertRep FAILURE: " + intune.note());
        }
        java.time.Duration poll = core.settings().intune().revocationPoll();
        String revocation = poll.isZero() ? "Intune's revocation requests are not polled" + " (AppConfig:IntuneValidation:RevocationPollSeconds=0)"
                : "Intune's revocation requests polled every " + poll.toSeconds() + " s";
        String note = "validated by Intune, signed in as " + core.accessTokens().describe() + "; " + revocation
                + (intune.note().isEmpty() ? "" : "; " + intune.note());
        return intune.note().isEmpty() ? new EndpointView(name, url, true, "ENABLED", "ok", note)
                : new EndpointView(name, url, true, "FAILING", "warn", note);
    }

    /**
     * EST's row (docs/est.md): served with REST enrollment, and how a caller authenticates on
     * this instance as configured: a bearer token always; HTTP Basic where one-time challenges are
     * taken; mutual TLS (a client certificate's renewal, {@code simplereenroll}) only where the
     * HTTPS listener asks for client certificates and renewals are allowed.
     */
    public EndpointView est() {
        dev.scepter.settings.DbCsrSettings est = core.settings().dbCsr();
        String name = "EST (RFC 7030)";
        String url = baseUrl() + "/.well-known/est";
        if (!est.enabled()) {
            return new EndpointView(name, url, false, "DISABLED", "off", "enable with AppConfig:DbCSRValidation:Enabled=true");
        }
        dev.scepter.settings.WebSettings web = core.settings().web();
        java.util.Optional<Integer> mutualTls = web.httpsPort()
                .filter(port -> web.httpsClientCertificates() == dev.scepter.settings.WebSettings.ClientCertificateMode.OPTIONAL);
        List<String> enroll = new ArrayList<>(List.of("a bearer token (CSR.Request.Db or CSR.SelfService)"));
        if (est.allowDynamicChallenges()) {
            enroll.add("HTTP Basic with a one-time challenge");
        }
        String reenroll;
        if (!est.allowRenewals()) {
            reenroll = "simplereenroll refused (AppConfig:DbCSRValidation:AllowRenewals=false)";
        } else if (mutualTls.isEmpty()) {
            reenroll = "simplereenroll needs mutual TLS: AppConfig:Https:Port and AppConfig:Https:ClientCertificateMode=Optional";
        } else {
            enroll.add("a client certificate of ours (its renewal)");
            reenroll = "simplereenroll: the certificate being renewed, over mutual TLS on port " + mutualTls.get() + " ("
                    + String.join(", ", est.reenrollmentAllowedCertificateTypes()) + ")";
        }
        return new EndpointView(name, url, true, "ENABLED", "ok",
                "simpleenroll: " + String.join(", ", enroll) + "; " + reenroll + "; cacerts and csrattrs anonymous");
    }

    public String ocspUrl() {
        return baseUrl() + "/ocsp";
    }

    /** Whether the CRL is served; its URL holds a secret, so the homepage never shows it. */
    public boolean crlServed() {
        return core.settings().crl().requestToken().isPresent();
    }

    public String crlSource() {
        return core.settings().crl().source().spelling();
    }

    /** What an admin still has to look at; empty when nothing is left. */
    public List<String> configurationIssues() {
        List<String> issues = new ArrayList<>();
        if (!core.settings().isGiven(Setting.BASE_URL)) {
            issues.add(Setting.BASE_URL.key() + " is not set: certificates name " + baseUrl()
                    + " for the CA download and OCSP, which devices elsewhere cannot reach. Set it to this instance's public URL.");
        }
        if (!intune.isConfigured()) {
            issues.add("Intune SCEP validation is not configured: /certsrv/mscep/mscep.dll answers every PKIOperation with a CertRep "
                    + "FAILURE, because " + intune.note() + ". Use /static or /static/aad with other MDMs.");
        }
        if (azureInstallationIncomplete()) {
            issues.add("The installation is incomplete (" + (core.settings().auth().applicationKey().isPresent()
                    ? "it still signs in with a 1.x application key" : "no switch to the managed identity yet")
                    + "): run " + completeInstallationCommand());
        }
        for (IgnoredSetting ignored : core.settings().ignored()) {
            issues.add(ignored.name() + " (from " + ignored.source() + ") is ignored: "
                    + (ignored.known() ? "a SCEPman setting that this version of Scepter does not use." : "no such setting; check its spelling."));
        }
        return issues;
    }

    private boolean azureInstallationIncomplete() {
        return core.settings().appService().name().isPresent()
                && AzureSignIn.at(core.settings(), clock.instant()).installationIncomplete(core.settings().auth());
    }

    /**
     * What {@code complete-installation} would do to the data folder now, in its own words: the
     * local installer's plan, made without applying it. {@code serve} completes the folder before
     * it starts, so this is empty unless something changed since (a file deleted, a mode widened).
     * A plan that cannot be made is one item that says how to see why (its message may name the
     * database's URL, which the public homepage does not show).
     */
    public List<String> missingInstallationSteps() {
        return recentPlan.get(Boolean.TRUE);
    }

    /**
     * The plan, made at most every ten seconds: it reads the data folder and opens a connection
     * to the database, and the homepage is public.
     */
    private final com.github.benmanes.caffeine.cache.LoadingCache<Boolean, List<String>> recentPlan =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(java.time.Duration.ofSeconds(10)).maximumSize(1)
                    .build(unused -> planInstallation());

    private List<String> planInstallation() {
        try {
            // The server's sign-in: a CA key in Key Vault is looked into with it, not with a sign-in of the page's own.
            return new LocalInstallation(core.dataDir(), core.settings(), core::storage, clock, new SecureRandom(),
                    new PrintStream(OutputStream.nullOutputStream()), false, KeyCustodyFactory.signedIn(core.accessTokens())).plan().stream().map(Step::description).toList();
        } catch (InstallationException | RuntimeException e) {
            return List.of("The installer cannot plan the data folder " + core.dataDir() + ": run "
                    + LOCAL_COMMAND_PREFIX + core.dataDir() + " --what-if to see why");
        }
    }

    /** Whether anything is missing that {@code complete-installation} adds: the page suggests it only then. */
    public boolean installationIncomplete() {
        return azureInstallationIncomplete() || !missingInstallationSteps().isEmpty();
    }

    /** The command that adds {@link #missingInstallationSteps()}: always the local one, since they are the data folder's. */
    public String completeLocalInstallationCommand() {
        return LOCAL_COMMAND_PREFIX + core.dataDir();
    }

    private static final String LOCAL_COMMAND_PREFIX = "bin/scepter complete-installation --data-dir ";

    public String azureSignIn() {
        return AzureSignIn.at(core.settings(), clock.instant()).describe();
    }

    /** The command that completes this installation; on App Service with this app and slot filled in. */
    public String completeInstallationCommand() {
        var settings = core.settings();
        return settings.appService().name()
                .map(app -> "bin/scepter complete-installation --target azure --scepman-app-service-name " + app
                        + settings.appService().deploymentSlot().map(slot -> " --deployment-slot-name " + slot).orElse(""))
                .orElse(LOCAL_COMMAND_PREFIX + core.dataDir());
    }

    public String version() {
        return dev.scepter.server.launcher.ScepterVersion.current();
    }
}
