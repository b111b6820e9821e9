package dev.scepter.authority;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets as text: base64url, printable (Windows' SCEP client accepts nothing else in a challenge). */
public final class Secrets {

    private Secrets() {
    }

    /** {@code bytes} random bytes, base64url without padding. */
    public static String randomText(SecureRandom random, int bytes) {
        byte[] secret = new byte[bytes];
        random.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
