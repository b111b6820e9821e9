package dev.scepter.certmaster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
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

    @Test
    void realisticNamesAreAcceptedAndTheCoresRefusalsAreRefusedAtSignInNamingTheCharacter() {
        for (String name : new String[] {"alice@contoso.com", "Zoë O'Brien-Núñez", "Jean Dupont", "山田 太郎", "x".repeat(256)}) {
            assertThat(PersonName.problem(name)).as(name).isNull();
        }
        assertThat(PersonName.problem("\u0641\u0631\u0647\u200C\u0627\u062F")).contains("U+200C");
        assertThat(PersonName.problem("Anna\u00ADLena")).contains("U+00AD");
        assertThat(PersonName.problem("x".repeat(257))).contains("257 characters");
        assertThat(PersonName.problem("alice through API user admin")).contains("through API user");
    }

    @Test
    void anOidcNameTheCoreWouldRefuseIsNotSignedIn() {
        ClientRegistration registration = ClientRegistration.withRegistrationId("oidc").clientId("c")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).redirectUri("http://127.0.0.1/signin-oidc")
                .authorizationUri("http://127.0.0.1/authorize").tokenUri("http://127.0.0.1/token").userNameAttributeName("sub").build();
        OAuth2AccessToken access = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at", Instant.now(), Instant.now().plusSeconds(60));
        OidcRoles roles = new OidcRoles();
        assertThat(roles.loadUser(new OidcUserRequest(registration, access, token(Map.of("sub", "s1", "preferred_username", "Zoë O'Brien"))))
                .getName()).isEqualTo("Zoë O'Brien");
        assertThatThrownBy(() -> roles.loadUser(new OidcUserRequest(registration, access,
                token(Map.of("sub", "s1", "preferred_username", "Sa\u200Dra")))))
                .isInstanceOfSatisfying(OAuth2AuthenticationException.class,
                        e -> assertThat(e.getError().getErrorCode()).isEqualTo(OidcRoles.UNRECORDABLE_NAME))
                .hasMessageContaining("cannot be recorded in the CA's audit trail").hasMessageContaining("U+200D");
    }

    @Test
    void aLocalAccountTheCoreWouldRefuseKeepsThePortalFromStartingWithTheReason(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve(LocalAccounts.USERS_FILE), """
                {"users": [{"name": "Ma\u200Cryam", "password": "{noop}x", "roles": ["Admin.Full"]}]}""");
        assertThatThrownBy(() -> LocalAccounts.open(folder, PasswordEncoderFactories.createDelegatingPasswordEncoder(), new SecureRandom()))
                .hasMessageContaining("cannot be recorded in the CA's audit trail").hasMessageContaining("U+200C");
    }
}
