package dev.scepter.server;

import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.crl.CrlIssuer;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.validity.CachingDirectory;
import dev.scepter.authority.validity.DelegatedResponder;
import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.authority.validity.Validity;
import dev.scepter.azure.jamf.JamfDirectory;
import dev.scepter.protocol.ocsp.IssuerMatcher;
import dev.scepter.server.crl.CrlService;
import dev.scepter.server.load.ConcurrencyLimit;
import dev.scepter.server.load.ShedLog;
import dev.scepter.server.ocsp.OcspResponder;
import dev.scepter.server.validity.IndexRefresher;
import dev.scepter.settings.CrlSettings;
import dev.scepter.settings.DirectorySettings;
import dev.scepter.settings.IssuanceSettings;
import dev.scepter.settings.OcspSettings;
import dev.scepter.settings.Setting;
import dev.scepter.settings.StoreSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.bouncycastle.cert.X509CertificateHolder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Whether a certificate is still good, and the answers that say so: the directory (cached), the
 * revocation and issued-serial indexes kept fresh from the store, the OCSP responder (RFC 6960)
 * with its delegated responder, the CRL (RFC 5280 section 5), revocations, and the store's health.
 */
@Configuration(proxyBeanMethods = false)
public class ValidityConfiguration {

    @Bean(destroyMethod = "")
    DirectorySelection directorySelection(CoreContext core, DirectorySettings settings) {
        return DirectoryFactory.select(settings, () -> core.storage().embeddedDirectory(), core.directory());
    }

    @Bean
    CachingDirectory cachingDirectory(DirectorySettings settings, DirectorySelection directories, Clock clock) {
        return new CachingDirectory(directories.directory(), clock, Duration.ofSeconds(settings.cacheSeconds()));
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
    IssuedSerialIndex issuedSerialIndex(DirectorySettings directory, CertificateStore store, String issuerName, Clock clock,
            StoreHealth health) {
        return new IssuedSerialIndex(store, issuerName, clock, Duration.ofSeconds(directory.cacheSeconds()), health);
    }

    @Bean
    Validity validity(X509CertificateHolder caCertificate, RevocationIndex revocations, IssuedSerialIndex issued,
            CachingDirectory directory, DirectorySettings settings, JamfConfiguration.JamfPro jamf, Clock clock) {
        return new Validity(caCertificate.getSerialNumber(), revocations, issued, DirectoryFactory.withJamf(directory, jamf.client()
                .map(client -> new CachingDirectory(new JamfDirectory(client), clock, Duration.ofSeconds(settings.cacheSeconds())))), clock);
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
}
