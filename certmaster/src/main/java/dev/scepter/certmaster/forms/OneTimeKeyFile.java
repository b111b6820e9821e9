package dev.scepter.certmaster.forms;

import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A key file for the one page that delivers it: its name, its password and its content as a
 * {@code data:} URL. Only the page's model holds it, for the one response.
 */
public record OneTimeKeyFile(String fileName, String password, String href, String format, boolean legacy) {

    public static OneTimeKeyFile write(KeyDelivery delivery, PrivateKey key, X509Certificate certificate, List<X509Certificate> chain,
            String friendlyName, String baseName, SecureRandom random) {
        char[] password = Passwords.generate(random);
        try {
            byte[] content = delivery.write(key, certificate, chain, password, friendlyName);
            return new OneTimeKeyFile(baseName + delivery.extension(), new String(password),
                    "data:" + delivery.mediaType() + ";base64," + Base64.getEncoder().encodeToString(content), delivery.label(),
                    delivery == KeyDelivery.PKCS12_LEGACY);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Never the password or the key in a log line. */
    @Override
    public String toString() {
        return "OneTimeKeyFile[" + fileName + "]";
    }
}
