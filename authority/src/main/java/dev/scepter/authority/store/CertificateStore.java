package dev.scepter.authority.store;

import java.math.BigInteger;
import java.util.Optional;

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

    /** The certificate with this serial from this issuer, if recorded. */
    Optional<IssuedCertificate> find(String issuer, BigInteger serialNumber);

    /** How many certificates are recorded; also tells that the store answers. */
    long count();
}
