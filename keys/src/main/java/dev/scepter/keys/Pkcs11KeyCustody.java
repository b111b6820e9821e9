package dev.scepter.keys;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.settings.Setting;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.login.FailedLoginException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The CA's key in a PKCS#11 token, through the JDK's SunPKCS11 provider. The key is generated in
 * the token (CKA_TOKEN, CKA_SENSITIVE, not CKA_EXTRACTABLE) and never leaves it. The CA
 * certificate is stored in the token beside it, under the same label: the token is then all a
 * node needs, and SunPKCS11's key store only shows a key that has its certificate. The SCEP RA of
 * a CA whose key is not RSA is a second key pair in the same token, labelled
 * {@link Pkcs11Settings#raLabel()}.
 */
public final class Pkcs11KeyCustody implements KeyCustody {

    /**
     * What keys generated through this provider are: persistent token objects, and private keys
     * that the token keeps secret. CKA_DECRYPT on RSA private keys is SCEP's key transport.
     */
    private static final String GENERATE_ATTRIBUTES = """
            attributes(generate, CKO_PUBLIC_KEY, *) = {
              CKA_TOKEN = true
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

    private final Pkcs11Settings settings;
    private final Provider provider;
    private final KeyStore keyStore;
    private final Pkcs11CaSigner ca;

    private Pkcs11KeyCustody(Pkcs11Settings settings, Provider provider, KeyStore keyStore, Pkcs11CaSigner ca) {
        this.settings = settings;
        this.provider = provider;
        this.keyStore = keyStore;
        this.ca = ca;
    }

    public static Pkcs11KeyCustody open(Pkcs11Settings settings) throws GeneralSecurityException {
        return find(settings).orElseThrow(() -> missing(settings));
    }

    private static IllegalStateException missing(Pkcs11Settings settings) {
        return new IllegalStateException("The PKCS#11 token in " + settings.describe()
                + " holds no key with its certificate labelled '" + settings.keyLabel() + "' (" + Setting.PKCS11_KEY_LABEL.key()
                + "): run complete-installation to create the root CA in the token, or name the CA key's label.");
    }

    /**
     * The CA in the token, or empty when the token holds no key with its certificate under the
     * label: the one case the installer creates a root CA for. Every other failure (the PIN, the
     * token) is an {@link IllegalStateException} naming the setting.
     */
    public static Optional<Pkcs11KeyCustody> find(Pkcs11Settings settings) throws GeneralSecurityException {
        Provider provider = provider(settings);
        return inToken(settings, provider, logIn(settings, provider));
    }

    private static Optional<Pkcs11KeyCustody> inToken(Pkcs11Settings settings, Provider provider, KeyStore keyStore)
            throws GeneralSecurityException {
        return entry(settings, provider, keyStore, settings.keyLabel()).map(ca -> new Pkcs11KeyCustody(settings, provider, keyStore, ca));
    }

    public static Pkcs11KeyCustody createRootCa(Pkcs11Settings settings, RootCaSpec spec, Clock clock, SecureRandom random)
            throws GeneralSecurityException {
        Provider provider = provider(settings);
        KeyStore keyStore = logIn(settings, provider);
        refuseToReplace(settings, keyStore, settings.keyLabel(), Setting.PKCS11_KEY_LABEL.key());
        KeyPair keyPair = generate(provider, spec.keyType(), spec.keySize());
        X509CertificateHolder certificate;
        try {
            certificate = Pkcs12CaSigner.selfSign(keyPair.getPublic(), new JcaContentSignerBuilder(
                    Pkcs12CaSigner.signatureAlgorithm("SHA256", keyPair.getPrivate())).setProvider(provider).build(keyPair.getPrivate()),
                    spec, clock, random);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the root CA certificate in the token", e);
        }
        store(keyStore, settings.keyLabel(), keyPair.getPrivate(), certificate);
        // Read back through the session already logged in: a second provider would log in to the token again.
        return inToken(settings, provider, keyStore).orElseThrow(() -> missing(settings));
    }

    @Override
    public Kind kind() {
        return Kind.PKCS11;
    }

    @Override
    public CaSigner ca() {
        return ca;
    }

    @Override
    public boolean needsScepRa() {
        return !Pkcs12KeyCustody.isRsa(ca.certificate());
    }

    @Override
    public ScepKey scepKey() {
        if (!needsScepRa()) {
            return new ScepKey(ca, ca, Optional.empty());
        }
        Optional<Pkcs11CaSigner> ra;
        try {
            ra = entry(settings, provider, keyStore, settings.raLabel());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the SCEP RA labelled '" + settings.raLabel() + "' in the PKCS#11 token in "
                    + settings.describe() + ": " + e.getMessage(), e);
        }
        if (ra.isEmpty()) {
            throw new IllegalStateException("The CA key is not RSA, so SCEP needs the RSA RA labelled '" + settings.raLabel()
                    + "' in the PKCS#11 token in " + settings.describe() + "; run complete-installation to create it.");
        }
        X509CertificateHolder certificate = ra.get().certificate();
        if (!Pkcs12KeyCustody.issuedBy(certificate, ca.certificate()) || !certificate.isValidOn(new Date())) {
            throw new IllegalStateException("The SCEP RA labelled '" + settings.raLabel() + "' in the PKCS#11 token is not a valid "
                    + "certificate of this CA (" + ca.certificate().getSubject() + "): delete it from the token and run "
                    + "complete-installation to create a new one.");
        }
        return new ScepKey(ra.get(), ra.get(), Optional.of(certificate));
    }

    @Override
    public void createScepRa(Clock clock, SecureRandom random) throws IOException, GeneralSecurityException {
        // A replaced RA (expired, or of an earlier CA) goes: its label must name the new one.
        if (keyStore.containsAlias(settings.raLabel())) {
            keyStore.deleteEntry(settings.raLabel());
        }
        KeyPair keyPair = generate(provider, "RSA", 2048);
        store(keyStore, settings.raLabel(), keyPair.getPrivate(), Pkcs12CaSigner.scepRaCertificate(keyPair.getPublic(), ca, clock, random));
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
            return base.configure(config);
        } catch (ProviderException | InvalidParameterException e) {
            throw new IllegalStateException("Cannot open the PKCS#11 token in " + settings.describe() + " (" + Setting.PKCS11_LIBRARY.key()
                    + ", " + Setting.PKCS11_SLOT.key() + "): " + innermost(e) + ". Is the token present in that slot?", e);
        }
    }

    private static KeyStore logIn(Pkcs11Settings settings, Provider provider) throws GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
        try {
            keyStore.load(null, settings.pin().clone());
        } catch (IOException e) {
            if (causedBy(e, FailedLoginException.class) || innermost(e).contains("CKR_PIN_INCORRECT")) {
                throw new IllegalStateException("The PKCS#11 token in " + settings.describe() + " refused the PIN of "
                        + Setting.PKCS11_PIN_FILE.key() + " (or " + Setting.PKCS11_PIN.key() + "): it is wrong.", e);
            }
            throw new IllegalStateException("Cannot log in to the PKCS#11 token in " + settings.describe() + " ("
                    + Setting.PKCS11_LIBRARY.key() + ", " + Setting.PKCS11_SLOT.key() + "): " + innermost(e), e);
        } catch (ProviderException e) {
            throw new IllegalStateException("Cannot use the PKCS#11 token in " + settings.describe() + " (" + Setting.PKCS11_LIBRARY.key()
                    + ", " + Setting.PKCS11_SLOT.key() + "): " + innermost(e) + ". Is the token present in that slot?", e);
        }
        return keyStore;
    }

    private static Optional<Pkcs11CaSigner> entry(Pkcs11Settings settings, Provider provider, KeyStore keyStore, String label)
            throws GeneralSecurityException {
        if (!keyStore.isKeyEntry(label)) {
            return Optional.empty();
        }
        Key key = keyStore.getKey(label, null);
        Certificate certificate = keyStore.getCertificate(label);
        if (!(key instanceof PrivateKey privateKey) || certificate == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Pkcs11CaSigner(provider, privateKey, new X509CertificateHolder(certificate.getEncoded()),
                    "PKCS#11 token in " + settings.describe() + ", key label " + label));
        } catch (IOException e) {
            throw new GeneralSecurityException("the certificate labelled " + label + " in the token cannot be read", e);
        }
    }

    private static void refuseToReplace(Pkcs11Settings settings, KeyStore keyStore, String label, String setting)
            throws GeneralSecurityException {
        if (keyStore.containsAlias(label)) {
            throw new IllegalStateException("The PKCS#11 token in " + settings.describe() + " already holds an object labelled '" + label
                    + "' (" + setting + "); a CA key is never replaced: choose another label or remove it from the token yourself.");
        }
    }

    private static KeyPair generate(Provider provider, String keyType, int keySize) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyType, provider);
        if ("EC".equals(keyType)) {
            generator.initialize(new ECGenParameterSpec("secp" + keySize + "r1"));
        } else {
            generator.initialize(keySize);
        }
        return generator.generateKeyPair();
    }

    /** Labels the generated key and stores its certificate beside it (same CKA_LABEL and CKA_ID); the key stays in the token. */
    private static void store(KeyStore keyStore, String label, PrivateKey key, X509CertificateHolder certificate)
            throws GeneralSecurityException {
        keyStore.setKeyEntry(label, key, null, new Certificate[] {new JcaX509CertificateConverter().getCertificate(certificate)});
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return Objects.requireNonNullElse(t.getMessage(), t.getClass().getSimpleName());
    }

    @Override
    public String toString() {
        return "Pkcs11KeyCustody[" + settings.describe() + ", " + settings.keyLabel() + "]";
    }
}
