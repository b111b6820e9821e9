package dev.scepter.server;

import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.ca.CaDecrypter;
import dev.scepter.authority.ca.CaSigner;
import dev.scepter.authority.crl.CrlIssuer;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.enrollment.Binder;
import dev.scepter.authority.enrollment.Enrollment;
import dev.scepter.authority.enrollment.EnrollmentService;
import dev.scepter.authority.enrollment.OneTimeChallenges;
import dev.scepter.authority.enrollment.Renewals;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.MicrosoftExtensions;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.authority.validity.CachingDirectory;
import dev.scepter.authority.validity.DelegatedResponder;
import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.authority.validity.Validity;
import dev.scepter.installer.local.LocalInstallation;
import dev.scepter.keys.Pkcs12CaSigner;
import dev.scepter.protocol.ocsp.IssuerMatcher;
import dev.scepter.protocol.scep.CertRepEncoder;
import dev.scepter.protocol.scep.ResponseEncryption;
import dev.scepter.server.crl.CrlService;
import dev.scepter.server.load.ConcurrencyLimit;
import dev.scepter.server.load.ShedLog;
import dev.scepter.server.ocsp.OcspResponder;
import dev.scepter.server.scep.ScepEndpointFactory;
import dev.scepter.server.scep.ScepKeys;
import dev.scepter.server.scep.ScepEndpoints;
import dev.scepter.server.scep.ScepLoadLimit;
import dev.scepter.server.scep.ScepService;
import dev.scepter.server.validity.IndexRefresher;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one place where the core's parts are put together: enrollment as a chain (challenge ->
 * policy -> sign -> record), SCEP on top of it.
 */
@Configuration(proxyBeanMethods = false)
public class CoreConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Bean
    CertificateStore certificateStore(CoreContext core) {
        return core.storage().certificateStore();
    }

    @Bean
    X509CertificateHolder caCertificate(CoreContext core) {
        return core.ca().certificate();
    }

    @Bean
    IssuancePolicy issuancePolicy(CoreContext core) {
        ScepterSettings settings = core.settings();
        IssuancePolicy withoutCdp = new IssuancePolicy(settings.validityPeriodDays(), Duration.ofMinutes(settings.validityClockSkewMinutes()),
                settings.useRequestedKeyUsages(), core.baseUrl());
        if (!settings.crlAddCdp()) {
            return withoutCdp;
        }
        return new IssuancePolicy(withoutCdp.validityPeriodDays(), withoutCdp.clockSkew(), withoutCdp.useRequestedKeyUsages(),
                withoutCdp.baseUrl(), Optional.of(withoutCdp.crlUrl(settings.crlRequestToken().orElseThrow())));
    }

    @Bean
    SerialNumbers serialNumbers(SecureRandom random) {
        return new SerialNumbers(random);
    }

    @Bean
    Enrollment enrollment(CoreContext core, IssuancePolicy policy, CertificateStore store, SerialNumbers serials, Clock clock,
            CachingDirectory directory, IssuedSerialIndex issued, AuditLog audit) {
        ScepterSettings settings = core.settings();
        MicrosoftExtensions microsoft = new MicrosoftExtensions(settings.addMicrosoftAadExtensions(), settings.tenantId(),
                settings.addSidExtension());
        Enrollment enrollment = new Enrollment(new CertificateIssuer(core.ca(), policy, clock, microsoft), store, serials,
                Optional.of(new Binder(directory)), audit, clock);
        enrollment.onIssued(record -> issued.add(record.serialNumber()));
        return enrollment;
    }

    // --- directory, validity, OCSP, CRL -------------------------------------------------------

    @Bean(destroyMethod = "")
    DirectorySelection directorySelection(CoreContext core) {
        if ("Embedded".equals(core.settings().directoryType())) {
            EmbeddedDirectory embedded = core.storage().embeddedDirectory();
            return new DirectorySelection(embedded, Optional.of(embedded));
        }
        return new DirectorySelection(core.directory().orElseThrow(
                () -> new IllegalStateException("AppConfig:Directory:Type is Ldap but no LDAP directory was opened")), Optional.empty());
    }

    @Bean
    CachingDirectory cachingDirectory(CoreContext core, DirectorySelection directories, Clock clock) {
        return new CachingDirectory(directories.directory(), clock, Duration.ofSeconds(core.settings().directoryCacheSeconds()));
    }

    @Bean
    String issuerName(X509CertificateHolder caCertificate) {
        return BCStyle.INSTANCE.toString(caCertificate.getSubject());
    }

    @Bean
    RevocationIndex revocationIndex(CertificateStore store, String issuerName) {
        return new RevocationIndex(store, issuerName);
    }

    @Bean
    StoreHealth storeHealth(Clock clock) {
        return new StoreHealth(clock);
    }

    @Bean
    ShedLog shedLog() {
        return new ShedLog();
    }

    @Bean
    IssuedSerialIndex issuedSerialIndex(CoreContext core, CertificateStore store, String issuerName, Clock clock, StoreHealth health) {
        return new IssuedSerialIndex(store, issuerName, clock, Duration.ofSeconds(core.settings().directoryCacheSeconds()), health);
    }

    @Bean
    Validity validity(X509CertificateHolder caCertificate, RevocationIndex revocations, IssuedSerialIndex issued,
            CachingDirectory directory, Clock clock) {
        return new Validity(caCertificate.getSerialNumber(), revocations, issued, directory, clock);
    }

    @Bean
    DelegatedResponder delegatedResponder(CoreContext core, CertificateStore store, SerialNumbers serials, Clock clock, SecureRandom random) {
        ScepterSettings settings = core.settings();
        return new DelegatedResponder(core.ca(), store, serials, clock, random, settings.ocspUseAuthorizedResponder(),
                settings.ocspAuthorizedResponderValidity(), Duration.ofMinutes(settings.validityClockSkewMinutes()));
    }

    @Bean
    OcspResponder ocspResponder(CoreContext core, X509CertificateHolder caCertificate, Validity validity, DelegatedResponder responder,
            Clock clock, StoreHealth health, ShedLog shedLog) {
        ScepterSettings settings = core.settings();
        return new OcspResponder(new IssuerMatcher(caCertificate), validity, responder, OcspResponder.timing(
                settings.ocspCacheSecondsIfDeviceExists(), settings.ocspCacheSecondsIfDeviceDisabled(), settings.ocspResponseCacheSeconds()),
                clock, health, new ConcurrencyLimit(Setting.OCSP_CONCURRENT_SIGNING_LIMIT.key(), settings.ocspConcurrentSigningLimit(),
                        shedLog));
    }

    @Bean
    CrlService crlService(CoreContext core, RevocationIndex revocations, Clock clock) {
        Duration validity = core.settings().crlValidity();
        return new CrlService(new CrlIssuer(core.ca(), clock, validity), revocations, "Storage".equals(core.settings().crlSource()),
                validity, clock);
    }

    @Bean
    Revocations revocations(CertificateStore store, String issuerName, RevocationIndex index, AuditLog audit, Clock clock,
            OcspResponder responder, CrlService crls) {
        Revocations revocations = new Revocations(store, issuerName, index, audit, clock);
        revocations.onRevoked(serial -> {
            responder.forgetCachedResponses();
            crls.revocationsChanged();
        });
        return revocations;
    }

    @Bean(destroyMethod = "close")
    IndexRefresher indexRefresher(CoreContext core, RevocationIndex revocations, IssuedSerialIndex issued, CrlService crls,
            OcspResponder responder, StoreHealth health) {
        IndexRefresher refresher = new IndexRefresher(revocations, issued, crls, responder, health);
        refresher.start(Duration.ofSeconds(core.settings().storeRevocationRefreshSeconds()));
        return refresher;
    }

    @Bean
    AuditLog auditLog(CoreContext core) {
        return core.storage().auditLog();
    }

    @Bean
    ApiTokens apiTokens(CoreContext core, Clock clock, SecureRandom random) {
        return new ApiTokens(core.storage().apiTokenStore(), core.storage().auditLog(), clock, random);
    }

    @Bean
    OneTimeChallenges oneTimeChallenges(CoreContext core, AuditLog audit, Clock clock, SecureRandom random) {
        return new OneTimeChallenges(core.storage().oneTimeChallengeStore(), audit, clock, random);
    }

    @Bean
    ScepEndpoints scepEndpoints(CoreContext core, OneTimeChallenges oneTimeChallenges) {
        return new ScepEndpointFactory(core.settings(), oneTimeChallenges, () -> dataFolderStaticChallenge(core)).endpoints();
    }

    /** The data folder's {@code static-challenge}, made by the local installation. */
    private static String dataFolderStaticChallenge(CoreContext core) {
        Path file = core.dataDir().resolve(LocalInstallation.STATIC_CHALLENGE);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the static challenge from " + file, e);
        }
    }

    @Bean
    Renewals renewals(X509CertificateHolder caCertificate, CertificateStore store, Validity validity, Clock clock) {
        return new Renewals(caCertificate, store, validity, clock);
    }

    @Bean
    EnrollmentService enrollmentService(Enrollment enrollment, Renewals renewals, CertificateStore store, String issuerName) {
        return new EnrollmentService(enrollment, renewals, store, issuerName);
    }

    /**
     * The CA's own key when it is RSA; otherwise the RA certificate the installation made beside
     * it, since SCEP's key transport (RFC 8894 section 3.2.2) needs an RSA key.
     */
    @Bean
    ScepKeys scepKeys(CoreContext core) {
        CaSigner ca = core.ca();
        if (ScepKeys.isRsa(ca.certificate()) && ca instanceof CaDecrypter decrypter) {
            return new ScepKeys(ca, decrypter, Optional.empty(), ca.chain());
        }
        Path raKeyStore = core.dataDir().resolve(LocalInstallation.RA_KEY_STORE);
        if (!Files.exists(raKeyStore)) {
            throw new IllegalStateException("The CA key is not RSA, so SCEP needs the RSA RA certificate in " + raKeyStore
                    + "; run complete-installation to create it.");
        }
        Pkcs12CaSigner ra;
        try {
            ra = Pkcs12CaSigner.load(raKeyStore, core.dataDir().resolve(LocalInstallation.RA_PASSWORD));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the SCEP RA in " + raKeyStore + ": " + e.getMessage(), e);
        }
        // An RA left from another CA (ca.p12 restored or replaced) would make every enrollment fail on the client.
        if (!issuedBy(ra.certificate(), ca.certificate()) || !ra.certificate().isValidOn(new java.util.Date())) {
            throw new IllegalStateException("The SCEP RA in " + raKeyStore + " is not a valid certificate of this CA ("
                    + ca.certificate().getSubject() + "): copy ra.p12 and ra.p12.password from a node of this installation, "
                    + "or move them away and run complete-installation to create a new one.");
        }
        return new ScepKeys(ra, ra, Optional.of(ra.certificate()), ca.chain());
    }

    private static boolean issuedBy(org.bouncycastle.cert.X509CertificateHolder certificate, org.bouncycastle.cert.X509CertificateHolder ca) {
        try {
            return certificate.getIssuer().equals(ca.getSubject())
                    && certificate.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(ca));
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertException
                | java.security.cert.CertificateException e) {
            return false;
        }
    }

    @Bean
    ScepService scepService(CoreContext core, EnrollmentService enrollments, ScepKeys keys) {
        ResponseEncryption encryption = ResponseEncryption.fromOid(core.settings().scepResponseEncryptionAlgorithm()).orElseThrow();
        return new ScepService(enrollments, keys, new CertRepEncoder(keys.signer()), encryption);
    }

    @Bean
    ScepLoadLimit scepLoadLimit(CoreContext core, ShedLog shedLog) {
        return ScepLoadLimit.of(core.settings().concurrentScepRequestLimit(), shedLog);
    }

    @Bean
    PrometheusMeterRegistry meterRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Latency histograms for the protocol endpoints, so that percentiles can be aggregated across nodes.
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().startsWith("scep.") || id.getName().startsWith("ocsp.")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
                }
                return config;
            }
        });
        return registry;
    }
}
