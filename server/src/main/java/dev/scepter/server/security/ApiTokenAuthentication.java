package dev.scepter.server.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A caller authenticated by one of our bearer tokens; the token's value is not kept. */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private final ApiCaller caller;

    ApiTokenAuthentication(ApiCaller caller) {
        super(caller.roles().stream().map(role -> new SimpleGrantedAuthority(role.value())).toList());
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public ApiCaller getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.name();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiTokenAuthentication that && caller.equals(that.caller);
    }

    @Override
    public int hashCode() {
        return caller.hashCode();
    }
}
