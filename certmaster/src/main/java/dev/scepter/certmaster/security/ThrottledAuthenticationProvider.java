package dev.scepter.certmaster.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** A password check behind the {@link SignInThrottle}. */
public final class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final SignInThrottle throttle;

    public ThrottledAuthenticationProvider(AuthenticationProvider passwords, SignInThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String account = authentication.getName() == null ? "" : authentication.getName();
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : "";
        if (throttle.blocked(account, address)) {
            throw new SignInThrottledException();
        }
        try {
            Authentication authenticated = passwords.authenticate(authentication);
            throttle.succeeded(account, address);
            return authenticated;
        } catch (AuthenticationException e) {
            throttle.failed(account, address);
            throw e;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return passwords.supports(authentication);
    }
}
