package dev.scepter.azure.intune;

import dev.scepter.authority.enrollment.ChallengeVerifier;
import dev.scepter.authority.enrollment.EnrollmentContext;
import dev.scepter.authority.enrollment.VerifierUnavailableException;
import java.util.Objects;

/**
 * Intune's SCEP challenge check: Intune issued the challenge inside the device's SCEP profile and
 * alone can say whether this request (its transaction, its subject and SANs, its key) is the one
 * the challenge was for ({@code ScepActions/validateRequest}, ms_contracts.md 1.4). A
 * {@code Success} accepts; any other code refuses, logged with the code. When Intune gives no
 * usable answer the request is refused too ({@link VerifierUnavailableException}): Microsoft's
 * rule is that no certificate is issued unless validation succeeded.
 */
public final class IntuneChallengeVerifier implements ChallengeVerifier {

    private static final System.Logger LOG = System.getLogger(IntuneChallengeVerifier.class.getName());

    private final ScepActions actions;

    public IntuneChallengeVerifier(ScepActions actions) {
        this.actions = Objects.requireNonNull(actions, "actions");
    }

    @Override
    public boolean accepts(EnrollmentContext enrollment) {
        ScepActions.Answer answer;
        try {
            answer = actions.validateRequest(enrollment);
        } catch (IntuneUnavailableException e) {
            throw new VerifierUnavailableException(e.getMessage(), e);
        }
        if (!answer.success()) {
            LOG.log(System.Logger.Level.INFO, "Intune refused the SCEP request of transaction {0} on endpoint {1}: {2}{3}",
                    enrollment.transactionId().orElse("-"), enrollment.endpoint(), answer.code(),
                    answer.errorDescription().isEmpty() ? "" : " (" + answer.errorDescription() + ")");
        }
        return answer.success();
    }

    @Override
    public String toString() {
        return "IntuneChallengeVerifier";
    }
}
