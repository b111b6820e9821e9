package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CertificateSummary;
import dev.scepter.certmaster.core.CoreApi;
import dev.scepter.certmaster.core.SearchFilters;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code GET /expiring?days=N}: the active certificates that expire within N days and have no
 * successor (the core's search with {@code withoutSuccessor}: no later certificate for the same
 * device or user), grouped by endpoint and then by device or user: the renewals that did not
 * happen, before they hurt. {@code /metrics} counts the same for 7 and 30 days.
 */
@Controller
public class ExpiryController {

    static final int DEFAULT_DAYS = 30;
    /** The most certificates the page lists; the CSV export of the same search holds more. */
    static final int MAX_LISTED = 2_000;

    /** One device or user (or, unbound, one subject) and its expiring certificates. */
    public record Holder(String name, Optional<String> boundObject, List<CertificateSummary> certificates) {
    }

    /** One endpoint's expiring certificates, by holder. */
    public record EndpointGroup(String endpoint, int count, List<Holder> holders) {
    }

    private final CoreApi core;

    public ExpiryController(CoreApi core) {
        this.core = core;
    }

    @GetMapping("/expiring")
    public String expiring(@RequestParam(name = "days", required = false) String days, HttpServletResponse response, Model model) {
        int within = DEFAULT_DAYS;
        if (days != null && !days.isBlank()) {
            try {
                within = Integer.parseInt(days.strip());
            } catch (NumberFormatException e) {
                within = -1;
            }
            if (within < 0 || within > Search.MAX_DAYS) {
                response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                model.addAttribute("days", days);
                model.addAttribute("error", "Days: a number from 0 to " + Search.MAX_DAYS + ".");
                model.addAttribute("groups", List.of());
                return "expiring";
            }
        }
        SearchFilters filters = new SearchFilters("", "Active", List.of(), List.of(), Optional.of(within), Optional.empty(), true);
        List<CertificateSummary> found = new ArrayList<>();
        Optional<String> next = Optional.empty();
        boolean more;
        do {
            CoreApi.SearchResult page = core.search(filters, next, 500);
            found.addAll(page.items());
            next = page.continuationToken();
            more = next.isPresent();
        } while (more && found.size() < MAX_LISTED);
        model.addAttribute("days", within);
        model.addAttribute("total", found.size());
        model.addAttribute("truncated", more);
        model.addAttribute("groups", group(found));
        model.addAttribute("now", Instant.now());
        return "expiring";
    }

    /** By endpoint (most first), then by device or user (soonest first). */
    static List<EndpointGroup> group(List<CertificateSummary> certificates) {
        Map<String, Map<String, List<CertificateSummary>>> byEndpoint = new TreeMap<>();
        for (CertificateSummary c : certificates) {
            String holder = c.boundObject().orElse("subject:" + c.subject());
            byEndpoint.computeIfAbsent(c.source(), k -> new LinkedHashMap<>()).computeIfAbsent(holder, k -> new ArrayList<>()).add(c);
        }
        List<EndpointGroup> groups = new ArrayList<>();
        byEndpoint.forEach((endpoint, holders) -> {
            List<Holder> list = new ArrayList<>();
            holders.forEach((key, list2) -> {
                list2.sort(Comparator.comparing(CertificateSummary::expirationDate));
                CertificateSummary first = list2.get(0);
                list.add(new Holder(first.subject(), first.boundObject(), List.copyOf(list2)));
            });
            list.sort(Comparator.comparing(h -> h.certificates().get(0).expirationDate()));
            groups.add(new EndpointGroup(endpoint, holders.values().stream().mapToInt(List::size).sum(), List.copyOf(list)));
        });
        groups.sort(Comparator.comparing(EndpointGroup::count).reversed());
        return groups;
    }
}
