package dev.scepter.server;

import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.crl.CrlIssuer;
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
import dev.scepter.keys.ScepKey;
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
import dev.scepter.settings.AuthSettings;
import dev.scepter.settings.CrlSettings;
import dev.scepter.settings.DirectorySettings;
import dev.scepter.settings.IssuanceSettings;
import dev.scepter.settings.OcspSettings;
import dev.scepter.settings.ScepSettings;
import dev.scepter.settings.Setting;
import dev.scepter.settings.StoreSettings;
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
    IssuancePolicy issuancePolicy(CoreContext core, IssuanceSettings issuance, CrlSettings crl) {
        IssuancePolicy withoutCdp = new IssuancePolicy(issuance.validityPeriodDays(), issuance.clockSkew(),
                issuance.useRequestedKeyUsages(), core.baseUrl());
        if (!crl.addCdp()) {
            return withoutCdp;
        }
        return new IssuancePolicy(withoutCdp.validityPeriodDays(), withoutCdp.clockSkew(), withoutCdp.useRequestedKeyUsages(),
                withoutCdp.baseUrl(), Optional.of(withoutCdp.crlUrl(crl.requestToken().orElseThrow())));
    }

    @Bean
    SerialNumbers serialNumbers(SecureRandom random) {
        return new SerialNumbers(random);
    }

    @Bean
    Enrollment enrollment(CoreContext core, IssuanceSettings issuance, AuthSettings auth, IssuancePolicy policy, CertificateStore store, SerialNumbers serials,
            Clock clock, CachingDirectory directory, IssuedSerialIndex issued, AuditLog audit) {
        MicrosoftExtensions microsoft = new MicrosoftExtensions(issuance.addMicrosoftAadExtensions(), auth.tenantId(),
                issuance.addSidExtension());
        Enrollment enrollment = new Enrollment(new CertificateIssuer(core.ca(), policy, clock, microsoft), store, serials,
                Optional.of(new Binder(directory)), audit, clock);
        enrollment.onIssued(record -> issued.add(record.serialNumber()));
        return enrollment;
    }

    // --- directory, validity, OCSP, CRL -------------------------------------------------------

    @Bean(destroyMethod = "")
    DirectorySelection directorySelection(CoreContext core, DirectorySettings settings) {
        return DirectoryFactory.select(settings, () -> core.storage().embeddedDirectory(), core.directory());
    }

    @Bean
    CachingDirectory cachingDirectory(DirectorySettings settings, DirectorySelection directories, Clock clock) {
        return new CachingDirectory(directories.directory(), clock, Duration.ofSeconds(settings.cacheSeconds()));
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
    IssuedSerialIndex issuedSerialIndex(DirectorySettings directory, CertificateStore store, String issuerName, Clock clock,
            StoreHealth health) {
        return new IssuedSerialIndex(store, issuerName, clock, Duration.ofSeconds(directory.cacheSeconds()), health);
    }

    @Bean
    Validity validity(X509CertificateHolder caCertificate, RevocationIndex revocations, IssuedSerialIndex issued,
            CachingDirectory directory, Clock clock) {
        return new Validity(caCertificate.getSerialNumber(), revocations, issued, directory, clock);
    }

    @Bean
    DelegatedResponder delegatedResponder(CoreContext core, OcspSettings ocsp, IssuanceSettings issuance, CertificateStore store,
            SerialNumbers serials, Clock clock, SecureRandom random) {
        return new DelegatedResponder(core.ca(), store, serials, clock, random, ocsp.useAuthorizedResponder(),
                ocsp.authorizedResponderValidity(), issuance.clockSkew());
    }

    @Bean
    OcspResponder ocspResponder(OcspSettings ocsp, X509CertificateHolder caCertificate, Validity validity, DelegatedResponder responder,
            Clock clock, StoreHealth health, ShedLog shedLog) {
        return new OcspResponder(new IssuerMatcher(caCertificate), validity, responder, OcspResponder.timing(
                ocsp.cacheSecondsIfDeviceExists(), ocsp.cacheSecondsIfDeviceDisabled(), ocsp.responseCacheSeconds()),
                clock, health, new ConcurrencyLimit(Setting.OCSP_CONCURRENT_SIGNING_LIMIT.key(), ocsp.concurrentSigningLimit(),
                        shedLog));
    }

    @Bean
    CrlService crlService(CoreContext core, CrlSettings crl, RevocationIndex revocations, Clock clock) {
        Duration validity = crl.validity();
        return new CrlService(new CrlIssuer(core.ca(), clock, validity), revocations, crl.source() == CrlSettings.Source.STORAGE,
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
    IndexRefresher indexRefresher(StoreSettings store, RevocationIndex revocations, IssuedSerialIndex issued, CrlService crls,
            OcspResponder responder, StoreHealth health) {
        IndexRefresher refresher = new IndexRefresher(revocations, issued, crls, responder, health);
        refresher.start(Duration.ofSeconds(store.revocationRefreshSeconds()));
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
    ScepEndpoints scepEndpoints(CoreContext core, ScepSettings scep, OneTimeChallenges oneTimeChallenges) {
        return new ScepEndpointFactory(scep, oneTimeChallenges, () -> dataFolderStaticChallenge(core)).endpoints();
    }

    /** The data folder's {@code static-challenge}, made by the local installation. */
    private static String dataFolderStaticChallenge(CoreContext core) {
        Path file = core.dataFolder().staticChallenge();
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
     * it, since SCEP's key transport (RFC 8894 section 3.2.2) needs an RSA key. The key custody
     * finds and checks it.
     */
    @Bean
    ScepKeys scepKeys(CoreContext core) {
        ScepKey key = core.keys().scepKey();
        return new ScepKeys(key.signer(), key.decrypter(), key.raCertificate(), core.ca().chain());
    }

    @Bean
    ScepService scepService(ScepSettings scep, EnrollmentService enrollments, ScepKeys keys) {
        ResponseEncryption encryption = ResponseEncryption.fromOid(scep.responseEncryptionAlgorithm()).orElseThrow();
        return new ScepService(enrollments, keys, new CertRepEncoder(keys.signer()), encryption);
    }

    @Bean
    ScepLoadLimit scepLoadLimit(ScepSettings scep, ShedLog shedLog) {
        return ScepLoadLimit.of(scep.concurrentRequestLimit(), shedLog);
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
