package dev.scepter.azure.tables;

import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchPosition;
import dev.scepter.authority.store.SearchQuery;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The certificate search on Table Storage. Table Storage filters by equality and ranges and
 * returns rows in key order, while the search matches text anywhere in four columns and answers
 * newest first: so the issuer's partition is read (following Table Storage's own continuation
 * tokens) and filtered and ordered here. Pages are keyed like the SQL stores' ({@code RecordedAt},
 * then serial, both descending), with a token of the same form, so rows recorded meanwhile neither
 * repeat nor go missing. The cost grows with the issuer's certificates, not with the page: the
 * partition is read without the DERs ({@link CertificateEntity#SEARCHED}), which the store fetches
 * for the page's rows only.
 */
final class TableCertificateSearch {


    private static final Comparator<Row> NEWEST_FIRST = Comparator.comparing(Row::recordedAt)
            .thenComparing(Row::serialHex).reversed();

    SearchPage page(List<TableEntity> partition, SearchQuery query, SearchPosition after) {
        List<Row> all = partition.stream()
                .map(entity -> new Row(CertificateEntity.searched(entity), Tables.instant(entity, CertificateEntity.RECORDED_AT)))
                .toList();
        Map<java.math.BigInteger, String> thumbprints = thumbprints(partition);
        Predicate<IssuedCertificate> matches = matcher(query, all.stream().map(Row::certificate).toList(), thumbprints);
        List<Row> rows = all.stream()
                .filter(row -> matches.test(row.certificate()))
                .filter(row -> after == null || NEWEST_FIRST.compare(row, new Row(null, after.recordedAt(), after.serialHex())) > 0)
                .sorted(NEWEST_FIRST)
                .limit(query.pageSize() + 1L)
                .toList();
        if (rows.size() <= query.pageSize()) {
            return new SearchPage(rows.stream().map(Row::certificate).toList(), Optional.empty());
        }
        List<Row> page = rows.subList(0, query.pageSize());
        Row last = page.get(page.size() - 1);
        return new SearchPage(page.stream().map(Row::certificate).toList(),
                Optional.of(new SearchPosition(last.recordedAt(), last.serialHex()).encode()));
    }

    /** How many of the partition's certificates match the query, by endpoint (the SQL stores' grouped count). */
    Map<String, Long> countByEndpoint(List<TableEntity> partition, SearchQuery query) {
        List<IssuedCertificate> all = partition.stream().map(CertificateEntity::searched).toList();
        Predicate<IssuedCertificate> matches = matcher(query, all, thumbprints(partition));
        return all.stream().filter(matches)
                .collect(Collectors.groupingBy(IssuedCertificate::endpoint, TreeMap::new, Collectors.counting()));
    }

    /** The query's conditions over the partition's certificates ({@code all}, which successors are looked for in). */
    private static Predicate<IssuedCertificate> matcher(SearchQuery query, List<IssuedCertificate> all,
            Map<java.math.BigInteger, String> thumbprints) {
        Optional<String> text = query.text().map(String::strip).filter(t -> !t.isEmpty()).map(t -> t.toLowerCase(Locale.ROOT));
        Predicate<IssuedCertificate> matches = certificate -> !query.excludedEndpoints().contains(certificate.endpoint())
                && text.map(t -> containsText(certificate, t)
                        || lower(thumbprints.getOrDefault(certificate.serialNumber(), "")).contains(t)).orElse(true)
                && hasValidity(certificate, query.validity(), query.now())
                && query.filters().matches(certificate);
        if (!query.filters().withoutSuccessor()) {
            return matches;
        }
        // Successors are looked for among the same object's certificates only, grouped once.
        Map<Object, List<IssuedCertificate>> byObject = all.stream().collect(Collectors.groupingBy(TableCertificateSearch::object));
        return matches.and(certificate -> byObject.getOrDefault(object(certificate), List.of()).stream()
                .noneMatch(later -> SearchQuery.Filters.succeeds(later, certificate)));
    }

    /** What a successor must share with a certificate: its bound object, or (unbound) its subject and endpoint. */
    private static Object object(IssuedCertificate certificate) {
        return certificate.binding().<Object>map(b -> b.objectId()).orElse(List.of(certificate.subject(), certificate.endpoint()));
    }

    /** The rows' thumbprints by serial (rows recorded before the column was written have none). */
    private static Map<java.math.BigInteger, String> thumbprints(List<TableEntity> partition) {
        Map<java.math.BigInteger, String> thumbprints = new java.util.HashMap<>();
        for (TableEntity entity : partition) {
            String thumbprint = Tables.string(entity, CertificateEntity.THUMBPRINT);
            if (thumbprint != null) {
                thumbprints.put(new java.math.BigInteger(entity.getRowKey(), 16), thumbprint);
            }
        }
        return thumbprints;
    }

    private static boolean containsText(IssuedCertificate certificate, String lowerCaseText) {
        return lower(certificate.serialHex()).contains(lowerCaseText)
                || lower(certificate.subject()).contains(lowerCaseText)
                || lower(String.join("\n", certificate.subjectAltNames())).contains(lowerCaseText)
                || lower(certificate.requester()).contains(lowerCaseText)
                || certificate.binding().map(b -> b.objectId().toString().contains(lowerCaseText)).orElse(false);
    }

    /** The SQL stores' rules: active is unrevoked and within validity at {@code now}; expired ignores revocation. */
    private static boolean hasValidity(IssuedCertificate certificate, SearchQuery.Validity validity, Instant now) {
        return switch (validity) {
            case ANY -> true;
            case ACTIVE -> certificate.revocation().isEmpty() && !certificate.notBefore().isAfter(now) && certificate.notAfter().isAfter(now);
            case EXPIRED -> !certificate.notAfter().isAfter(now);
            case REVOKED -> certificate.revocation().isPresent();
        };
    }

    private static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }

    private record Row(IssuedCertificate certificate, Instant recordedAt, String serialHex) {
        Row(IssuedCertificate certificate, Instant recordedAt) {
            this(certificate, recordedAt, certificate.serialHex());
        }
    }
}
