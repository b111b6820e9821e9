package dev.scepter.server;

import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.audit.AuditTrail;
import dev.scepter.authority.audit.PortalSignIns;
import dev.scepter.authority.directory.DirectoryAdministration;
import dev.scepter.authority.inventory.CertificateInventory;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.validity.CachingDirectory;
import dev.scepter.server.metrics.ExpiryGauges;
import dev.scepter.server.ocsp.OcspResponder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires what admins do through the API besides revoking: searching the certificates, reading the
 * audit trail, managing the embedded directory. The controllers get these authority services,
 * never the storage ports behind them (the architecture test holds them to it).
 */
@Configuration(proxyBeanMethods = false)
class AdministrationConfiguration {

    @Bean
    CertificateInventory certificateInventory(CertificateStore store, String issuerName, AuditLog audit, Clock clock) {
        return new CertificateInventory(store, issuerName, audit, clock);
    }

    @Bean(destroyMethod = "close")
    ExpiryGauges expiryGauges(CertificateInventory inventory, MeterRegistry registry, Clock clock) {
        ExpiryGauges gauges = new ExpiryGauges(inventory, registry, clock);
        gauges.start(ExpiryGauges.DEFAULT_REFRESH);
        return gauges;
    }

    @Bean
    PortalSignIns portalSignIns(AuditLog audit, Clock clock) {
        return new PortalSignIns(audit, clock);
    }

    @Bean
    AuditTrail auditTrail(AuditLog audit) {
        return new AuditTrail(audit);
    }

    @Bean
    DirectoryAdministration directoryAdministration(DirectorySelection directories, CachingDirectory cache, OcspResponder responder,
            AuditLog audit, Clock clock) {
        DirectoryAdministration administration = new DirectoryAdministration(directories.embedded(), audit, clock);
        // Drops what this node remembers of the object: its directory answer and signed OCSP responses.
        administration.onChanged(objectId -> {
            cache.forget(objectId);
            responder.forgetCachedResponses();
        });
        return administration;
    }
}
