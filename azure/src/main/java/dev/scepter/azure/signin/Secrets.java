package dev.scepter.azure.signin;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The secret values this instance signs in with, to take out of any message before it is logged or
 * thrown: what a library or a service says on failure is not ours to vouch for.
 */
final class Secrets {

    private final List<String> values;

    Secrets(Collection<String> values) {
        // Very short values would blank out ordinary words; secrets are never that short.
        this.values = values.stream().filter(Objects::nonNull).filter(v -> v.length() >= 4).distinct().toList();
    }

    String redact(String message) {
        if (message == null) {
            return "";
        }
        String redacted = message;
        for (String secret : values) {
            redacted = redacted.replace(secret, "<hidden>");
        }
        return redacted;
    }
}
