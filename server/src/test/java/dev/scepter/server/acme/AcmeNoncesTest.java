package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.store.AcmeStore;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Nonces against a store that keeps used hashes in a map, on a clock the test moves. */
class AcmeNoncesTest {

    private static final byte[] KEY = new byte[32];
    private final Map<String, Instant> used = new HashMap<>();
    private Instant now = Instant.parse("2026-12-07T07:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final AcmeNonces nonces = new AcmeNonces((AcmeStore) Proxy.newProxyInstance(AcmeStore.class.getClassLoader(),
            new Class<?>[] {AcmeStore.class}, (proxy, method, args) -> switch (method.getName()) {
                case "nonceKey" -> KEY.clone();
                case "useNonce" -> used.putIfAbsent((String) args[0], (Instant) args[1]) == null;
                case "forgetUsedNonces" -> 0;
                default -> throw new UnsupportedOperationException(method.getName());
            }), new SecureRandom(), clock);

    @Test
    void aNonceIsUsedOnceAndItsRecordOutlivesItsExpiry() {
        String nonce = nonces.next();
        nonces.use(nonce);
        assertBadNonce(() -> nonces.use(nonce));
        assertThat(used.values()).containsExactly(now.plus(AcmeNonces.LIFETIME).plus(AcmeNonces.KEPT_PAST_EXPIRY));
    }

    @Test
    void anotherSpellingOfAUsedNonceIsBadNonce() {
        String nonce = nonces.next();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // The last character carries 4 unused bits (issued as zero): the next one in the alphabet decodes to the same bytes.
        String respelled = nonce.substring(0, nonce.length() - 1) + alphabet.charAt(alphabet.indexOf(nonce.charAt(nonce.length() - 1)) + 1);
        assertThat(Base64.getUrlDecoder().decode(respelled)).isEqualTo(Base64.getUrlDecoder().decode(nonce));
        assertBadNonce(() -> nonces.check(respelled));
        nonces.use(nonce);
        assertBadNonce(() -> nonces.use(respelled));
        assertThat(used).hasSize(1);
    }

    @Test
    void aWrongMacIsBadNonce() {
        byte[] bytes = Base64.getUrlDecoder().decode(nonces.next());
        bytes[bytes.length - 1] ^= 1;
        assertBadNonce(() -> nonces.check(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    }

    @Test
    void anExpiredNonceIsBadNonce() {
        String nonce = nonces.next();
        now = now.plus(AcmeNonces.LIFETIME);
        assertBadNonce(() -> nonces.check(nonce));
        assertBadNonce(() -> nonces.use(nonce));
        assertThat(used).isEmpty();
    }

    @Test
    void anExpiryFurtherAheadThanANonceLivesIsBadNonceEvenWithTheRightMac() throws Exception {
        nonces.next(); // the key, read once
        nonces.check(forged(now.plus(AcmeNonces.LIFETIME).plus(AcmeNonces.SKEW))); // as far ahead as allowed
        String farAhead = forged(now.plus(AcmeNonces.LIFETIME).plus(AcmeNonces.SKEW).plus(Duration.ofSeconds(1)));
        assertBadNonce(() -> nonces.check(farAhead));
        assertBadNonce(() -> nonces.use(farAhead));
        assertThat(used).isEmpty();
    }

    /** A nonce made as the installation makes one, with its key, expiring at {@code expires}. */
    private static String forged(Instant expires) throws Exception {
        ByteBuffer nonce = ByteBuffer.allocate(40);
        nonce.putLong(expires.getEpochSecond());
        nonce.put(new byte[16]);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        mac.update(nonce.array(), 0, 24);
        nonce.put(Arrays.copyOf(mac.doFinal(), 16));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
    }

    private static void assertBadNonce(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AcmeProblem.class, problem -> assertThat(problem.error()).isEqualTo(AcmeError.BAD_NONCE));
    }
}
