package dev.scepter.certmaster.core;

import java.util.List;
import java.util.Optional;

/**
 * What the portal asks the core's search for: SCEPman's text, validity and certType, and the
 * core's own filters (endpoint, expiry within days, bound object, no successor).
 */
public record SearchFilters(String text, String validity, List<String> types, List<String> endpoints, Optional<Integer> expiresWithinDays,
        Optional<String> boundObject, boolean withoutSuccessor) {

    public SearchFilters {
        text = text == null ? "" : text.strip();
        validity = validity == null ? "Any" : validity;
        types = List.copyOf(types);
        endpoints = List.copyOf(endpoints);
    }

    /** Text and validity only, as SCEPman's search. */
    public static SearchFilters of(String text, String validity) {
        return new SearchFilters(text, validity, List.of(), List.of(), Optional.empty(), Optional.empty(), false);
    }
}
