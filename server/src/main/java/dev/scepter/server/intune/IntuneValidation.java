package dev.scepter.server.intune;

import dev.scepter.authority.enrollment.ChallengeVerifier;
import dev.scepter.authority.enrollment.MdmNotifier;
import dev.scepter.azure.intune.IntuneClient;
import java.util.Objects;
import java.util.Optional;

/**
 * Intune's SCEP validation as this instance has it, for the Intune endpoint and the homepage:
 * Intune's verifier and notifier once the instance signs in to Microsoft's cloud; otherwise a
 * verifier that refuses every request, and the reason.
 */
public final class IntuneValidation {

    private static final ChallengeVerifier NOTHING_PASSES = context -> false;

    private final Optional<IntuneClient> client;
    private final ChallengeVerifier verifier;
    private final MdmNotifier notifier;
    private final String notConfiguredReason;

    private IntuneValidation(Optional<IntuneClient> client, ChallengeVerifier verifier, MdmNotifier notifier, String notConfiguredReason) {
        this.client = client;
        this.verifier = verifier;
        this.notifier = notifier;
        this.notConfiguredReason = notConfiguredReason;
    }

    public static IntuneValidation configured(IntuneClient client, ChallengeVerifier verifier, MdmNotifier notifier) {
        return new IntuneValidation(Optional.of(client), Objects.requireNonNull(verifier, "verifier"),
                Objects.requireNonNull(notifier, "notifier"), "");
    }

    /** Every request refused, for this reason (shown on the homepage). */
    public static IntuneValidation notConfigured(String reason) {
        return new IntuneValidation(Optional.empty(), NOTHING_PASSES, MdmNotifier.NONE, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isConfigured() {
        return client.isPresent();
    }

    /** The client, while configured (the revocation poll shares its discovered services). */
    public Optional<IntuneClient> client() {
        return client;
    }

    public ChallengeVerifier verifier() {
        return verifier;
    }

    public MdmNotifier notifier() {
        return notifier;
    }

    /** What the homepage says beside the endpoint: why it refuses everything, or Intune's latest failure; empty when all is well. */
    public String note() {
        if (client.isEmpty()) {
            return notConfiguredReason;
        }
        return client.get().lastFailure().map(failure -> "Intune's latest answer: " + failure).orElse("");
    }
}
