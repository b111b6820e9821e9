package dev.scepter.azure.tables;

import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final String TOKEN_VERSION = "k1";
    private static final Pattern TOKEN = Pattern.compile(TOKEN_VERSION + ":(-?\\d{1,12}):(\\d{1,9}):([0-9A-F]{1,64})");
    private static final int MAX_TOKEN_LENGTH = 200;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private static final Comparator<Row> NEWEST_FIRST = Comparator.comparing(Row::recordedAt)
            .thenComparing(Row::serialHex).reversed();

    SearchPage page(List<TableEntity> partition, SearchQuery query, Position after) {
        Optional<String> text = query.text().map(String::strip).filter(t -> !t.isEmpty()).map(t -> t.toLowerCase(Locale.ROOT));
        Predicate<IssuedCertificate> matches = certificate -> !query.excludedEndpoints().contains(certificate.endpoint())
                && text.map(t -> containsText(certificate, t)).orElse(true)
                && hasValidity(certificate, query.validity(), query.now());
        List<Row> rows = partition.stream()
                .map(entity -> new Row(CertificateEntity.searched(entity), Tables.instant(entity, CertificateEntity.RECORDED_AT)))
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
                Optional.of(new Position(last.recordedAt(), last.serialHex()).encode()));
    }

    private static boolean containsText(IssuedCertificate certificate, String lowerCaseText) {
        return lower(certificate.serialHex()).contains(lowerCaseText)
                || lower(certificate.subject()).contains(lowerCaseText)
                || lower(String.join("\n", certificate.subjectAltNames())).contains(lowerCaseText)
                || lower(certificate.requester()).contains(lowerCaseText);
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

    /** Where a page stopped: the last row's sort key. */
    record Position(Instant recordedAt, String serialHex) {

        String encode() {
            String plain = TOKEN_VERSION + ":" + recordedAt.getEpochSecond() + ":" + recordedAt.getNano() + ":" + serialHex;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
        }

        /** @throws IllegalArgumentException with a message safe to show the client */
        static Position decode(String token) {
            Position position = token.length() <= MAX_TOKEN_LENGTH ? parse(token) : null;
            if (position == null) {
                throw new IllegalArgumentException("the continuation token is not valid; start the search again without one");
            }
            return position;
        }

        /** A token from elsewhere (forged, truncated, of another version) parses to nothing rather than failing. */
        private static Position parse(String token) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
                Matcher parts = TOKEN.matcher(plain);
                if (!parts.matches()) {
                    return null;
                }
                Instant recordedAt = Instant.ofEpochSecond(Long.parseLong(parts.group(1)), Long.parseLong(parts.group(2)));
                return recordedAt.isBefore(EARLIEST) || recordedAt.isAfter(LATEST) ? null : new Position(recordedAt, parts.group(3));
            } catch (IllegalArgumentException | DateTimeException e) {
                return null;
            }
        }
    }
}
