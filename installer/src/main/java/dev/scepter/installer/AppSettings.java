package dev.scepter.installer;

import dev.scepter.settings.Setting;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An App Service's application settings, or a local installation's {@code appsettings.json}. Names compare case-insensitively and with {@code __}
 * equal to {@code :}, as SCEPman reads them (its module writes {@code BackUp:}, Linux apps need
 * {@code __}); a changed setting keeps the spelling it had, a new one gets the app's spelling.
 */
public final class AppSettings {

    private final Map<String, String> values;
    private final boolean linux;

    public AppSettings(Map<String, String> values, boolean linux) {
        this.values = new LinkedHashMap<>(values);
        this.linux = linux;
    }

    public Optional<String> get(String name) {
        return spelling(name).map(values::get);
    }

    /** @return whether this changed anything */
    public boolean set(String name, String value) {
        Optional<String> existing = spelling(name);
        if (existing.isPresent() && value.equals(values.get(existing.get()))) {
            return false;
        }
        values.put(existing.orElse(linux ? name.replace(":", "__") : name), value);
        return true;
    }

    /** Removes the setting in every spelling it has; @return whether it was there */
    public boolean remove(String name) {
        String wanted = canonical(name);
        return values.keySet().removeIf(k -> canonical(k).equals(wanted));
    }

    /**
     * Copies a setting to {@code Backup:name}, unless a backup is there already: the first backup
     * holds the original, which a later run must not replace. @return whether it wrote one
     */
    public boolean backUp(String name) {
        Optional<String> value = get(name);
        if (value.isEmpty() || get(Setting.BACKUP_PREFIX + name).isPresent()) {
            return false;
        }
        set(Setting.BACKUP_PREFIX + name, value.get());
        return true;
    }

    public Map<String, String> asMap() {
        return new LinkedHashMap<>(values);
    }

    private Optional<String> spelling(String name) {
        String wanted = canonical(name);
        return values.keySet().stream().filter(k -> canonical(k).equals(wanted)).findFirst();
    }

    private static String canonical(String name) {
        return name.replace("__", ":").toLowerCase(Locale.ROOT);
    }
}
