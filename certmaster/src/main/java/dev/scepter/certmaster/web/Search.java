package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.SearchFilters;
import java.util.List;
import java.util.Optional;

/**
 * A search as the pages take it (the query string of {@code /certificates} and its CSV export),
 * checked: a value the core would refuse is said on the page without asking the core.
 */
record Search(String text, String validity, String type, String endpoint, String expiresText, Optional<Integer> expiresWithinDays,
        Optional<String> problem) {

    /** The most days the core's {@code expiresWithinDays} takes. */
    static final int MAX_DAYS = 3650;

    static Search of(String text, String validity, String type, String endpoint, String expires) {
        String state = CertificatesController.VALIDITIES.stream().filter(v -> v.equalsIgnoreCase(validity)).findFirst().orElse("Any");
        String kind = CertificatesController.TYPES.stream().filter(v -> v.equalsIgnoreCase(type)).findFirst().orElse("Any");
        String from = endpoint == null ? "" : endpoint.strip();
        String days = expires == null ? "" : expires.strip();
        Optional<Integer> within = Optional.empty();
        Optional<String> problem = Optional.empty();
        if (!days.isEmpty()) {
            try {
                int value = Integer.parseInt(days);
                if (value < 0 || value > MAX_DAYS) {
                    problem = Optional.of("Expires within: a number of days from 0 to " + MAX_DAYS + ".");
                } else {
                    within = Optional.of(value);
                }
            } catch (NumberFormatException e) {
                problem = Optional.of("Expires within: a number of days from 0 to " + MAX_DAYS + ".");
            }
        }
        if (from.length() > 200) {
            problem = Optional.of("Endpoint: at most 200 characters.");
        }
        return new Search(text == null ? "" : text.strip(), state, kind, from, days, within, problem);
    }

    SearchFilters filters() {
        return new SearchFilters(text, validity, "Any".equals(type) ? List.of() : List.of(type), endpoint.isEmpty() ? List.of() : List.of(endpoint),
                expiresWithinDays, Optional.empty(), false);
    }
}
