package dev.scepter.server;

import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.server.load.ShedLog;
import java.security.SecureRandom;
import java.time.Clock;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What every other part shares, taken from the prepared {@link CoreContext}: the clock and the
 * random source, the CA's certificate and issuer name, the storage's role ports (certificates,
 * audit, API tokens), certificate serial numbers and the log of shed requests. Enrollment
 * ({@link EnrollmentConfiguration}), validity ({@link ValidityConfiguration}) and metrics
 * ({@link MetricsConfiguration}) are wired on top of it.
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

    /** How this instance signs in to Microsoft's cloud (Graph, Intune), opened by the launcher. */
    @Bean
    AccessTokens accessTokens(CoreContext core) {
        return core.accessTokens();
    }

    @Bean
    CertificateStore certificateStore(CoreContext core) {
        return core.storage().certificateStore();
    }

    @Bean
    X509CertificateHolder caCertificate(CoreContext core) {
        return core.ca().certificate();
    }

    /** The CA's subject as a string: the issuer the store files this CA's certificates under. */
    @Bean
    String issuerName(X509CertificateHolder caCertificate) {
        return BCStyle.INSTANCE.toString(caCertificate.getSubject());
    }

    /** Serials for every certificate this CA signs: devices' and the delegated OCSP responder's. */
    @Bean
    SerialNumbers serialNumbers(SecureRandom random) {
        return new SerialNumbers(random);
    }

    /** One log of shed requests for the OCSP signing limit and the SCEP request limit. */
    @Bean
    ShedLog shedLog() {
        return new ShedLog();
    }

    @Bean
    AuditLog auditLog(CoreContext core) {
        return core.storage().auditLog();
    }

    @Bean
    ApiTokens apiTokens(CoreContext core, Clock clock, SecureRandom random) {
        return new ApiTokens(core.storage().apiTokenStore(), core.storage().auditLog(), clock, random);
    }
}
