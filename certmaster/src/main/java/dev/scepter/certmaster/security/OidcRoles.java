package dev.scepter.certmaster.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * The signed-in person of an OIDC sign-in, from the ID token alone (the provider's user-info
 * endpoint is not called: Entra ID's is Microsoft Graph, and the token has all we need):
 *
 * <ul>
 *   <li>roles: the token's {@code roles} claim (Entra ID's app roles), kept where they are
 *       SCEPman's Certificate Master roles ({@link PortalRoles}) and dropped otherwise: a person
 *       without one is signed in and sees the "Not allowed" page;</li>
 *   <li>name: {@code preferred_username} (Entra ID: the UPN, which SCEPman records as the revoker),
 *       else {@code oid} (Entra ID's object id), else {@code sub}. Never {@code email}: Entra ID
 *       does not verify it, so anyone able to set their mail address could take another's name.</li>
 * </ul>
 */
public final class OidcRoles implements OAuth2UserService<OidcUserRequest, OidcUser> {

    public static final String ROLES_CLAIM = "roles";
    /** Entra ID's immutable object id of the user. */
    static final String OBJECT_ID = "oid";

    /** The error of a sign-in refused for a name the core would not record. */
    public static final String UNRECORDABLE_NAME = "unrecordable_name";

    private final OidcUserService tokenOnly = new OidcUserService();

    public OidcRoles() {
        tokenOnly.setRetrieveUserInfo(request -> false);
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) throws OAuth2AuthenticationException {
        OidcUser checked = tokenOnly.loadUser(request);
        OidcIdToken token = checked.getIdToken();
        String claim = nameClaim(token);
        // The core records the name as given (stripped): one it would refuse could sign in and then do nothing.
        String name = String.valueOf(token.getClaimAsString(claim)).strip();
        String problem = PersonName.problem(name);
        if (problem != null) {
            OAuth2Error error = new OAuth2Error(UNRECORDABLE_NAME, "the account name (" + claim
                    + ") cannot be recorded in the CA's audit trail: " + problem, null);
            throw new OAuth2AuthenticationException(error, error.toString());
        }
        return new DefaultOidcUser(roles(token.getClaimAsStringList(ROLES_CLAIM)), token, checked.getUserInfo(), claim);
    }

    static Set<GrantedAuthority> roles(List<String> claimed) {
        Set<GrantedAuthority> roles = new LinkedHashSet<>();
        if (claimed != null) {
            for (String role : claimed) {
                if (PortalRoles.ALL.contains(role)) {
                    roles.add(new SimpleGrantedAuthority(role));
                }
            }
        }
        return roles;
    }

    static String nameClaim(OidcIdToken token) {
        for (String claim : List.of(StandardClaimNames.PREFERRED_USERNAME, OBJECT_ID)) {
            String value = token.getClaimAsString(claim);
            if (value != null && !value.isBlank()) {
                return claim;
            }
        }
        return IdTokenClaimNames.SUB;
    }
}
