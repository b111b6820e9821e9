package dev.scepter.certmaster.web;

import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates this session had issued, for their downloads (public data: no key is ever
 * here). The newest few only: a session is not an archive, the search is.
 */
final class IssuedCertificates implements Serializable {

    static final String SESSION_ATTRIBUTE = IssuedCertificates.class.getName();
    private static final long serialVersionUID = 1L;
    private static final int KEPT = 20;

    private final LinkedHashMap<String, byte[]> bySerial = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > KEPT;
        }
    };

    synchronized void add(String serialHex, byte[] der) {
        bySerial.put(serialHex, der.clone());
    }

    synchronized Optional<byte[]> get(String serialHex) {
        return Optional.ofNullable(bySerial.get(serialHex)).map(byte[]::clone);
    }

    static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalStateException("the CA returned a certificate that does not parse", e);
        }
    }

    static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }

    static String serialHex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }
}
