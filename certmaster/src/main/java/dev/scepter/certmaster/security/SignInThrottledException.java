package dev.scepter.certmaster.security;

import org.springframework.security.core.AuthenticationException;

/** Too many failed sign-ins for this account from this address within a minute. */
public final class SignInThrottledException extends AuthenticationException {

    public SignInThrottledException() {
        super("Too many failed sign-ins; wait a minute");
    }
}
