package dev.scepter.e2e;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples from the Prometheus text of {@code /metrics}. */
final class Metrics {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Metrics() {
    }

    /**
     * The sum of the samples of {@code name} whose labels include {@code labels} (other labels may
     * differ); 0 when there is none.
     */
    static double sum(String prometheusText, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.strip());
            if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new java.util.HashMap<>();
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                sum += Double.parseDouble(sample.group(3));
            }
        }
        return sum;
    }

    /** How many SCEP PKIOperations ended with {@code outcome} so far. */
    static double pkiOperations(Scepter server, String outcome) {
        return sum(server.metrics(), "scep_requests_seconds_count", Map.of("operation", "PKIOperation", "outcome", outcome));
    }
}
