package dev.scepter.certmaster.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/** Which OIDC claim names the person, and what becomes of a typed name before it reaches the trail. */
class SignInNamesTest {

    private static OidcIdToken token(Map<String, Object> claims) {
        return new OidcIdToken("token", Instant.now(), Instant.now().plusSeconds(60), claims);
    }

    @Test
    void theNameIsPreferredUsernameThenTheObjectIdThenSubjectButNeverTheUnverifiedEmail() {
        assertThat(OidcRoles.nameClaim(token(Map.of("sub", "s1", "preferred_username", "alice@contoso.com", "email", "bob@contoso.com",
                "oid", "0b1c")))).isEqualTo("preferred_username");
        assertThat(OidcRoles.nameClaim(token(Map.of("sub", "s1", "email", "bob@contoso.com", "oid", "0b1c")))).isEqualTo("oid");
        assertThat(OidcRoles.nameClaim(token(Map.of("sub", "s1", "email", "bob@contoso.com")))).isEqualTo("sub");
        assertThat(OidcRoles.nameClaim(token(Map.of("sub", "s1", "preferred_username", " ")))).isEqualTo("sub");
    }

    @Test
    void aTypedNameLosesControlFormatAndBidirectionalCharactersAndTheWordsThatJoinAnActor() {
        assertThat(SignInLog.printable("eve\u202Egnp.exe")).isEqualTo("eve?gnp.exe");
        assertThat(SignInLog.printable("eve\u0085\u200B\u2028x")).isEqualTo("eve???x");
        assertThat(SignInLog.printable("alice through API user certmaster")).isEqualTo("alice?through?API?user?certmaster");
        assertThat(SignInLog.printable("alice THROUGH api USER x")).doesNotContain(" ");
        assertThat(SignInLog.printable("\u200B")).isEqualTo("?");
        assertThat(SignInLog.printable("  ")).isEqualTo("(unknown)");
        assertThat(SignInLog.printable("x".repeat(300))).hasSize(203);
    }
}
