package dev.scepter.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs; a missing required one stops the run naming it. */
record Options(Map<String, String> values) {

    static Options parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            values.put(args[i].substring(2), args[++i]);
        }
        return new Options(values);
    }

    String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        return Integer.parseInt(get(name, Integer.toString(fallback)));
    }
}
