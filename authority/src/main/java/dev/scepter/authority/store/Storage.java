package dev.scepter.authority.store;

import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.token.ApiTokenStore;

/**
 * One installation's storage: every role port that keeps state, from one backend, opened once
 * per process and closed on shutdown. Adapters: {@code JdbcStorage} (embedded H2, PostgreSQL);
 * Azure Table Storage later. Which one a process opens is the settings' choice, made by one
 * factory outside this module.
 *
 * <p>Contract, for every adapter (the storage contract suite in this module's test-jar checks it):
 * <ul>
 * <li>The role ports it hands out are the same objects for its whole life, safe for concurrent
 * use, and see each other's writes (a certificate recorded through {@link #certificateStore()}
 * is found by every later call, on every node that shares the backend).
 * <li>Whether the backend answers is told by {@link CertificateStore#count()} (the homepage and
 * the probe ask it). An outage throws from any role's call, never an empty answer: the
 * certificate store's reads say {@link StoreUnavailableException}, the embedded directory's
 * {@code DirectoryUnavailableException}, so that callers answer "try later".
 * <li>After {@link #close()}, calls on the role ports fail; they never answer from what is left
 * in memory.
 * </ul>
 * Adapter-specific work (opening, schema migration, an embedded database's password) stays on the
 * adapter: callers that need it know which adapter they hold.
 */
public interface Storage extends AutoCloseable {

    /** The issued certificates and their manual revocations. */
    CertificateStore certificateStore();

    /** The core API's bearer tokens, kept hashed. */
    ApiTokenStore apiTokenStore();

    /** One-time SCEP challenges, each consumed at most once. */
    OneTimeChallengeStore oneTimeChallengeStore();

    /** ACME's accounts, orders, authorizations, challenges and nonces, shared by the nodes. */
    AcmeStore acmeStore();

    /** Who did what: token and challenge changes, revocations, installation steps. */
    AuditLog auditLog();

    /** The embedded directory, kept in this storage: the directory when no external one is configured. */
    EmbeddedDirectory embeddedDirectory();

    /**
     * What the storage is, for the log, the homepage and health: for example
     * {@code H2 (embedded, /srv/scepter-data/scepter.mv.db)} or
     * {@code PostgreSQL 15.14 at db.example:5432/scepter}. Never a password or key.
     */
    String describe();

    /** Releases the backend's connections; the role ports fail after it. Closing twice does no harm. */
    @Override
    void close();
}
