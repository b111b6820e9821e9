package dev.scepter.certmaster.forms;

import java.security.SecureRandom;

/**
 * The generated passwords of the key files: 24 characters (SCEPman's default length) from an
 * alphabet without look-alikes (no 0/O, 1/l/I) and without characters that shells or old
 * importers mangle; about 136 bits.
 */
final class Passwords {

    static final int LENGTH = 24;
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private Passwords() {
    }

    static char[] generate(SecureRandom random) {
        char[] password = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return password;
    }
}
