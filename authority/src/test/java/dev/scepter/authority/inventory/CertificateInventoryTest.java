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

    @Test
    void anUnboundHistoryFindsItsExactSubjectBehindMoreThanAPageOfSimilarOnes() {
        // Older exact matches, then 250 newer certificates whose subject merely contains "CN=web".
        for (int i = 1; i <= 3; i++) {
            store.record(certificate(i, ISSUER, "CN=web", NOW.minusSeconds(10_000 + i)));
        }
        for (int i = 10; i < 260; i++) {
            store.record(certificate(i, ISSUER, "CN=web" + i, NOW.minusSeconds(i)));
        }
        IssuedCertificate newest = certificate(1000, ISSUER, "CN=web", NOW.minusSeconds(1));
        store.record(newest);
        var history = new CertificateInventory(paging(store), ISSUER, audit, Clock.fixed(NOW, ZoneOffset.UTC))
                .history(newest, java.util.Set.of());
        assertThat(history.entries()).extracting(entry -> entry.certificate().serialNumber().intValue()).containsExactly(3, 2, 1, 1000);
        assertThat(history.complete()).isTrue();
    }

    /** The store, its search newest first and in pages as the real adapters answer (the in-memory one gives one page). */
    private static dev.scepter.authority.store.CertificateStore paging(InMemoryCertificateStore store) {
        return (dev.scepter.authority.store.CertificateStore) java.lang.reflect.Proxy.newProxyInstance(
                CertificateInventoryTest.class.getClassLoader(), new Class<?>[] {dev.scepter.authority.store.CertificateStore.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("search")) {
                        try {
                            return method.invoke(store, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                    SearchQuery query = (SearchQuery) args[1];
                    int from = query.continuationToken().map(Integer::parseInt).orElse(0);
                    List<IssuedCertificate> all = store.search((String) args[0], new SearchQuery(query.text(), query.validity(), query.now(),
                            1000, Optional.empty(), query.excludedEndpoints(), query.filters())).items().stream()
                            .sorted(java.util.Comparator.comparing(IssuedCertificate::notBefore).reversed()).toList();
                    int to = Math.min(all.size(), from + query.pageSize());
                    return new SearchPage(all.subList(from, to), to < all.size() ? Optional.of(Integer.toString(to)) : Optional.empty());
                });
    }

    private static SearchQuery query(Optional<String> text, Optional<String> continuationToken) {
        return new SearchQuery(text, SearchQuery.Validity.ANY, NOW, 50, continuationToken);
    }

    private static IssuedCertificate certificate(int serial, String issuer, String subject) {
        return certificate(serial, issuer, subject, NOW.minusSeconds(60));
    }

    private static IssuedCertificate certificate(int serial, String issuer, String subject, java.time.Instant notBefore) {
        return new IssuedCertificate(BigInteger.valueOf(serial), issuer, subject, List.of(), notBefore, NOW.plusSeconds(86_400),
                "api", "token", Optional.empty(), Optional.empty(), Optional.empty(), new byte[] {1});
    }
}
