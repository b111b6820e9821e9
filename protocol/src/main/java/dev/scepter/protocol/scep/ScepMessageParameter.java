package dev.scepter.protocol.scep;

import java.util.Base64;

/**
 * The query string of a GET PKIOperation (RFC 8894 section 4.1): {@code operation=PKIOperation
 * &message=<base64 of the pkiMessage>}. RFC 8894 asks clients to percent-encode the base64, but
 * clients in the field send it raw, so its {@code +} and {@code /} arrive as they are, and a
 * servlet container that form-decodes the query turns {@code +} into a space. The value is
 * therefore taken raw from the query string ({@link #value}) and decoded here, tolerating every
 * form seen.
 */
public final class ScepMessageParameter {

    private ScepMessageParameter() {
    }

    /**
     * The value of parameter {@code name} (compared ignoring case, as NDES does) in a raw query
     * string, exactly as sent: nothing is percent-decoded and {@code +} stays {@code +}. Null when
     * the parameter is absent; empty when it has no value.
     */
    public static String value(String rawQueryString, String name) {
        if (rawQueryString == null || name == null) {
            return null;
        }
        String query = rawQueryString.startsWith("?") ? rawQueryString.substring(1) : rawQueryString;
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            String pair = query.substring(start, end);
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (!pair.isEmpty() && percentDecodedName(key).equalsIgnoreCase(name)) {
                return equals < 0 ? "" : pair.substring(equals + 1);
            }
            start = end + 1;
        }
        return null;
    }

    /**
     * Decodes the raw {@code message} value of a GET PKIOperation to the pkiMessage's bytes.
     * Accepts: base64 with raw or percent-encoded {@code + / =} ({@code %2B %2F %3D}, any case);
     * a space where a {@code +} was form-decoded; the URL-safe alphabet ({@code - _}, RFC 4648
     * section 5); missing padding; line breaks, raw or percent-encoded.
     *
     * @throws MalformedScepMessageException when nothing or no base64 remains
     */
    public static byte[] decode(String rawQueryValue) throws MalformedScepMessageException {
        if (rawQueryValue == null) {
            throw new MalformedScepMessageException("no message parameter");
        }
        StringBuilder base64 = new StringBuilder(rawQueryValue.length());
        for (int i = 0; i < rawQueryValue.length(); i++) {
            char c = rawQueryValue.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawQueryValue.length()) {
                    throw new MalformedScepMessageException("a truncated percent-escape in the message parameter");
                }
                int high = Character.digit(rawQueryValue.charAt(i + 1), 16);
                int low = Character.digit(rawQueryValue.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new MalformedScepMessageException("a bad percent-escape in the message parameter");
                }
                c = (char) (high * 16 + low);
                i += 2;
            }
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                base64.append(c);
            } else if (c == ' ' || c == '-') {
                // A '+' that a server already form-decoded, or the URL-safe alphabet's '-'.
                base64.append('+');
            } else if (c == '_') {
                base64.append('/');
            } else if (c != '=' && c != '\r' && c != '\n' && c != '\t') {
                throw new MalformedScepMessageException(
                        "the message parameter is not base64: character 0x" + Integer.toHexString(c));
            }
        }
        if (base64.length() == 0) {
            throw new MalformedScepMessageException("the message parameter is empty");
        }
        if (base64.length() % 4 == 1) {
            throw new MalformedScepMessageException("the message parameter is truncated base64");
        }
        try {
            // Padding is dropped above and optional to this decoder (Base64.Decoder javadoc).
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new MalformedScepMessageException("the message parameter is not base64", e);
        }
    }

    /** Parameter names are ASCII; only their percent-escapes are decoded. */
    private static String percentDecodedName(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        StringBuilder name = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high >= 0 && low >= 0) {
                    name.append((char) (high * 16 + low));
                    i += 2;
                    continue;
                }
            }
            name.append(c);
        }
        return name.toString();
    }
}
