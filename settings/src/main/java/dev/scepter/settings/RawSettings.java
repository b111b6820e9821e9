package dev.scepter.settings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Settings as given, merged from their sources. Names are SCEPman's ({@code AppConfig:A:B}); the
 * Linux App Service form {@code AppConfig__A__B} and any letter case mean the same setting.
 */
public final class RawSettings {

    /** One given value, and where it came from (for messages that tell the admin what to fix). */
    public record Entry(String name, String value, String source) {
        @Override
        public String toString() {
            return name + " (from " + source + ")";
        }
    }

    private final Map<String, Entry> entries;

    private RawSettings(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Merges sources given strongest first: a name set in an earlier source hides it in later ones.
     *
     * @param sources each a source's description and its name-to-value map
     */
    public static RawSettings merge(List<Map.Entry<String, Map<String, String>>> sources) {
        Map<String, Entry> merged = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> source : sources) {
            source.getValue().forEach((name, value) ->
                    merged.putIfAbsent(canonical(name), new Entry(name, value, source.getKey())));
        }
        return new RawSettings(merged);
    }

    public static RawSettings of(Map<String, String> values) {
        return merge(List.of(Map.entry("test", values)));
    }

    /** The canonical form of a name: {@code __} read as {@code :}, lower case. */
    public static String canonical(String name) {
        return name.trim().replace("__", ":").toLowerCase(Locale.ROOT);
    }

    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(canonical(name)));
    }

    public Optional<String> value(String name) {
        return entry(name).map(Entry::value);
    }

    /** Every given setting, by canonical name. */
    public Map<String, Entry> entries() {
        return entries;
    }
}
