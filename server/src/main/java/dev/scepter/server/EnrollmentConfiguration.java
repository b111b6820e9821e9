package dev.scepter.server;

import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.enrollment.Binder;
import dev.scepter.authority.enrollment.Enrollment;
import dev.scepter.authority.enrollment.EnrollmentService;
import dev.scepter.authority.enrollment.OneTimeChallenges;
import dev.scepter.authority.enrollment.Renewals;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.MicrosoftExtensions;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.validity.CachingDirectory;
import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.authority.validity.Validity;
import dev.scepter.keys.ScepKey;
import dev.scepter.protocol.scep.CertRepEncoder;
import dev.scepter.protocol.scep.ResponseEncryption;
import dev.scepter.server.crl.CrlService;
import dev.scepter.server.intune.IntuneValidation;
import dev.scepter.server.load.ShedLog;
import dev.scepter.server.ocsp.OcspResponder;
import dev.scepter.server.scep.ScepEndpointFactory;
import dev.scepter.server.scep.ScepEndpoints;
import dev.scepter.server.scep.ScepKeys;
import dev.scepter.server.scep.ScepLoadLimit;
import dev.scepter.server.scep.ScepService;
import dev.scepter.settings.AuthSettings;
import dev.scepter.settings.CrlSettings;
import dev.scepter.settings.IssuanceSettings;
import dev.scepter.settings.ScepSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Enrollment as a chain (challenge -> policy -> sign -> record), with renewals and one-time
 * challenges, decided by the authority's {@link EnrollmentService}; SCEP (RFC 8894) on top of it:
 * its endpoints, keys, service and request limit.
 */
@Configuration(proxyBeanMethods = false)
public class EnrollmentConfiguration {

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
    Enrollment enrollment(CoreContext core, IssuanceSettings issuance, AuthSettings auth, IssuancePolicy policy, CertificateStore store, SerialNumbers serials,
            Clock clock, CachingDirectory directory, IssuedSerialIndex issued, AuditLog audit, RevocationIndex revocations,
            OcspResponder responder, CrlService crls) {
        MicrosoftExtensions microsoft = new MicrosoftExtensions(issuance.addMicrosoftAadExtensions(), auth.tenantId(),
                issuance.addSidExtension());
        Enrollment enrollment = new Enrollment(new CertificateIssuer(core.ca(), policy, clock, microsoft), store, serials,
                Optional.of(new Binder(directory)), audit, clock);
        enrollment.onIssued(record -> issued.add(record.serialNumber()));
        // A certificate on its delivery hold, or revoked because its MDM refused the delivery, and
        // one whose hold is lifted: this node's OCSP and CRL know at once, other nodes at their
        // next refresh (cached OCSP answers there live at most AppConfig:OCSP:ResponseCacheSeconds).
        enrollment.onRevoked(revoked -> {
            revocations.add(revoked.serialNumber(), revoked.revocation());
            responder.forgetCachedResponses();
            crls.revocationsChanged();
        });
        enrollment.onReleased(serial -> {
            revocations.release(serial);
            responder.forgetCachedResponses();
            crls.revocationsChanged();
        });
        return enrollment;
    }

    @Bean
    OneTimeChallenges oneTimeChallenges(CoreContext core, AuditLog audit, Clock clock, SecureRandom random) {
        return new OneTimeChallenges(core.storage().oneTimeChallengeStore(), audit, clock, random);
    }

    @Bean
    ScepEndpoints scepEndpoints(CoreContext core, ScepSettings scep, OneTimeChallenges oneTimeChallenges, IntuneValidation intune,
            JamfConfiguration.JamfPro jamf) {
        return new ScepEndpointFactory(scep, oneTimeChallenges, () -> dataFolderStaticChallenge(core), intune,
                jamf.client().map(dev.scepter.azure.jamf.JamfBinder::new)).endpoints();
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
}
