package dev.scepter.store.jdbc;

import dev.scepter.authority.store.CertificateKind;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchPosition;
import dev.scepter.authority.store.SearchQuery;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The certificate search of {@link JdbcCertificateStore}: one statement built from the query's
 * filters. Newest first ({@code issued_at}, then serial, both descending), paged by keyset rather
 * than by offset, so a page costs the same however deep it is and rows issued meanwhile neither
 * repeat nor go missing: the continuation token is the last row's {@code (issued_at, serial)},
 * base64url-encoded.
 */
final class CertificateSearch {

    /** Compared with {@code lower(...) like lower(?) escape '!'}: the escape character PostgreSQL and H2 read alike. */
    private static final String TEXT_MATCH = " and (lower(serial_number) like lower(?) escape '!'"
            + " or lower(subject) like lower(?) escape '!'"
            + " or lower(subject_alt_names) like lower(?) escape '!'"
            + " or lower(requester) like lower(?) escape '!'"
            + " or lower(cast(binding_object_id as varchar(36))) like lower(?) escape '!'"
            + " or lower(thumbprint) like lower(?) escape '!')";
    private static final int TEXT_COLUMNS = 6;

    /**
     * No unrevoked certificate of the same issuer that expires later for the same object (the same
     * bound object; unbound: the same subject from the same endpoint). Two conditions rather than
     * one with {@code or}, so that each can use its index ({@code binding_object_id}, {@code subject}).
     */
    private static final String WITHOUT_SUCCESSOR = " and (c.binding_object_id is null or not exists (select 1 from issued_certificate s"
            + " where s.binding_object_id = c.binding_object_id and s.issuer = c.issuer and s.revocation_reason is null"
            + " and s.not_after > c.not_after))"
            + " and (c.binding_object_id is not null or not exists (select 1 from issued_certificate s"
            + " where s.subject = c.subject and s.issuer = c.issuer and s.endpoint = c.endpoint and s.binding_object_id is null"
            + " and s.revocation_reason is null and s.not_after > c.not_after))";


    private final Sql sql;

    CertificateSearch(Sql sql) {
        this.sql = sql;
    }

    /**
     * One page of the issuer's certificates that match the query.
     *
     * @throws IllegalArgumentException when the continuation token is not one this search gave
     *                                  out; the message may be shown to the client
     * @throws StorageException         when the database fails
     */
    SearchPage page(String issuer, SearchQuery query) {
        Optional<SearchPosition> after = query.continuationToken().map(SearchPosition::decode);
        StringBuilder statementText = new StringBuilder("select " + IssuedCertificateRow.COLUMNS
                + ", issued_at from issued_certificate c where issuer = ?");
        List<Parameter> parameters = new ArrayList<>();
        parameters.add((statement, index) -> statement.setString(index, issuer));
        where(query, statementText, parameters);
        if (after.isPresent()) {
            SearchPosition position = after.get();
            // A row value comparison, which both databases take and PostgreSQL answers by seeking the index.
            statementText.append(" and (issued_at, serial_number) < (?, ?)");
            parameters.add((statement, index) -> Sql.setInstant(statement, index, position.recordedAt()));
            parameters.add((statement, index) -> statement.setString(index, position.serialHex()));
        }
        // One row more than the page tells whether there is a next page.
        statementText.append(" order by issued_at desc, serial_number desc fetch first ? rows only");
        parameters.add((statement, index) -> statement.setInt(index, query.pageSize() + 1));

        List<Row> rows = sql.query(statementText.toString(), statement -> {
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).bind(statement, i + 1);
            }
        }, row -> new Row(IssuedCertificateRow.read(row), Sql.getInstant(row, "issued_at")));

        if (rows.size() <= query.pageSize()) {
            return new SearchPage(rows.stream().map(Row::certificate).toList(), Optional.empty());
        }
        List<Row> page = rows.subList(0, query.pageSize());
        Row last = page.get(page.size() - 1);
        return new SearchPage(page.stream().map(Row::certificate).toList(),
                Optional.of(new SearchPosition(last.issuedAt(), last.certificate().serialHex()).encode()));
    }

    /**
     * How many of the issuer's certificates match the query (its page size and token aside), by
     * endpoint: one grouped statement, which the indexes on {@code not_after} and the bound
     * object answer without reading every row when the query filters by expiry.
     */
    Map<String, Long> countByEndpoint(String issuer, SearchQuery query) {
        StringBuilder statementText = new StringBuilder("select endpoint, count(*) from issued_certificate c where issuer = ?");
        List<Parameter> parameters = new ArrayList<>();
        parameters.add((statement, index) -> statement.setString(index, issuer));
        where(query, statementText, parameters);
        statementText.append(" group by endpoint");
        Map<String, Long> counts = new TreeMap<>();
        sql.query(statementText.toString(), statement -> {
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).bind(statement, i + 1);
            }
        }, row -> counts.put(row.getString(1), row.getLong(2)));
        return counts;
    }

    /** The query's conditions, appended to a statement over {@code issued_certificate c} whose first parameter is the issuer. */
    private static void where(SearchQuery query, StringBuilder statementText, List<Parameter> parameters) {
        Optional<String> text = query.text().map(String::strip).filter(t -> !t.isEmpty());
        if (text.isPresent()) {
            String pattern = "%" + escapeLike(text.get()) + "%";
            statementText.append(TEXT_MATCH);
            for (int i = 0; i < TEXT_COLUMNS; i++) {
                parameters.add((statement, index) -> statement.setString(index, pattern));
            }
        }
        for (String endpoint : query.excludedEndpoints()) {
            statementText.append(" and endpoint <> ?");
            parameters.add((statement, index) -> statement.setString(index, endpoint));
        }
        Instant now = query.now();
        switch (query.validity()) {
            case ANY -> { }
            case ACTIVE -> {
                statementText.append(" and revocation_reason is null and not_before <= ? and not_after > ?");
                parameters.add((statement, index) -> Sql.setInstant(statement, index, now));
                parameters.add((statement, index) -> Sql.setInstant(statement, index, now));
            }
            case EXPIRED -> {
                statementText.append(" and not_after <= ?");
                parameters.add((statement, index) -> Sql.setInstant(statement, index, now));
            }
            case REVOKED -> statementText.append(" and revocation_reason is not null");
            default -> throw new IllegalStateException("unknown validity " + query.validity());
        }
        SearchQuery.Filters filters = query.filters();
        if (!filters.endpoints().isEmpty()) {
            statementText.append(" and endpoint in (").append(placeholders(filters.endpoints().size())).append(')');
            for (String endpoint : filters.endpoints()) {
                parameters.add((statement, index) -> statement.setString(index, endpoint));
            }
        }
        if (!filters.kinds().isEmpty()) {
            List<String> kinds = new ArrayList<>();
            for (CertificateKind kind : filters.kinds()) {
                switch (kind) {
                    case STATIC -> {
                        kinds.add("(binding_kind is null and endpoint <> ?)");
                        parameters.add((statement, index) -> statement.setString(index, CertificateKind.DC_ENDPOINT));
                    }
                    case DC -> {
                        kinds.add("(binding_kind is null and endpoint = ?)");
                        parameters.add((statement, index) -> statement.setString(index, CertificateKind.DC_ENDPOINT));
                    }
                    default -> { }
                }
                if (!kind.storedBindingKinds().isEmpty()) {
                    kinds.add("binding_kind in (" + placeholders(kind.storedBindingKinds().size()) + ")");
                    for (String stored : kind.storedBindingKinds()) {
                        parameters.add((statement, index) -> statement.setString(index, stored));
                    }
                }
            }
            statementText.append(" and (").append(String.join(" or ", kinds)).append(')');
        }
        filters.expiresBefore().ifPresent(before -> {
            statementText.append(" and not_after < ?");
            Instant bound = before.isAfter(IssuedCertificateRow.LATEST) ? IssuedCertificateRow.LATEST : before;
            parameters.add((statement, index) -> Sql.setInstant(statement, index, bound));
        });
        filters.boundObject().ifPresent(id -> {
            statementText.append(" and binding_object_id = ?");
            parameters.add((statement, index) -> statement.setObject(index, id));
        });
        if (filters.withoutSuccessor()) {
            statementText.append(WITHOUT_SUCCESSOR);
        }
    }

    private static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    /** The text with LIKE's wildcards and the escape character escaped, so that it matches literally. */
    static String escapeLike(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                escaped.append('!');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /** A statement parameter whose index is known only once every filter has had its say. */
    @FunctionalInterface
    private interface Parameter {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    private record Row(IssuedCertificate certificate, Instant issuedAt) {
    }
}
