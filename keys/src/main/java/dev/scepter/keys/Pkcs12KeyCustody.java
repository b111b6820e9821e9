package dev.scepter.keys;

import dev.scepter.authority.ca.CaDecrypter;
import dev.scepter.authority.ca.CaSigner;
import dev.scepter.settings.DataFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * The embedded default's custody: the CA in {@code ca.p12} and, beside a CA whose key is not RSA,
 * the SCEP RA in {@code ra.p12}, each with its password file, all in the data folder (0600).
 */
public final class Pkcs12KeyCustody implements KeyCustody {

    private final DataFolder folder;
    private final Pkcs12CaSigner ca;

    private Pkcs12KeyCustody(DataFolder folder, Pkcs12CaSigner ca) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.ca = Objects.requireNonNull(ca, "ca");
    }

    /** The CA of {@code ca.p12} in the data folder (and its SCEP RA in {@code ra.p12}, when asked). */
    public static Pkcs12KeyCustody open(DataFolder folder) throws IOException, GeneralSecurityException {
        return new Pkcs12KeyCustody(folder, Pkcs12CaSigner.load(folder.caKeyStore(), folder.caPassword()));
    }

    /** A new root CA in {@code ca.p12} with a fresh random password in {@code ca.p12.password}, both 0600. */
    public static Pkcs12KeyCustody createRootCa(DataFolder folder, RootCaSpec spec, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        return new Pkcs12KeyCustody(folder, Pkcs12CaSigner.generate(folder.caKeyStore(), folder.caPassword(), spec, clock, random));
    }

    @Override
    public Kind kind() {
        return Kind.PKCS12;
    }

    @Override
    public CaSigner ca() {
        return ca;
    }

    @Override
    public boolean needsScepRa() {
        return !isRsa(ca.certificate());
    }

    @Override
    public ScepKey scepKey() {
        if (!needsScepRa()) {
            CaDecrypter decrypter = ca;
            return new ScepKey(ca, decrypter, Optional.empty());
        }
        Path raKeyStore = folder.raKeyStore();
        if (!Files.exists(raKeyStore)) {
            throw new IllegalStateException("The CA key is not RSA, so SCEP needs the RSA RA certificate in " + raKeyStore
                    + "; run complete-installation to create it.");
        }
        Pkcs12CaSigner ra;
        try {
            ra = Pkcs12CaSigner.load(raKeyStore, folder.raPassword());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the SCEP RA in " + raKeyStore + ": " + e.getMessage(), e);
        }
        // An RA left from another CA (ca.p12 restored or replaced) would make every enrollment fail on the client.
        if (!issuedBy(ra.certificate(), ca.certificate()) || !ra.certificate().isValidOn(new Date())) {
            throw new IllegalStateException("The SCEP RA in " + raKeyStore + " is not a valid certificate of this CA ("
                    + ca.certificate().getSubject() + "): copy ra.p12 and ra.p12.password from a node of this installation, "
                    + "or move them away and run complete-installation to create a new one.");
        }
        return new ScepKey(ra, ra, Optional.of(ra.certificate()));
    }

    @Override
    public void createScepRa(Clock clock, SecureRandom random) throws IOException, GeneralSecurityException {
        Pkcs12CaSigner.generateScepRa(folder.raKeyStore(), folder.raPassword(), ca, clock, random);
    }

    /** Whether a key of this certificate can do SCEP's key transport: RSA only (RFC 8894 section 3.2.2). */
    static boolean isRsa(X509CertificateHolder certificate) {
        return PKCSObjectIdentifiers.rsaEncryption.equals(certificate.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm());
    }

    static boolean issuedBy(X509CertificateHolder certificate, X509CertificateHolder issuer) {
        try {
            return certificate.getIssuer().equals(issuer.getSubject())
                    && certificate.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer));
        } catch (OperatorCreationException | CertException | CertificateException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Pkcs12KeyCustody[" + folder.path() + "]";
    }
}
