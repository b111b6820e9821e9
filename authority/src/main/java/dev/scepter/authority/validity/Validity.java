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

    /** The directory that decides bound certificates, in words without credentials (its {@code describe()}). */
    public String directoryDescription() {
        return directory.describe();
    }

    /**
     * The status of the certificate with this serial from our CA.
     *
     * @throws dev.scepter.authority.directory.DirectoryUnavailableException when the bound
     *         object's directory cannot answer: no answer is better than a wrong one
     */
    public CertificateStatus statusOf(BigInteger serialNumber) {
        return decide(serialNumber).status();
    }

    /**
     * The status of the certificate with this serial and the rule that decided it: {@link
     * #statusOf}'s answer, explained.
     *
     * @throws dev.scepter.authority.directory.DirectoryUnavailableException when the bound
     *         object's directory cannot answer
     */
    public StatusDecision decide(BigInteger serialNumber) {
        if (serialNumber.equals(caSerialNumber)) {
            // Relying parties such as Palo Alto ask about the CA certificate itself.
            return decision(new CertificateStatus.Good(), StatusDecision.Source.CA_CERTIFICATE, Optional.empty(), Optional.empty());
        }
        Optional<Revocation> manual = revocations.find(serialNumber);
        if (manual.isPresent()) {
            return new StatusDecision(new CertificateStatus.Revoked(manual.get().reason(), manual.get().revokedAt()),
                    StatusDecision.Source.MANUAL, manual, ObjectBinding.of(serialNumber), Optional.empty());
        }
        if (!issued.contains(serialNumber)) {
            return decision(new CertificateStatus.Unknown(), StatusDecision.Source.NOT_ISSUED, Optional.empty(), Optional.empty());
        }
        Optional<ObjectBinding> binding = ObjectBinding.of(serialNumber);
        if (binding.isEmpty()) {
            return decision(new CertificateStatus.Good(), StatusDecision.Source.UNBOUND, Optional.empty(), Optional.empty());
        }
        DirectoryAnswer answer = directory.lookup(binding.get().type(), binding.get().objectId());
        CertificateStatus status = switch (answer) {
            case ENABLED -> new CertificateStatus.Good();
            case DISABLED, NOT_COMPLIANT -> new CertificateStatus.OnHold(clock.instant());
            case RETIRED, NOT_FOUND -> new CertificateStatus.Revoked(RevocationReasons.PERMANENT_AUTOMATIC, clock.instant());
        };
        return decision(status, StatusDecision.Source.DIRECTORY, binding, Optional.of(answer));
    }

    private static StatusDecision decision(CertificateStatus status, StatusDecision.Source source, Optional<ObjectBinding> binding,
            Optional<DirectoryAnswer> answer) {
        return new StatusDecision(status, source, Optional.empty(), binding, answer);
    }
}
