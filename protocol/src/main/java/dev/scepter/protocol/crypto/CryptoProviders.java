package dev.scepter.protocol.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.SelfTestStatus;
import java.security.Provider;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one place that decides which JCA provider does each private-key operation on a key this
 * JVM holds in memory (a PKCS#12 CA or RA key, the OCSP delegated responder's key), and which
 * checks the RSA signatures clients send ({@link SignatureChecks}): the Amazon
 * Corretto Crypto Provider (ACCP: AWS-LC, Amazon's fork of BoringSSL, bundled in the ACCP jar and
 * called through JNI) when its native library loads
 * and passes its self-tests and {@code AppConfig:Crypto:NativeProvider} allows it, else the JDK's
 * own providers and BouncyCastle. Keys in a PKCS#11 token or Azure Key Vault never come here:
 * their provider is the token, or the vault.
 *
 * <p>Which operations go native is chosen by measurement (docs/performance.md, "Which provider
 * does what"): where the native provider is not faster it is not used. No provider is registered
 * with {@link java.security.Security}; each is passed explicitly, so nothing else in the JVM changes.
 *
 * <p>Until {@link #use} is called (at start, by the server) the fallbacks do everything, as they
 * would with the setting off: a library or a test that never chooses gets what it always had.
 */
public final class CryptoProviders {

    /** The private-key operations on software keys whose provider is chosen here. */
    public enum Operation {
        RSA_SIGNATURE("RSA signatures (certificates, CRLs, SCEP CertReps, OCSP responses signed by an RSA CA key)"),
        EC_SIGNATURE("ECDSA signatures (OCSP responses by the P-256 delegated responder, an EC CA key)"),
        RSA_KEY_TRANSPORT("RSA key transport (SCEP envelopes decrypted with the CA or RA key)"),
        RSA_VERIFICATION("RSA signature checks (SCEP requests' SignerInfos, CSRs' self-signatures)"),
        EC_KEY_GENERATION("EC key generation (the OCSP delegated responder's P-256 key)");

        private final String description;

        Operation(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * What the native provider does when it loads: each was measured faster with it (JMH,
     * HotPaths, ProviderRounds, docs/performance.md). An operation left out here stays on its
     * fallback: EC key generation, once a day, was not measured, so BouncyCastle keeps it.
     */
    static final Set<Operation> NATIVE_OPERATIONS = EnumSet.of(Operation.RSA_SIGNATURE, Operation.EC_SIGNATURE,
            Operation.RSA_KEY_TRANSPORT, Operation.RSA_VERIFICATION);

    private static final System.Logger LOG = System.getLogger(CryptoProviders.class.getName());
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final CryptoProviders FALLBACK = new CryptoProviders(null, "not chosen");
    private static volatile CryptoProviders current = FALLBACK;

    private final Provider nativeProvider;
    private final String nativeStatus;

    private CryptoProviders(Provider nativeProvider, String nativeStatus) {
        this.nativeProvider = nativeProvider;
        this.nativeStatus = Objects.requireNonNull(nativeStatus, "nativeStatus");
    }

    /**
     * Loads the native provider if {@code nativeProvider} allows it and it works here, and says
     * which provider does what; changes nothing until {@link #use} is called. Loading takes a
     * second or more on a busy machine (the library is unpacked and its self-tests run).
     */
    public static CryptoProviders select(boolean nativeProvider) {
        if (!nativeProvider) {
            return new CryptoProviders(null, "off (AppConfig:Crypto:NativeProvider=false)");
        }
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            return examine(accp, accp.getVersionStr(), accp.getLoadingError(), accp::runSelfTests);
        } catch (LinkageError | RuntimeException e) {
            // Not on the class path, or a platform whose library fails in a way ACCP does not catch itself.
            return new CryptoProviders(null, "it cannot be used on " + platform() + ": " + e);
        }
    }

    /**
     * The choice given a native provider, its loading error (null: it loaded) and its self-tests;
     * separate from {@link #select} so that a library that fails to load can be tested anywhere.
     */
    static CryptoProviders examine(Provider nativeProvider, String version, Throwable loadingError,
            Supplier<SelfTestStatus> selfTests) {
        if (loadingError != null) {
            return new CryptoProviders(null, "its native library does not load on " + platform() + ": " + loadingError);
        }
        SelfTestStatus status = selfTests.get();
        if (status != SelfTestStatus.PASSED) {
            return new CryptoProviders(null, "its self-tests did not pass (" + status + ")");
        }
        return new CryptoProviders(nativeProvider, nativeProvider.getName() + " " + version + ", self-tests passed");
    }

    /** Makes {@code providers} the choice for every operation from now on, and logs which provider does what. */
    public static void use(CryptoProviders providers) {
        current = Objects.requireNonNull(providers, "providers");
        LOG.log(System.Logger.Level.INFO, providers.describe());
    }

    /**
     * Chooses in the background ({@link #select}, then {@link #use}), so that start-up does not
     * wait for the native library to be unpacked and self-tested: the fallbacks sign until it is
     * ready. It still takes CPU beside the start; its cost is not measured (docs/performance.md).
     */
    public static void selectInBackground(boolean nativeProvider) {
        Thread thread = new Thread(() -> use(select(nativeProvider)), "crypto-providers");
        thread.setDaemon(true);
        thread.start();
    }

    /** The choice in force. */
    public static CryptoProviders current() {
        return current;
    }

    /** Whether the native provider loaded and passed its self-tests. */
    public boolean nativeLoaded() {
        return nativeProvider != null;
    }

    /**
     * The provider to name for {@code operation}, or empty for none (the JCA's choice, the JDK's
     * own SunRsaSign and SunJCE for RSA).
     */
    public Optional<Provider> provider(Operation operation) {
        if (nativeProvider != null && NATIVE_OPERATIONS.contains(operation)) {
            return Optional.of(nativeProvider);
        }
        return fallback(operation);
    }

    /** The provider {@code operation} falls back to where the native one is not used or refuses a key. */
    static Optional<Provider> fallback(Operation operation) {
        return switch (operation) {
            // BouncyCastle's ECDSA: about 11,600 P-256 signatures a second here against 1,800 for the JDK's.
            case EC_SIGNATURE, EC_KEY_GENERATION -> Optional.of(BOUNCY_CASTLE);
            // The JDK's RSA rather than BouncyCastle's for checks too (SignatureChecks): BouncyCastle's
            // loading of a new RSA key tests its modulus, which the authority's key policy does once.
            case RSA_SIGNATURE, RSA_KEY_TRANSPORT, RSA_VERIFICATION -> Optional.empty();
        };
    }

    /** One line: which provider does each operation, and why the native one does none if so. */
    public String describe() {
        String lead = nativeProvider == null ? "Native crypto provider not used: " + nativeStatus + ". "
                : "Native crypto provider: " + nativeStatus + ". ";
        return lead + Stream.of(Operation.values())
                .map(o -> o.description() + ": " + provider(o).map(Provider::getName).orElse("the JDK"))
                .collect(Collectors.joining("; "));
    }

    private static String platform() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }

    @Override
    public String toString() {
        return "CryptoProviders[" + (nativeProvider == null ? "fallback: " + nativeStatus : nativeStatus) + "]";
    }
}
