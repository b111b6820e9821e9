package dev.scepter.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.server.security.ApiCaller;
import dev.scepter.authority.token.ApiRole;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The revoker as the store records it, "{revoker} through API user {caller}", in a varchar(400). */
class RevokerTest {

    @Test
    void aRevokerThatWouldNotFitTheRecordWithTheCallersNameIsAClientErrorNotA500() {
        String tokenName = "t".repeat(200);
        // 256 characters pass the rule for names, but with " through API user " and this caller they are over 400.
        assertThatThrownBy(() -> ManageController.revoker("a".repeat(256), tokenName))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.status()).isEqualTo(HttpStatus.BAD_REQUEST))
                .hasMessageContaining("revoker must be at most 182 characters");
        assertThat(ManageController.revoker("a".repeat(182), tokenName)).hasSize(182);
        assertThat(ManageController.revoker("a".repeat(256), "certmaster-1a2b3c4d")).hasSize(256);
    }

    @Test
    void aRequesterThatWouldNotFitIsRefusedTheSameWay() {
        ApiCaller portal = new ApiCaller("token", "t".repeat(200), Set.of(ApiRole.CSR_REQUEST));
        assertThatThrownBy(() -> CsrController.onBehalfOf("a".repeat(256), portal))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.status()).isEqualTo(HttpStatus.BAD_REQUEST))
                .hasMessageContaining("requester must be at most 182 characters");
        assertThat(CsrController.onBehalfOf("a".repeat(182), portal)).hasSize(182);
    }
}
