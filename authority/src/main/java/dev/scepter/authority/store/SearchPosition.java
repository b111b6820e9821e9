package dev.scepter.authority.store;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a search page stopped, as its continuation token carries it: the last row's sort key
 * (newest first: the time it was recorded, then its serial). Every store adapter pages this way, so
 * a token names the same place whichever store made it.
 */
public record SearchPosition(Instant recordedAt, String serialHex) {

    private static final String TOKEN_VERSION = "k1";
    private static final Pattern TOKEN = Pattern.compile(TOKEN_VERSION + ":(-?\\d{1,12}):(\\d{1,9}):([0-9A-F]{1,64})");
    private static final int MAX_TOKEN_LENGTH = 200;
    // The range every store keeps a time in (SQL's and Table Storage's): a token outside it is forged.
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** The continuation token that names this position. */
    public String encode() {
        String plain = TOKEN_VERSION + ":" + recordedAt.getEpochSecond() + ":" + recordedAt.getNano() + ":" + serialHex;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws IllegalArgumentException with a message safe to show the client */
    public static SearchPosition decode(String token) {
        SearchPosition position = token.length() <= MAX_TOKEN_LENGTH ? parse(token) : null;
        if (position == null) {
            throw new IllegalArgumentException("the continuation token is not valid; start the search again without one");
        }
        return position;
    }

    /** A token from elsewhere (forged, truncated, of another version) parses to nothing rather than failing. */
    private static SearchPosition parse(String token) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            Matcher parts = TOKEN.matcher(plain);
            if (!parts.matches()) {
                return null;
            }
            Instant recordedAt = Instant.ofEpochSecond(Long.parseLong(parts.group(1)), Long.parseLong(parts.group(2)));
            return recordedAt.isBefore(EARLIEST) || recordedAt.isAfter(LATEST) ? null : new SearchPosition(recordedAt, parts.group(3));
        } catch (IllegalArgumentException | DateTimeException e) {
            return null;
        }
    }
}
