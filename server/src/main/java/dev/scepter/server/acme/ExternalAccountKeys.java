package dev.scepter.server.acme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The MAC keys of external accounts (RFC 8555 section 7.3.4) a profile's bindings are checked with, read
 * once at start-up from the profile's keys file ({@code AppConfig:Acme:ExternalAccountKeysFile} or
 * {@code AppConfig:Acme:Profiles:NAME:ExternalAccountKeysFile}): one key a line, its key
 * identifier, white space, the key in base64url (at least 32 bytes, for HS256); blank lines and
 * lines starting with {@code #} are skipped. A line that is neither stops start-up, named by its
 * number only, never its content.
 */
final class ExternalAccountKeys {

    static final int MIN_KEY_BYTES = 32;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+={0,2}");
    private final Map<String, byte[]> keys;

    private ExternalAccountKeys(Map<String, byte[]> keys) {
        this.keys = keys;
    }

    static ExternalAccountKeys none() {
        return new ExternalAccountKeys(Map.of());
    }

    /** @param setting the setting that named the file, for the message that stops start-up */
    static ExternalAccountKeys load(Path file, String setting) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(setting + ": " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, byte[]> keys = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            byte[] key = null;
            if (fields.length == 2 && KEY_ID.matcher(fields[0]).matches() && BASE64URL.matcher(fields[1]).matches()) {
                try {
                    key = Base64.getUrlDecoder().decode(fields[1]);
                } catch (IllegalArgumentException e) {
                    key = null;
                }
            }
            if (key == null || key.length < MIN_KEY_BYTES || keys.putIfAbsent(fields[0], key) != null) {
                throw new IllegalStateException(setting + ": line " + (i + 1) + " of " + file
                        + " is not 'KEY-ID BASE64URL-KEY' with a key of " + MIN_KEY_BYTES + " bytes or more and a key id not used before");
            }
        }
        return new ExternalAccountKeys(Map.copyOf(keys));
    }

    Optional<byte[]> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId)).map(byte[]::clone);
    }

    int size() {
        return keys.size();
    }
}
