package dev.scepter.keys;

import dev.scepter.settings.Setting;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * A PKCS#11 token as this process uses it: one SunPKCS11 provider per token (module and slot) for
 * the life of the process, logged in while at least one {@link Pkcs11KeyCustody} of it is open,
 * and logged out when the last one closes. A provider is never made per open: each SunPKCS11
 * provider holds its own sessions in the module, and nothing releases a provider but the process's
 * end, so a caller that opened the token again and again (the homepage's installation check does)
 * would grow them without bound.
 */
final class Pkcs11Token {

    /**
     * What keys generated through this provider are: persistent private keys that the token keeps
     * secret; CKA_DECRYPT on RSA private keys is SCEP's key transport. The public half is a session
     * object: it is in the certificate, and a token object would be left behind when the key and
     * its certificate are deleted (SunPKCS11's key store deletes the private key and the
     * certificate only).
     */
    private static final String GENERATE_ATTRIBUTES = """
            attributes(generate, CKO_PUBLIC_KEY, *) = {
              CKA_TOKEN = false
            }
            attributes(generate, CKO_PRIVATE_KEY, *) = {
              CKA_TOKEN = true
              CKA_PRIVATE = true
              CKA_SENSITIVE = true
              CKA_EXTRACTABLE = false
              CKA_SIGN = true
            }
            attributes(generate, CKO_PRIVATE_KEY, CKK_RSA) = {
              CKA_DECRYPT = true
            }
            """;

    private static final Object LOCK = new Object();
    private static final Map<String, Pkcs11Token> TOKENS = new HashMap<>();
    private static final AtomicInteger PROVIDERS_MADE = new AtomicInteger();

    private final Pkcs11Settings settings;
    private final Provider provider;
    private KeyStore keyStore;
    private byte[] pinDigest;
    private int users;

    private Pkcs11Token(Pkcs11Settings settings, Provider provider) {
        this.settings = settings;
        this.provider = provider;
    }

    /**
     * The token of {@code settings}, logged in with its PIN (once, for every user at the same
     * time); each call is one user, who must {@link #release()} it.
     *
     * @throws IllegalStateException when the token is missing or refuses the PIN, naming the setting
     */
    static Pkcs11Token acquire(Pkcs11Settings settings) throws GeneralSecurityException {
        synchronized (LOCK) {
            String key = settings.library().toAbsolutePath() + "#" + (settings.slot().isPresent() ? settings.slot().getAsLong() : "first");
            Pkcs11Token token = TOKENS.get(key);
            if (token == null) {
                token = new Pkcs11Token(settings, provider(settings));
                TOKENS.put(key, token);
            }
            token.logIn(settings);
            return token;
        }
    }

    /** How many SunPKCS11 providers this process has made: one per token, for tests to hold to. */
    static int providersMade() {
        return PROVIDERS_MADE.get();
    }

    Provider provider() {
        return provider;
    }

    /** The token's key store, logged in; only between {@link #acquire} and {@link #release()}. */
    KeyStore keyStore() {
        synchronized (LOCK) {
            if (keyStore == null) {
                throw new IllegalStateException("the PKCS#11 token in " + settings.describe() + " is closed");
            }
            return keyStore;
        }
    }

    /** One user fewer; the last one logs the token out, so its keys cannot be used until it is opened again. */
    void release() {
        synchronized (LOCK) {
            if (users == 0) {
                return;
            }
            users--;
            if (users == 0) {
                keyStore = null;
                Arrays.fill(pinDigest, (byte) 0);
                pinDigest = null;
                try {
                    ((AuthProvider) provider).logout();
                } catch (LoginException | ProviderException e) {
                    // The token is gone, or its session with it: nothing is logged in that could be used.
                }
            }
        }
    }

    /** Whether a custody of this token is open (it is logged in). */
    boolean loggedIn() {
        synchronized (LOCK) {
            return users > 0;
        }
    }

    private void logIn(Pkcs11Settings settings) throws GeneralSecurityException {
        byte[] digest = digest(settings.pin());
        if (users > 0) {
            // Logged in already: a token accepts any PIN then, so the PIN is held to the one it was opened with.
            if (!MessageDigest.isEqual(digest, pinDigest)) {
                throw wrongPin(settings, null);
            }
            users++;
            return;
        }
        KeyStore opened = KeyStore.getInstance("PKCS11", provider);
        try {
            opened.load(null, settings.pin().clone());
        } catch (IOException e) {
            if (causedBy(e, FailedLoginException.class) || innermost(e).contains("CKR_PIN_INCORRECT")) {
                throw wrongPin(settings, e);
            }
            throw new IllegalStateException("Cannot log in to the PKCS#11 token in " + settings.describe() + " ("
                    + Setting.PKCS11_LIBRARY.key() + ", " + Setting.PKCS11_SLOT.key() + "): " + innermost(e), e);
        } catch (ProviderException e) {
            throw new IllegalStateException("Cannot use the PKCS#11 token in " + settings.describe() + " (" + Setting.PKCS11_LIBRARY.key()
                    + ", " + Setting.PKCS11_SLOT.key() + "): " + innermost(e) + ". Is the token present in that slot?", e);
        }
        keyStore = opened;
        pinDigest = digest;
        users = 1;
    }

    private static IllegalStateException wrongPin(Pkcs11Settings settings, Exception cause) {
        return new IllegalStateException("The PKCS#11 token in " + settings.describe() + " refused the PIN of "
                + Setting.PKCS11_PIN_FILE.key() + " (or " + Setting.PKCS11_PIN.key() + "): it is wrong.", cause);
    }

    private static byte[] digest(char[] pin) throws GeneralSecurityException {
        var bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pin));
        byte[] plain = new byte[bytes.remaining()];
        bytes.get(plain);
        try {
            return MessageDigest.getInstance("SHA-256").digest(plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static Provider provider(Pkcs11Settings settings) {
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IllegalStateException("This Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki), which "
                    + Setting.PKCS11_LIBRARY.key() + " needs.");
        }
        String config = "--name = Scepter\nlibrary = \"" + settings.library().toAbsolutePath() + "\"\n"
                + (settings.slot().isPresent() ? "slot = " + settings.slot().getAsLong() + "\n" : "slotListIndex = 0\n")
                + GENERATE_ATTRIBUTES;
        try {
            Provider provider = base.configure(config);
            PROVIDERS_MADE.incrementAndGet();
            return provider;
        } catch (ProviderException | InvalidParameterException e) {
            throw new IllegalStateException("Cannot open the PKCS#11 token in " + settings.describe() + " (" + Setting.PKCS11_LIBRARY.key()
                    + ", " + Setting.PKCS11_SLOT.key() + "): " + innermost(e) + ". Is the token present in that slot?", e);
        }
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return Objects.requireNonNullElse(t.getMessage(), t.getClass().getSimpleName());
    }
}
