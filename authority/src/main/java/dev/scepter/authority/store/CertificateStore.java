package dev.scepter.authority.store;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where issued certificates are recorded. Adapters: {@code JdbcCertificateStore} (H2, PostgreSQL);
 * Azure Table Storage later.
 */
public interface CertificateStore {

    /**
     * Records a certificate in a committed transaction; returns only once it is durable.
     *
     * @throws SerialNumberCollisionException when {@code (issuer, serialNumber)} is already recorded
     */
    void record(IssuedCertificate certificate);

    /**
     * Records a certificate as {@link #record} does and, when {@code trail} keeps its events in
     * the same database as this store, appends the audit event of its issuance in the same
     * transaction: one commit for both, and the event never without the certificate. An event the
     * trail cannot take (a value too long for it) does not cost the certificate its record: it is
     * left out, and the caller appends it as for a trail elsewhere.
     *
     * @return whether {@code issuance} was appended with the certificate; when not, the caller
     *         appends it to {@code trail} itself
     * @throws SerialNumberCollisionException as {@link #record}; neither is committed then
     */
    default boolean recordWithAudit(IssuedCertificate certificate, AuditEvent issuance, AuditLog trail) {
        record(certificate);
        return false;
    }

    /** The certificate with this serial from this issuer, if recorded. */
    Optional<IssuedCertificate> find(String issuer, BigInteger serialNumber);

    /** The certificates issued for SCEP requests with this transactionID (RFC 8894 section 3.2.1.1). */
    List<IssuedCertificate> findByTransactionId(String issuer, String transactionId);

    /** How many certificates are recorded; also tells that the store answers. */
    long count();

    /**
     * How many of them were recorded under this {@link IssuedCertificate#endpoint()}, such as the
     * OCSP responder's own ({@code DelegatedResponder.ENDPOINT}), which are not devices'.
     */
    long countByEndpoint(String endpoint);

    /**
     * Revokes a recorded certificate by hand (its first revocation stands: a second is refused,
     * so that the reason and time a relying party saw never change). A {@link Revocation#deliveryHold}
     * is no revocation in that sense: a revocation replaces it, in the same conditional write.
     */
    RevocationOutcome revoke(String issuer, BigInteger serialNumber, Revocation revocation);

    /**
     * Lifts a {@link Revocation#deliveryHold} once the MDM acknowledged the delivery, atomically:
     * a certificate revoked or held by anyone else is left as it is.
     *
     * @return whether a delivery hold was lifted
     */
    boolean release(String issuer, BigInteger serialNumber);

    /** Every certificate of this issuer revoked by hand: the CRL, and the OCSP responders' in-memory set. */
    List<RevokedCertificate> revocations(String issuer);

    /**
     * Hands {@code visitor} the serial number of every certificate this issuer issued that was
     * recorded at or after {@code since} (all with {@link Instant#MIN}), in no set order, on the
     * calling thread, before this returns. The store reads them in pages and keeps none of them:
     * a million serials never stand in memory as one list (at start the in-memory index of issued
     * serials is loaded this way). The visitor must not call the store (a page may hold a
     * connection while it runs); a serial may be handed more than once.
     */
    void forEachSerialRecordedSince(String issuer, Instant since, Consumer<BigInteger> visitor);

    /** A page of certificates matching the query, newest first. */
    SearchPage search(String issuer, SearchQuery query);

    /**
     * How many of the issuer's certificates match the query (its page size and continuation token
     * aside), by {@link IssuedCertificate#endpoint()}: endpoints without any are left out. The
     * expiry gauges ask this, so an adapter answers it without reading every certificate's DER.
     */
    Map<String, Long> countMatchingByEndpoint(String issuer, SearchQuery query);
}
