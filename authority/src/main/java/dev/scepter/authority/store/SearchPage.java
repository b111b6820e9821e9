package dev.scepter.authority.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of a search, and the token for the next page when there is one. */
public record SearchPage(List<IssuedCertificate> items, Optional<String> continuationToken) {
    public SearchPage {
        items = List.copyOf(items);
        Objects.requireNonNull(continuationToken, "continuationToken");
    }
}
