package dev.scepter.protocol.scep;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * One BouncyCastle provider instance for this codec, passed explicitly and never registered
 * with {@link java.security.Security}: the algorithms SCEP clients still use (SHA-1 and MD5
 * signatures, single DES envelopes) then work whatever the JVM's security policy disables, and
 * the codec changes nothing in the JVM it runs in.
 */
final class BouncyCastle {
    static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}
