package dev.scepter.server;

import dev.scepter.authority.ca.CaDecrypter;
import dev.scepter.authority.enrollment.ChallengeVerifier;
import dev.scepter.authority.enrollment.Enrollment;
import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import dev.scepter.authority.enrollment.StaticChallengeVerifier;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.installer.local.LocalInstallation;
import dev.scepter.protocol.scep.CertRepEncoder;
import dev.scepter.protocol.scep.ResponseEncryption;
import dev.scepter.server.scep.ScepEndpoint;
import dev.scepter.server.scep.ScepEndpoints;
import dev.scepter.server.scep.ScepLoadLimit;
import dev.scepter.server.scep.ScepService;
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
import java.util.List;
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
        return new IssuancePolicy(settings.validityPeriodDays(), Duration.ofMinutes(settings.validityClockSkewMinutes()),
                settings.useRequestedKeyUsages(), core.baseUrl());
    }

    @Bean
    Enrollment enrollment(CoreContext core, IssuancePolicy policy, CertificateStore store, Clock clock, SecureRandom random) {
        return new Enrollment(new CertificateIssuer(core.ca(), policy, clock), store, new SerialNumbers(random));
    }

    @Bean
    ScepEndpoints scepEndpoints(CoreContext core) {
        ScepterSettings settings = core.settings();
        ChallengeVerifier staticChallenge = settings.staticEnabled()
                ? new StaticChallengeVerifier(staticChallenge(core))
                : (challenge, csr) -> false;
        EndpointProfile profile = new EndpointProfile("static", SerialNumbers.TYPE_STATIC, settings.staticValidityPeriodDays(),
                settings.staticDefaultEkus().stream().map(CertificateIssuer::keyPurpose).toList(), settings.staticDefaultKeyUsage());
        EnrollmentEndpoint endpoint = new EnrollmentEndpoint(profile, staticChallenge);
        String enabledBy = Setting.STATIC_ENABLED.key();
        return new ScepEndpoints(List.of(
                new ScepEndpoint("/scep", settings.staticEnabled(), endpoint, enabledBy),
                new ScepEndpoint("/static", settings.staticEnabled(), endpoint, enabledBy)));
    }

    /** {@code AppConfig:StaticValidation:RequestPassword}, else the data folder's {@code static-challenge}. */
    private static String staticChallenge(CoreContext core) {
        if (core.settings().staticRequestPassword().isPresent()) {
            return core.settings().staticRequestPassword().get();
        }
        Path file = core.dataDir().resolve(LocalInstallation.STATIC_CHALLENGE);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the static challenge from " + file, e);
        }
    }

    @Bean
    ScepService scepService(CoreContext core, Enrollment enrollment) {
        if (!(core.ca() instanceof CaDecrypter decrypter)) {
            throw new IllegalStateException("the CA key cannot decrypt SCEP requests: SCEP needs an RSA CA key");
        }
        ResponseEncryption encryption = ResponseEncryption.fromOid(core.settings().scepResponseEncryptionAlgorithm()).orElseThrow();
        return new ScepService(enrollment, decrypter, new CertRepEncoder(core.ca()), encryption);
    }

    @Bean
    ScepLoadLimit scepLoadLimit(CoreContext core) {
        return ScepLoadLimit.of(core.settings().concurrentScepRequestLimit());
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
