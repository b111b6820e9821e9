package dev.scepter.azure.keyvault;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.http.JsonHttp;
import dev.scepter.keys.CaCertificates;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.RootCaSpec;
import dev.scepter.keys.ScepKey;
import dev.scepter.settings.Setting;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.OperatorCreationException;
import tools.jackson.databind.JsonNode;

/**
 * The CA's key in Azure Key Vault, where SCEPman keeps it: a Key Vault certificate object
 * ({@code RootCertificateConfig:CertificateName}) holds the CA certificate, and its key, of the
 * same name, signs through Key Vault's {@code sign} and unwraps SCEP's key-transport keys through
 * {@code unwrapKey}. The key is made in the vault (not exportable) and never leaves it: only its
 * public half is read. The SCEP RA of a CA whose key is not RSA is a second certificate object,
 * {@code <CertificateName>-scep-ra}, made the same way. Nothing is written to the data folder.
 */
public final class KeyVaultKeyCustody implements KeyCustody, Connection {

    /** One Key Vault call's limit, from sending to the whole answer. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Throttled calls are sent three times in all, after at most this wait each: a SCEP or OCSP client is waiting. */
    static final int ATTEMPTS = 3;
    static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    private final KeyVaultSettings settings;
    private final KeyVaultClient vault;
    private final KeyVaultCaSigner ca;

    private KeyVaultKeyCustody(KeyVaultSettings settings, KeyVaultClient vault, KeyVaultCaSigner ca) {
        this.settings = settings;
        this.vault = vault;
        this.ca = ca;
    }

    /** The client of the vault the settings name, reached through {@code access}. */
    static KeyVaultClient client(KeyVaultSettings settings, KeyVaultAccess access) {
        JsonHttp http = new JsonHttp(JsonHttp.client(access.tls(), CALL_TIMEOUT), CALL_TIMEOUT, ATTEMPTS, LONGEST_WAIT, access.sleeper(),
                access.clock());
        return new KeyVaultClient(settings.vaultUrl(), settings.audience(), Setting.KEY_VAULT_ENDPOINT.key(), access.tokens(), http,
                access.clock());
    }

    /**
     * The CA in the vault the settings name.
     *
     * @throws IllegalStateException when the vault holds no such certificate, or refuses this
     *                               instance, naming the setting or the permission to fix
     */
    public static KeyVaultKeyCustody open(KeyVaultSettings settings, KeyVaultAccess access) throws GeneralSecurityException {
        return open(settings, client(settings, access));
    }

    /** {@link #find(KeyVaultSettings, KeyVaultClient)} through {@code access}. */
    public static Optional<KeyVaultKeyCustody> find(KeyVaultSettings settings, KeyVaultAccess access) throws GeneralSecurityException {
        return find(settings, client(settings, access));
    }

    /**
     * A new root CA in the vault: a certificate object whose key the vault makes (RSA-HSM or
     * EC-HSM when {@code RootCertificateConfig:KeyType} says so), self-signed with that key and merged.
     */
    public static KeyVaultKeyCustody createRootCa(KeyVaultSettings settings, KeyVaultAccess access, RootCaSpec spec, Clock clock,
            SecureRandom random) throws GeneralSecurityException {
        return createRootCa(settings, client(settings, access), spec, clock, random);
    }

    static KeyVaultKeyCustody open(KeyVaultSettings settings, KeyVaultClient vault) throws GeneralSecurityException {
        return find(settings, vault).orElseThrow(() -> new IllegalStateException("Key Vault " + settings.vaultUrl() + " holds no certificate named '"
                + settings.certificateName() + "' (" + Setting.ROOT_CERTIFICATE_NAME.key() + "): run complete-installation to create the "
                + "root CA in the vault, or name the CA's certificate."));
    }

    /**
     * The CA in the vault, or empty when the vault holds no certificate of that name: the one case
     * the installer creates a root CA for. Every other failure (permissions, audience, an
     * unavailable vault) is an exception naming the cause.
     */
    static Optional<KeyVaultKeyCustody> find(KeyVaultSettings settings, KeyVaultClient vault) throws GeneralSecurityException {
        return entry(vault, settings.certificateName()).map(ca -> new KeyVaultKeyCustody(settings, vault, ca));
    }

    static KeyVaultKeyCustody createRootCa(KeyVaultSettings settings, KeyVaultClient vault, RootCaSpec spec, Clock clock, SecureRandom random)
            throws GeneralSecurityException {
        if (vault.certificate(settings.certificateName()).isPresent()) {
            throw new IllegalStateException("Key Vault " + settings.vaultUrl() + " already holds a certificate named '" + settings.certificateName()
                    + "' (" + Setting.ROOT_CERTIFICATE_NAME.key() + "); a CA key is never replaced: choose another name.");
        }
        String name = settings.certificateName();
        String kid = createKey(vault, name, spec.subject(), spec.keyType() + (settings.hsm() ? "-HSM" : ""), spec.keySize());
        PublicKey publicKey = publicKey(vault.key(name).orElseThrow(() -> new GeneralSecurityException("the key " + name + " just made is gone")));
        X509CertificateHolder certificate;
        try {
            certificate = CaCertificates.selfSigned(publicKey, KeyVaultCaSigner.contentSigner(vault, kid,
                    SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()), new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                    spec, clock, random);
            vault.merge(name, certificate.getEncoded());
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot sign the root CA certificate in Key Vault", e);
        } catch (KeyVaultRefusedException e) {
            throw installing(e);
        }
        return open(settings, vault);
    }

    @Override
    public Kind kind() {
        return Kind.KEY_VAULT;
    }

    @Override
    public CaSigner ca() {
        return ca;
    }

    @Override
    public boolean needsScepRa() {
        return !CaCertificates.isRsa(ca.certificate());
    }

    @Override
    public ScepKey scepKey() {
        if (!needsScepRa()) {
            return new ScepKey(ca, ca, Optional.empty());
        }
        Optional<KeyVaultCaSigner> ra;
        try {
            ra = entry(vault, settings.raCertificateName());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the SCEP RA certificate '" + settings.raCertificateName() + "' in Key Vault "
                    + settings.vaultUrl() + ": " + e.getMessage(), e);
        }
        if (ra.isEmpty()) {
            throw new IllegalStateException("The CA key is not RSA, so SCEP needs the RSA RA certificate '" + settings.raCertificateName()
                    + "' in Key Vault " + settings.vaultUrl() + "; run complete-installation to create it.");
        }
        X509CertificateHolder certificate = ra.get().certificate();
        if (!CaCertificates.issuedBy(certificate, ca.certificate()) || !certificate.isValidOn(new Date())) {
            throw new IllegalStateException("The SCEP RA certificate '" + settings.raCertificateName() + "' in Key Vault is not a valid "
                    + "certificate of this CA (" + ca.certificate().getSubject() + "): run complete-installation to make a new version of it.");
        }
        return new ScepKey(ra.get(), ra.get(), Optional.of(certificate));
    }

    @Override
    public void createScepRa(Clock clock, SecureRandom random) throws IOException, GeneralSecurityException {
        // A new version of the RA's certificate object replaces an expired one, or one of an earlier CA.
        String name = settings.raCertificateName();
        createKey(vault, name, "CN=SCEP RA", "RSA", 2048);
        PublicKey publicKey = publicKey(vault.key(name).orElseThrow(() -> new GeneralSecurityException("the key " + name + " just made is gone")));
        try {
            vault.merge(name, CaCertificates.scepRa(publicKey, ca, clock, random).getEncoded());
        } catch (KeyVaultRefusedException e) {
            throw installing(e);
        }
    }

    /** The installation signs with the key as a serving instance does; a refusal there is a setting to fix, said as start-up says it. */
    private static IllegalStateException installing(KeyVaultRefusedException refused) {
        return new IllegalStateException(refused.getMessage(), refused);
    }

    /** Makes a certificate object pending with a new key; the key's identifier (with its version). */
    private static String createKey(KeyVaultClient vault, String name, String subject, String kty, int size) throws GeneralSecurityException {
        vault.createPendingCertificate(name, subject, kty, size);
        return vault.key(name).map(key -> key.path("kid").asString(""))
                .filter(kid -> !kid.isEmpty()).orElseThrow(() -> new GeneralSecurityException("Key Vault made no key for the certificate " + name));
    }

    private static Optional<KeyVaultCaSigner> entry(KeyVaultClient vault, String name) throws GeneralSecurityException {
        Optional<JsonNode> bundle = vault.certificate(name);
        if (bundle.isEmpty() || bundle.get().path("cer").asString("").isEmpty()) {
            return Optional.empty();
        }
        String kid = bundle.get().path("kid").asString("");
        if (kid.isEmpty()) {
            throw new GeneralSecurityException("the certificate " + name + " in Key Vault names no key (kid)");
        }
        try {
            X509CertificateHolder certificate = new X509CertificateHolder(Base64.getDecoder().decode(bundle.get().path("cer").asString()));
            return Optional.of(new KeyVaultCaSigner(vault, kid, certificate, "Key Vault " + vault.vault() + ", certificate " + name));
        } catch (IOException | IllegalArgumentException e) {
            throw new GeneralSecurityException("the certificate " + name + " in Key Vault cannot be read", e);
        }
    }

    /** The public half of a key from its JWK (RFC 7518 section 6): {@code n}/{@code e}, or {@code crv}/{@code x}/{@code y}. */
    static PublicKey publicKey(JsonNode jwk) throws GeneralSecurityException {
        String kty = jwk.path("kty").asString("");
        if (kty.startsWith("RSA")) {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")));
        }
        if (kty.startsWith("EC")) {
            String crv = jwk.path("crv").asString("");
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(switch (crv) {
                case "P-256" -> "secp256r1";
                case "P-384" -> "secp384r1";
                case "P-521" -> "secp521r1";
                default -> throw new GeneralSecurityException("Key Vault key on curve " + crv + ": the CA's key must be on P-256, P-384 or P-521");
            }));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")),
                    parameters.getParameterSpec(ECParameterSpec.class)));
        }
        throw new GeneralSecurityException("Key Vault key of type " + kty + ": the CA's key must be RSA or EC");
    }

    private static BigInteger unsigned(JsonNode jwk, String field) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path(field).asString("")));
    }

    /**
     * Whether the vault answers this instance's key operations: what the CA's own calls of the
     * last {@link Connection#RECENT} taught, else one read of the key's public half (the lightest
     * call the role that signs may make). Throttled, refused (with the role to grant) or silent
     * is NOT CONNECTED with its reason.
     */
    @Override
    public List<ConnectionStatus> check() {
        if (vault.recent().isEmpty()) {
            try {
                vault.key(settings.certificateName());
            } catch (RuntimeException e) {
                // The call recorded its outcome, which is the answer.
            }
        }
        ConnectionStatus seen = vault.recent().orElseGet(() -> ConnectionStatus.notConnected(ROW, "no answer", Optional.empty()));
        return List.of(seen.named(ROW).withReason(settings.describe() + ": " + seen.reason()));
    }

    /** The name of the custody's connection row. */
    public static final String ROW = "Azure Key Vault";

    @Override
    public String toString() {
        return "KeyVaultKeyCustody[" + settings.describe() + "]";
    }
}
