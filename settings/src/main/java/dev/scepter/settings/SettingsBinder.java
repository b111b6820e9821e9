package dev.scepter.settings;

import dev.scepter.settings.SettingParsers.Parser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Binds settings from their raw text, section by section, and collects every problem instead of
 * stopping at the first, so that the admin reads them all in one message. A value that cannot be
 * used is reported and stands in as its default (or as absent), so that the sections still bind
 * and their own checks still run; {@link #throwIfInvalid()} then stops start-up.
 */
public final class SettingsBinder {

    /** A value that cannot be used sorts before a combination that cannot; each kind in {@link Setting}'s order. */
    private record Problem(boolean combination, Setting setting, String message) {
    }

    private static final Comparator<Problem> ORDER =
            Comparator.comparing(Problem::combination).thenComparing(Problem::setting);

    private final RawSettings raw;
    private final List<Problem> problems = new ArrayList<>();

    public SettingsBinder(RawSettings raw) {
        this.raw = raw;
    }

    public RawSettings raw() {
        return raw;
    }

    /** The setting as given and not blank, else its default; empty when neither. */
    public Optional<String> text(Setting setting) {
        return given(setting).or(setting::defaultValue);
    }

    /** The setting as given, when it is not blank. */
    public Optional<String> given(Setting setting) {
        return raw.value(setting.key()).filter(v -> !v.isBlank());
    }

    /** A setting with a default: the value given, else the default's. */
    public <T> T required(Setting setting, Parser<T> parser) {
        String fallback = setting.defaultValue().orElseThrow(() -> new IllegalStateException(setting.key() + " has no default"));
        return parse(setting, text(setting).orElseThrow(), parser).orElseGet(() -> parser.parse(fallback));
    }

    /** The value given, else the default's; empty when neither is there or the value given cannot be used. */
    public <T> Optional<T> optional(Setting setting, Parser<T> parser) {
        return text(setting).flatMap(text -> parse(setting, text, parser));
    }

    public int wholeNumber(Setting setting, int min, int max) {
        return required(setting, SettingParsers.wholeNumber(min, max));
    }

    public boolean bool(Setting setting) {
        return required(setting, SettingParsers::bool);
    }

    /** Parses {@code text} as the value of {@code setting}; empty, and reported, when it cannot be used. */
    public <T> Optional<T> parse(Setting setting, String text, Parser<T> parser) {
        return parse(setting, setting.key(), setting.isSecret(), text, parser);
    }

    /**
     * Parses {@code text} as the value of a setting whose name is made while binding (an ACME
     * profile's {@code AppConfig:Acme:Profiles:NAME:X}); its problem is reported by {@code key}, in
     * {@code orderedAs}'s place. Such settings hold no secret.
     */
    public <T> Optional<T> parse(Setting orderedAs, String key, String text, Parser<T> parser) {
        return parse(orderedAs, key, false, text, parser);
    }

    private <T> Optional<T> parse(Setting orderedAs, String key, boolean secret, String text, Parser<T> parser) {
        try {
            return Optional.of(parser.parse(text.trim()));
        } catch (IllegalArgumentException e) {
            String where = raw.entry(key).map(entry -> " (from " + entry.source() + ")").orElse("");
            String shown = secret ? "" : " '" + text + "'";
            problems.add(new Problem(false, orderedAs, key + where + ":" + shown + " " + e.getMessage()));
            return Optional.empty();
        }
    }

    /** A given setting that cannot be used at all (a name made while binding that means nothing); the message starts with its name. */
    public void invalid(Setting orderedAs, String message) {
        problems.add(new Problem(false, orderedAs, message));
    }

    /** Values that each parse but cannot be used together; the message starts with the setting to fix. */
    public void reject(Setting setting, String message) {
        problems.add(new Problem(true, setting, message));
    }

    /** @throws InvalidSettingException naming every problem found, when there is one */
    public void throwIfInvalid() throws InvalidSettingException {
        if (!problems.isEmpty()) {
            List<String> messages = problems.stream().sorted(ORDER).map(Problem::message).toList();
            throw new InvalidSettingException("Invalid settings:\n  " + String.join("\n  ", messages));
        }
    }
}
