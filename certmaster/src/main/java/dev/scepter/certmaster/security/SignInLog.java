package dev.scepter.certmaster.security;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Every sign-in, successful or not, with who, how and from where, on the logger
 * {@code dev.scepter.certmaster.audit}. Never a password, a token or a code: the name tried, the
 * way (password or OIDC), the client's address (the proxy's, unless forwarded headers are trusted)
 * and, for a refusal, the kind of refusal.
 */
final class SignInLog {

    static final Logger AUDIT = LoggerFactory.getLogger("dev.scepter.certmaster.audit");

    private SignInLog() {
    }

    static void succeeded(HttpServletRequest request, String how, Authentication user) {
        AUDIT.info("sign-in succeeded: user={} via={} from={} roles={}", printable(user.getName()), how, request.getRemoteAddr(),
                user.getAuthorities().stream().map(a -> a.getAuthority()).filter(PortalRoles.ALL::contains).sorted().toList());
    }

    static void failed(HttpServletRequest request, String how, String name, AuthenticationException refusal) {
        AUDIT.warn("sign-in refused: user={} via={} from={} reason={}", name == null ? "-" : printable(name), how, request.getRemoteAddr(),
                reason(refusal));
    }

    /** The provider's error code and description for an OIDC refusal (no token in them), else the kind of refusal. */
    static String reason(AuthenticationException refusal) {
        if (refusal instanceof OAuth2AuthenticationException oauth) {
            OAuth2Error error = oauth.getError();
            return printable(error.getErrorCode() + (error.getDescription() != null ? ": " + error.getDescription() : ""));
        }
        return refusal.getClass().getSimpleName();
    }

    /** A name as typed may hold anything: no line breaks or control characters in the log, and not too long. */
    static String printable(String name) {
        String cleaned = name.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) + "..." : cleaned;
    }

}
