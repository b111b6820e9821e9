package dev.scepter.authority.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.token.ApiRole;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kinds' rules that the API's test does not reach: roles, caps, names. */
class CertificateKindTest {

    @Test
    void theCsrRolesMayAskForEveryKindAndSelfServiceForClientAndUserOnly() {
        for (CertificateKind kind : CertificateKind.values()) {
            assertThat(kind.mayBeRequestedBy(Set.of(ApiRole.CSR_REQUEST_DB))).as(kind.name()).isTrue();
            assertThat(kind.mayBeRequestedBy(Set.of(ApiRole.MANAGE_ALL))).as(kind.name()).isFalse();
        }
        assertThat(CertificateKind.CLIENT.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isTrue();
        assertThat(CertificateKind.USER.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isTrue();
        assertThat(CertificateKind.SERVER.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isFalse();
        assertThat(CertificateKind.CODE_SIGNING.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isFalse();
    }

    @Test
    void theLifetimeIsHeldToTheSmallerOfTheKindsAndTheInstallationsCap() throws Exception {
        assertThat(CertificateKind.CODE_SIGNING.validity(Optional.empty(), 730)).isEqualTo(Duration.ofDays(730));
        assertThat(CertificateKind.SERVER.validity(Optional.empty(), 730)).isEqualTo(Duration.ofDays(397));
        assertThat(CertificateKind.SERVER.validity(Optional.of(1), 730)).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> CertificateKind.CODE_SIGNING.validity(Optional.of(731), 730)).hasMessage(
                "a CodeSigning certificate lives from 1 to 730 days here, not 731");
        assertThatThrownBy(() -> CertificateKind.CLIENT.validity(Optional.of(-5), 730)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void kindsAreReadByTheirApiNamesCaseInsensitively() {
        assertThat(CertificateKind.byName("smime")).contains(CertificateKind.SMIME);
        assertThat(CertificateKind.byName(" CodeSigning ")).contains(CertificateKind.CODE_SIGNING);
        assertThat(CertificateKind.byName("SubCa")).isEmpty();
    }
}
