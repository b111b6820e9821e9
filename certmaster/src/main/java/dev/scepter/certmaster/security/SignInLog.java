package dev.scepter.certmaster.security;

import dev.scepter.certmaster.core.CoreApi;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Every sign-in, successful or not, with who, how and from where: in the core's audit trail
 * ({@link CoreApi#reportSignIn}, as {@code certmaster.sign-in}) and on the logger
 * {@code dev.scepter.certmaster.audit} (which also keeps it when the core cannot be told). Never a password, a token or a code: the name tried, the
 * way (password or OIDC), the client's address (the proxy's, unless forwarded headers are trusted)
 * and, for a refusal, the kind of refusal.
 */
final class SignInLog {

    static final Logger AUDIT = LoggerFactory.getLogger("dev.scepter.certmaster.audit");

    private final CoreApi core;

    SignInLog(CoreApi core) {
        this.core = core;
    }

    void succeeded(HttpServletRequest request, String how, Authentication user) {
        AUDIT.info("sign-in succeeded: user={} via={} from={} roles={}", printable(user.getName()), how, request.getRemoteAddr(),
                user.getAuthorities().stream().map(a -> a.getAuthority()).filter(PortalRoles.ALL::contains).sorted().toList());
        tellCore(printable(user.getName()), how, request.getRemoteAddr(), true, "");
    }

    void failed(HttpServletRequest request, String how, String name, AuthenticationException refusal) {
        String who = name == null || name.isBlank() ? "(unknown)" : printable(name);
        AUDIT.warn("sign-in refused: user={} via={} from={} reason={}", who, how, request.getRemoteAddr(), reason(refusal));
        tellCore(who, how, request.getRemoteAddr(), false, reason(refusal));
    }

    /** Best effort: a core that cannot be told now neither blocks nor fails the sign-in; the log has the event. */
    private void tellCore(String who, String how, String address, boolean succeeded, String reason) {
        try {
            core.reportSignIn(who, how.toLowerCase(java.util.Locale.ROOT), address, succeeded, reason.length() > 256 ? reason.substring(0, 253) + "..." : reason);
        } catch (RuntimeException e) {
            AUDIT.warn("the core's audit trail did not take this sign-in: {}", e.getMessage());
        }
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
