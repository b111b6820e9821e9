package dev.scepter.authority.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.InMemoryAuditLog;
import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificateInventoryTest {

    private static final String ISSUER = "CN=Scepter Test CA";
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private final InMemoryCertificateStore store = new InMemoryCertificateStore();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final CertificateInventory inventory = new CertificateInventory(store, ISSUER, audit, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void searchesThisIssuersCertificatesAndAuditsWhoSearchedForWhat() {
        store.record(certificate(1, ISSUER, "CN=laptop-1"));
        store.record(certificate(2, ISSUER, "CN=printer-2"));
        store.record(certificate(3, "CN=Another CA", "CN=laptop-3"));

        SearchPage page = inventory.search("helpdesk", query(Optional.of("laptop"), Optional.empty()));

        assertThat(page.items()).extracting(IssuedCertificate::subject).containsExactly("CN=laptop-1");
        assertThat(audit.events).containsExactly(new AuditEvent(NOW, "helpdesk", "certificate.search", "laptop", "success"));
    }

    @Test
    void aSearchWithoutTextIsAuditedWithAnEmptyTarget() {
        inventory.search("helpdesk", query(Optional.empty(), Optional.empty()));

        assertThat(audit.events).extracting(AuditEvent::target).containsExactly("");
    }

    @Test
    void aRefusedContinuationTokenIsNotAuditedAsASearch() {
        assertThatThrownBy(() -> inventory.search("helpdesk", query(Optional.of("laptop"), Optional.of("forged"))))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(audit.events).isEmpty();
    }

    private static SearchQuery query(Optional<String> text, Optional<String> continuationToken) {
        return new SearchQuery(text, SearchQuery.Validity.ANY, NOW, 50, continuationToken);
    }

    private static IssuedCertificate certificate(int serial, String issuer, String subject) {
        return new IssuedCertificate(BigInteger.valueOf(serial), issuer, subject, List.of(), NOW.minusSeconds(60), NOW.plusSeconds(86_400),
                "api", "token", Optional.empty(), Optional.empty(), Optional.empty(), new byte[] {1});
    }
}
