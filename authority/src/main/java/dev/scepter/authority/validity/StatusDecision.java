package dev.scepter.authority.validity;

import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.store.Revocation;
import java.util.Objects;
import java.util.Optional;

/**
 * The status OCSP answers for a certificate and what decided it, so that an admin can read why
 * (Certificate Master's "live revocation check"): the same decision {@link Validity#statusOf}
 * makes, not a second guess at it.
 *
 * @param status          what OCSP answers
 * @param source          which rule decided it
 * @param manual          the manual revocation (or delivery hold), when {@code source} is {@link Source#MANUAL}
 * @param binding         the directory object the serial names, when it names one
 * @param directoryAnswer the directory's answer about it, when {@code source} is {@link Source#DIRECTORY}
 */
public record StatusDecision(CertificateStatus status, Source source, Optional<Revocation> manual, Optional<ObjectBinding> binding,
        Optional<DirectoryAnswer> directoryAnswer) {

    /** The rules of {@link Validity#statusOf}, in the order it applies them. */
    public enum Source {
        /** The CA's own certificate, which relying parties ask about too: good. */
        CA_CERTIFICATE,
        /** Revoked by hand (or held until the MDM confirms delivery): the store's revocation decides. */
        MANUAL,
        /** Not a serial this CA issued. */
        NOT_ISSUED,
        /** Bound to no directory object: good while not revoked by hand. */
        UNBOUND,
        /** The bound directory object's current state decides. */
        DIRECTORY
    }

    public StatusDecision {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(manual, "manual");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(directoryAnswer, "directoryAnswer");
    }
}
