package dev.scepter.azure.signin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The app registration's certificate and private key ({@code SignInCertificateFile}): PEM (the
 * certificate and an unencrypted key, PKCS#8 or PKCS#1, in one file) or PKCS#12 (with
 * {@code SignInCertificatePassword}). Read and checked once at start-up, so that a file that
 * cannot sign in stops start-up with its setting named, not the first Graph call an hour later.
 * Entra ID signs apps in with RSA certificates only (the client assertion is RS256).
 */
final class ClientCertificate {

    static final String SETTING = "AppConfig:AuthConfig:SignInCertificateFile";

    private final X509Certificate certificate;
    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private ClientCertificate(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.certificate = chain.get(0);
        this.key = key;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /**
     * @param where    how to name the setting in a message, e.g. "AppConfig:AuthConfig:SignInCertificateFile (from appsettings.json)"
     * @param password the PKCS#12 password, if any
     * @throws SignInException naming the setting when the file cannot be used
     */
    static ClientCertificate load(Path file, Optional<String> password, String where) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SignInException(where + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")", null);
        }
        ClientCertificate loaded = looksLikePem(bytes) ? pem(bytes, file, where) : pkcs12(bytes, file, password, where);
        loaded.check(file, where);
        return loaded;
    }

    private static boolean looksLikePem(byte[] bytes) {
        return new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN ");
    }

    private static ClientCertificate pem(byte[] bytes, Path file, String where) {
        List<X509Certificate> certificates = new ArrayList<>();
        PrivateKey key = null;
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
        try (Reader reader = new StringReader(new String(bytes, StandardCharsets.US_ASCII)); PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(certs.getCertificate(holder));
                } else if (item instanceof PrivateKeyInfo info) {
                    key = keys.getPrivateKey(info);
                } else if (item instanceof PEMKeyPair pair) {
                    key = keys.getKeyPair(pair).getPrivate();
                } else if (item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair) {
                    throw new SignInException(where + ": the private key in " + file + " is encrypted; give it unencrypted "
                            + "(openssl's -noenc) in a file only Scepter can read, or use a PKCS#12 file with "
                            + "AppConfig:AuthConfig:SignInCertificatePassword", null);
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new SignInException(where + ": " + file + " is not a readable PEM file (" + e.getClass().getSimpleName() + ")", null);
        }
        if (certificates.isEmpty()) {
            throw new SignInException(where + ": " + file + " holds no certificate (-----BEGIN CERTIFICATE-----)", null);
        }
        if (key == null) {
            throw new SignInException(where + ": " + file + " holds no private key (-----BEGIN PRIVATE KEY-----): put the app's "
                    + "certificate and its private key in the one file", null);
        }
        return new ClientCertificate(leafFirst(certificates, key), key);
    }

    private static ClientCertificate pkcs12(byte[] bytes, Path file, Optional<String> password, String where) {
        char[] secret = password.orElse("").toCharArray();
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), secret);
        } catch (IOException | GeneralSecurityException e) {
            throw new SignInException(where + ": " + file + " is neither PEM nor a PKCS#12 file this password opens ("
                    + (password.isPresent() ? "check AppConfig:AuthConfig:SignInCertificatePassword"
                            : "set AppConfig:AuthConfig:SignInCertificatePassword") + ")", null);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Key key = store.getKey(alias, secret);
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (key instanceof PrivateKey privateKey && chain != null && chain.length > 0) {
                        List<X509Certificate> certificates = new ArrayList<>();
                        for (Certificate c : chain) {
                            certificates.add((X509Certificate) c);
                        }
                        return new ClientCertificate(certificates, privateKey);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new SignInException(where + ": cannot take the private key out of " + file + " (" + e.getClass().getSimpleName() + ")", null);
        }
        throw new SignInException(where + ": " + file + " holds no private key with its certificate", null);
    }

    /** The certificate whose public key is the key's goes first: it is the one Entra ID knows the app by. */
    private static List<X509Certificate> leafFirst(List<X509Certificate> certificates, PrivateKey key) {
        List<X509Certificate> ordered = new ArrayList<>(certificates);
        for (X509Certificate c : certificates) {
            if (matches(c, key)) {
                ordered.remove(c);
                ordered.add(0, c);
                break;
            }
        }
        return ordered;
    }

    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        return certificate.getPublicKey() instanceof RSAPublicKey pub && key instanceof RSAPrivateCrtKey priv
                && pub.getModulus().equals(priv.getModulus()) && pub.getPublicExponent().equals(priv.getPublicExponent());
    }

    private void check(Path file, String where) {
        if (!(key instanceof RSAPrivateCrtKey) || !(certificate.getPublicKey() instanceof RSAPublicKey)) {
            throw new SignInException(where + ": the key in " + file + " is " + key.getAlgorithm()
                    + "; Entra ID signs apps in with RSA certificates only (openssl req -newkey rsa:3072 ...)", null);
        }
        if (!matches(certificate, key)) {
            throw new SignInException(where + ": the private key in " + file + " does not belong to its certificate", null);
        }
    }

    /** The certificate (leaf first) and the key as one PEM stream, the form azure-identity reads; a new stream each time. */
    InputStream pem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate c : chain) {
                writer.writeObject(c);
            }
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a PEM in memory", e);
        }
        return new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "ClientCertificate[" + certificate.getSubjectX500Principal() + "]";
    }
}
