package dev.scepter.keys;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.settings.Setting;
import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
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
 * {@link Pkcs11Settings#raLabel()} (or that label and {@code -<hex>}, once it replaced another).
 *
 * <p>A custody holds the token's login (one provider per token per process, {@link Pkcs11Token})
 * until it is closed.
 */
public final class Pkcs11KeyCustody implements KeyCustody {

    /** The suffix of the label a key carries while it is being made, so it is never an unlabelled object that nothing can find. */
    static final String PENDING = "-pending";

    private final Pkcs11Settings settings;
    private final Pkcs11Token token;
    private final Pkcs11CaSigner ca;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pkcs11KeyCustody(Pkcs11Settings settings, Pkcs11Token token, Pkcs11CaSigner ca) {
        this.settings = settings;
        this.token = token;
        this.ca = ca;
    }

    /** The CA in the token; the custody holds the token's login until {@link #close()}. */
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
     * token) is an {@link IllegalStateException} naming the setting. A custody found holds the
     * token's login until {@link #close()}; when none is found, nothing is held.
     */
    public static Optional<Pkcs11KeyCustody> find(Pkcs11Settings settings) throws GeneralSecurityException {
        Pkcs11Token token = Pkcs11Token.acquire(settings);
        try {
            Optional<Pkcs11KeyCustody> found = inToken(settings, token);
            if (found.isEmpty()) {
                token.release();
            }
            return found;
        } catch (GeneralSecurityException | RuntimeException e) {
            token.release();
            throw e;
        }
    }

    private static Optional<Pkcs11KeyCustody> inToken(Pkcs11Settings settings, Pkcs11Token token) throws GeneralSecurityException {
        return entry(settings, token, settings.keyLabel()).map(ca -> new Pkcs11KeyCustody(settings, token, ca));
    }

    /**
     * A new root CA in the token: the key pair generated there (it never leaves), its certificate
     * self-signed with it and stored beside it under the key label. The key carries the label
     * {@code <keyLabel>-pending} while it is made, and a failure before it is certified deletes it
     * again (a root CA that failed leaves no key in the token); a pending key that a crashed run
     * left is deleted by the next run before it makes its own.
     */
    public static Pkcs11KeyCustody createRootCa(Pkcs11Settings settings, RootCaSpec spec, Clock clock, SecureRandom random)
            throws GeneralSecurityException {
        Pkcs11Token token = Pkcs11Token.acquire(settings);
        try {
            KeyStore keyStore = token.keyStore();
            refuseToReplace(settings, keyStore, settings.keyLabel(), Setting.PKCS11_KEY_LABEL.key());
            String pending = settings.keyLabel() + PENDING;
            KeyPair keyPair = claim(token, pending, spec.keyType(), spec.keySize());
            try {
                X509CertificateHolder certificate;
                try {
                    certificate = Pkcs12CaSigner.selfSign(keyPair.getPublic(), new JcaContentSignerBuilder(
                            Pkcs12CaSigner.signatureAlgorithm("SHA256", keyPair.getPrivate())).setProvider(token.provider())
                            .build(keyPair.getPrivate()), spec, clock, random);
                } catch (OperatorCreationException e) {
                    throw new GeneralSecurityException("cannot sign the root CA certificate in the token", e);
                }
                // Labelling the key anew moves it, and its certificate, from the pending label to the key label.
                store(keyStore, settings.keyLabel(), keyPair.getPrivate(), certificate);
            } catch (GeneralSecurityException | RuntimeException e) {
                discard(keyStore, pending, e);
                throw e;
            }
            // Read back through the session already logged in.
            return inToken(settings, token).orElseThrow(() -> missing(settings));
        } catch (GeneralSecurityException | RuntimeException e) {
            token.release();
            throw e;
        }
    }

    /**
     * Generates a key pair in the token and labels it {@code pending} at once, with a placeholder
     * certificate (SunPKCS11's key store labels a key only with a certificate, and an unlabelled
     * key is an object nothing here can find or delete). A pending key left by an earlier run that
     * failed is deleted first.
     */
    private static KeyPair claim(Pkcs11Token token, String pending, String keyType, int keySize) throws GeneralSecurityException {
        KeyStore keyStore = token.keyStore();
        if (keyStore.containsAlias(pending)) {
            keyStore.deleteEntry(pending);
        }
        KeyPair keyPair = generate(token.provider(), keyType, keySize);
        store(keyStore, pending, keyPair.getPrivate(), placeholder(keyPair.getPublic()));
        return keyPair;
    }

    /** A certificate for {@code publicKey} that no one trusts: signed by a key thrown away at once, it only labels the key. */
    private static X509CertificateHolder placeholder(PublicKey publicKey) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair throwaway = generator.generateKeyPair();
        X500Name name = new X500Name("CN=Scepter key being made");
        Instant now = Instant.now();
        try {
            return new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now), Date.from(now.plus(Duration.ofDays(1))), name, publicKey)
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(throwaway.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot label the key being made", e);
        }
    }

    /** Deletes the key labelled {@code pending}, after {@code failure}; a failure to delete it is added to that one. */
    private static void discard(KeyStore keyStore, String pending, Exception failure) {
        try {
            if (keyStore.containsAlias(pending)) {
                keyStore.deleteEntry(pending);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            failure.addSuppressed(e);
        }
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
        List<Pkcs11CaSigner> ras;
        try {
            ras = ras();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the SCEP RA labelled '" + settings.raLabel() + "' in the PKCS#11 token in "
                    + settings.describe() + ": " + e.getMessage(), e);
        }
        if (ras.isEmpty()) {
            throw new IllegalStateException("The CA key is not RSA, so SCEP needs the RSA RA labelled '" + settings.raLabel()
                    + "' in the PKCS#11 token in " + settings.describe() + "; run complete-installation to create it.");
        }
        // The newest valid one: a replacement interrupted before it deleted the old RA leaves both.
        Optional<Pkcs11CaSigner> valid = ras.stream().filter(ra -> validRa(ra.certificate()))
                .max(Comparator.comparing(ra -> ra.certificate().getNotBefore()));
        if (valid.isEmpty()) {
            throw new IllegalStateException("The SCEP RA labelled '" + settings.raLabel() + "' in the PKCS#11 token is not a valid "
                    + "certificate of this CA (" + ca.certificate().getSubject() + "): delete it from the token and run "
                    + "complete-installation to create a new one.");
        }
        return new ScepKey(valid.get(), valid.get(), Optional.of(valid.get().certificate()));
    }

    /** The RA entries in the token: labelled {@code <raLabel>}, or {@code <raLabel>-<hex>} when one replaced another. */
    private List<Pkcs11CaSigner> ras() throws GeneralSecurityException {
        List<Pkcs11CaSigner> ras = new ArrayList<>();
        for (String label : raLabels()) {
            if (label.endsWith(PENDING)) {
                // A key being made, or left by a run that died making it: no RA yet (the next RA made deletes it).
                continue;
            }
            entry(settings, token, label).ifPresent(ras::add);
        }
        return ras;
    }

    private List<String> raLabels() throws GeneralSecurityException {
        return Collections.list(token.keyStore().aliases()).stream()
                .filter(label -> label.equals(settings.raLabel()) || label.startsWith(settings.raLabel() + "-")).toList();
    }

    private boolean validRa(X509CertificateHolder certificate) {
        return Pkcs12KeyCustody.issuedBy(certificate, ca.certificate()) && certificate.isValidOn(new Date());
    }

    /**
     * A new SCEP RA, made whole before the old one (expired, or of an earlier CA) goes: its key is
     * generated under {@code <label>-pending} and, once the CA has certified it, labelled with a
     * label of its own ({@code <raLabel>}, or {@code <raLabel>-<hex>} while an old RA holds that); only then are the other RA entries
     * deleted. A failure before that deletes the new key and leaves the old RA as it was.
     *
     * <p>Why never a relabel: SunPKCS11's key store, when it deletes or relabels an entry, also
     * destroys the certificate of the entry's issuer if no other certificate in the token names
     * that issuer; for an RA that issuer is the CA. The new RA's certificate names the CA while
     * the old RA is deleted, so the CA's certificate stays.
     */
    @Override
    public void createScepRa(Clock clock, SecureRandom random) throws IOException, GeneralSecurityException {
        KeyStore keyStore = token.keyStore();
        List<String> old = raLabels();
        String label = settings.raLabel();
        if (keyStore.containsAlias(label)) {
            byte[] suffix = new byte[4];
            random.nextBytes(suffix);
            label = settings.raLabel() + "-" + HexFormat.of().formatHex(suffix);
        }
        // Made under <label>-pending, as the root CA is: a run that dies before the RA is certified leaves no placeholder
        // under an RA label (a -pending one left by such a run is among the old ones, deleted once this RA is whole).
        String pending = label + PENDING;
        KeyPair keyPair = claim(token, pending, "RSA", 2048);
        try {
            // Labelling the key anew moves it from the pending label; its placeholder certificate names no issuer but itself,
            // so nothing else goes with it.
            store(keyStore, label, keyPair.getPrivate(), Pkcs12CaSigner.scepRaCertificate(keyPair.getPublic(), ca, clock, random));
        } catch (GeneralSecurityException | RuntimeException e) {
            discard(keyStore, pending, e);
            discard(keyStore, label, e);
            throw e;
        }
        for (String replaced : old) {
            if (!replaced.equals(label)) {
                keyStore.deleteEntry(replaced);
            }
        }
    }

    /** Releases this custody's hold on the token: the last custody of a token to close logs it out. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            token.release();
        }
    }

    /** The token's provider, for tests that hold the process to one per token. */
    Provider provider() {
        return token.provider();
    }

    private static Optional<Pkcs11CaSigner> entry(Pkcs11Settings settings, Pkcs11Token token, String label)
            throws GeneralSecurityException {
        KeyStore keyStore = token.keyStore();
        Provider provider = token.provider();
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

    @Override
    public String toString() {
        return "Pkcs11KeyCustody[" + settings.describe() + ", " + settings.keyLabel() + "]";
    }
}
