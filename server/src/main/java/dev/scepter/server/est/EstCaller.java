package dev.scepter.server.est;

import dev.scepter.authority.token.ApiToken;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Who sent an EST request, as its HTTP and TLS layers say (RFC 7030 section 3.2.3 and 3.3.2):
 * never the secret itself once it is checked, except a one-time challenge, which the enrollment
 * uses up.
 */
sealed interface EstCaller {

    /** The certificate the client presented in the TLS handshake, if any, whatever else it sent. */
    Optional<X509CertificateHolder> clientCertificate();

    /** An API bearer token (RFC 6750) that our token store knows. */
    record Token(ApiToken token, Optional<X509CertificateHolder> clientCertificate) implements EstCaller {
    }

    /** HTTP Basic (RFC 7617): the password is a one-time challenge; the user name is not read. */
    record Challenge(String password, Optional<X509CertificateHolder> clientCertificate) implements EstCaller {
        @Override
        public String toString() {
            return "Challenge[password=<hidden>]";
        }
    }

    /** No HTTP authentication, perhaps a client certificate. */
    record Anonymous(Optional<X509CertificateHolder> clientCertificate) implements EstCaller {
    }
}
