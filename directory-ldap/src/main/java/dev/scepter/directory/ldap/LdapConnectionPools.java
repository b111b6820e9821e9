package dev.scepter.directory.ldap;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.GetEntryLDAPConnectionPoolHealthCheck;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The connections of an {@link LdapDirectory}: a bounded pool over the configured servers, the
 * first preferred and the others failover, with a health check that reads the base DN entry; for
 * {@code ldaps://}, TLS that checks the chain and the host name. Kept apart from the lookups so
 * that what is asked and how the server is reached change independently. Also words a failed LDAP
 * operation, since only here is known how the bind was made and which password to keep out.
 */
final class LdapConnectionPools {

    private static final Duration HEALTH_CHECK_INTERVAL = Duration.ofSeconds(30);
    /** Connections to a failover server are renewed after this, so the pool returns to the first server. */
    private static final Duration FAILOVER_CONNECTION_AGE = Duration.ofMinutes(15);

    private LdapConnectionPools() {
    }

    /**
     * A pool that does not need a server to be reachable now: connections that fail are made
     * again when asked for.
     *
     * @param description the directory as messages name it
     * @throws IllegalArgumentException when the CA file cannot be read
     */
    static LDAPConnectionPool open(LdapDirectorySettings settings, String description) {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        options.setAbandonOnTimeout(true);
        options.setFollowReferrals(false);
        SocketFactory socketFactory = null;
        if (settings.tls()) {
            socketFactory = tlsSocketFactory(settings.caFile());
            // JSSE checks the chain, not the name, on a plain SSLSocket: the name is checked here
            // (RFC 6125; the subject CN only when the certificate has no subject alternative name).
            options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true, false));
        }
        List<ServerSet> servers = new ArrayList<>();
        for (String url : settings.urls()) {
            LDAPURL parsed = LdapDirectorySettings.parseUrl(url);
            servers.add(new SingleServerSet(parsed.getHost(), parsed.getPort(), socketFactory, options));
        }
        FailoverServerSet serverSet = new FailoverServerSet(servers);
        serverSet.setMaxFailoverConnectionAgeMillis(FAILOVER_CONNECTION_AGE.toMillis());

        BindRequest bind = settings.bindDn() == null ? null : new SimpleBindRequest(settings.bindDn(), settings.bindPassword());
        GetEntryLDAPConnectionPoolHealthCheck healthCheck = new GetEntryLDAPConnectionPoolHealthCheck(
                settings.baseDn(), settings.responseTimeout().toMillis(),
                bind == null, // on create: only when no bind follows
                bind != null, // after the bind
                false, false, // not on each checkout or release
                true, // in the background
                true); // after an operation failed
        LDAPConnectionPool pool;
        try {
            pool = new LDAPConnectionPool(serverSet, bind, 1, settings.poolSize(), 1, null, false, healthCheck);
        } catch (LDAPException e) {
            // Only reachable with throwOnConnectFailure; kept so that nothing leaks unwrapped.
            throw new DirectoryUnavailableException(failure(settings, description, "cannot open the connection pool", e), e);
        }
        pool.setConnectionPoolName("scepter-directory");
        pool.setHealthCheckIntervalMillis(HEALTH_CHECK_INTERVAL.toMillis());
        pool.setRetryFailedOperationsDueToInvalidConnections(EnumSet.of(OperationType.SEARCH));
        // Bounded: when every connection is busy, wait up to the response timeout, then give up
        // rather than open connections without end.
        pool.setCreateIfNecessary(false);
        pool.setMaxWaitTimeMillis(settings.responseTimeout().toMillis());
        return pool;
    }

    /** Why an operation failed, for a {@link DirectoryUnavailableException}: never with the bind password. */
    static String failure(LdapDirectorySettings settings, String description, String doing, LDAPException e) {
        String reason = e.getResultCode() == ResultCode.INVALID_CREDENTIALS
                ? "the bind as " + settings.bindDn() + " was refused (invalid credentials)"
                : e.getResultCode().getName() + ": " + e.getMessage();
        return redact(description + ": " + doing + ": " + reason, settings.bindPassword());
    }

    /** Belt and braces: no server message may carry the password into ours. */
    static String redact(String message, String password) {
        if (password == null || password.isEmpty() || message == null) {
            return message;
        }
        return message.replace(password, "***");
    }

    private static SocketFactory tlsSocketFactory(Path caFile) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                trust.init((KeyStore) null);
            } else {
                trust.init(trustStore(caFile));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS trust"
                    + (caFile == null ? "" : " from " + caFile) + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path caFile) throws GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("caFile: cannot read " + caFile + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("caFile: no certificate in " + caFile);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        return store;
    }
}
