package dev.scepter.authority.validity;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.store.Revocation;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a certificate is good now: the one place that decides it, for OCSP and anything else
 * that asks. All sources are OR-ed (SCEPman's rule): a manual revocation, then the bound
 * directory object's state. A certificate bound to nothing is good while it is not revoked by
 * hand.
 */
public final class Validity {

    private final BigInteger caSerialNumber;
    private final RevocationIndex revocations;
    private final IssuedSerialIndex issued;
    private final Directory directory;
    private final Clock clock;

    public Validity(BigInteger caSerialNumber, RevocationIndex revocations, IssuedSerialIndex issued, Directory directory, Clock clock) {
        this.caSerialNumber = Objects.requireNonNull(caSerialNumber, "caSerialNumber");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.issued = Objects.requireNonNull(issued, "issued");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The status of the certificate with this serial from our CA.
     *
     * @throws dev.scepter.authority.directory.DirectoryUnavailableException when the bound
     *         object's directory cannot answer: no answer is better than a wrong one
     */
    public CertificateStatus statusOf(BigInteger serialNumber) {
        if (serialNumber.equals(caSerialNumber)) {
            // Relying parties such as Palo Alto ask about the CA certificate itself.
            return new CertificateStatus.Good();
        }
        Optional<Revocation> manual = revocations.find(serialNumber);
        if (manual.isPresent()) {
            return new CertificateStatus.Revoked(manual.get().reason(), manual.get().revokedAt());
        }
        if (!issued.contains(serialNumber)) {
            return new CertificateStatus.Unknown();
        }
        Optional<ObjectBinding> binding = ObjectBinding.of(serialNumber);
        if (binding.isEmpty()) {
            return new CertificateStatus.Good();
        }
        DirectoryAnswer answer = directory.lookup(binding.get().type(), binding.get().objectId());
        return switch (answer) {
            case ENABLED -> new CertificateStatus.Good();
            case DISABLED, NOT_COMPLIANT -> new CertificateStatus.OnHold(clock.instant());
            case RETIRED, NOT_FOUND -> new CertificateStatus.Revoked(RevocationReasons.PERMANENT_AUTOMATIC, clock.instant());
        };
    }
}
