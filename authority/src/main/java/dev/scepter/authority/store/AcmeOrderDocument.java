package dev.scepter.authority.store;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.scepter.authority.store.AcmeStore.Authorization;
import dev.scepter.authority.store.AcmeStore.Challenge;
import dev.scepter.authority.store.AcmeStore.Identifier;
import dev.scepter.authority.store.AcmeStore.Order;
import dev.scepter.authority.store.AcmeStore.Problem;
import dev.scepter.authority.store.AcmeStore.Status;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ACME order's changing part (its authorizations with their challenges, its status and its
 * certificate) as one JSON document, the form every adapter keeps it in: one row or entity per
 * order, replaced as a whole on its version, so concurrent changes to an order are ordered. Its
 * id, account, identifiers and expiry are kept beside it for lookups.
 */
public final class AcmeOrderDocument {

    private AcmeOrderDocument() {
    }

    /** The identifiers as they are stored, {@code type:value} joined with spaces (neither has a space). */
    public static String identifiers(List<Identifier> identifiers) {
        return String.join(" ", identifiers.stream().map(identifier -> identifier.type() + ":" + identifier.value()).toList());
    }

    public static List<Identifier> identifiers(String stored) {
        List<Identifier> identifiers = new ArrayList<>();
        for (String item : stored.split(" ")) {
            int colon = item.indexOf(':');
            identifiers.add(new Identifier(item.substring(0, colon), item.substring(colon + 1)));
        }
        return identifiers;
    }

    /** The order's status, authorizations and certificate as JSON. */
    public static String of(Order order) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("status", order.status().wire());
        order.certificate().ifPresent(pem -> document.put("certificate", pem));
        order.processingSince().ifPresent(at -> document.put("processingSince", at.toString()));
        List<Object> authorizations = new ArrayList<>();
        for (Authorization authz : order.authorizations()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", authz.id());
            a.put("type", authz.identifier().type());
            a.put("value", authz.identifier().value());
            a.put("status", authz.status().wire());
            a.put("expires", authz.expires().toString());
            List<Object> challenges = new ArrayList<>();
            for (Challenge challenge : authz.challenges()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", challenge.id());
                c.put("type", challenge.type());
                c.put("token", challenge.token());
                c.put("status", challenge.status().wire());
                challenge.attempted().ifPresent(at -> c.put("attempted", at.toString()));
                challenge.validated().ifPresent(at -> c.put("validated", at.toString()));
                challenge.error().ifPresent(error -> c.put("error", Map.of("type", error.type(), "detail", error.detail(),
                        "status", (long) error.status())));
                challenges.add(c);
            }
            a.put("challenges", challenges);
            authorizations.add(a);
        }
        document.put("authorizations", authorizations);
        return JSONObjectUtils.toJSONString(document);
    }

    /** The order stored with these columns and this document. */
    public static Order order(String id, String accountId, String identifiers, Instant expires, String document, long version) {
        try {
            Map<String, Object> json = JSONObjectUtils.parse(document);
            List<Authorization> authorizations = new ArrayList<>();
            for (Object item : JSONObjectUtils.getJSONObjectArray(json, "authorizations")) {
                Map<String, Object> a = cast(item);
                List<Challenge> challenges = new ArrayList<>();
                for (Object c : (List<?>) a.get("challenges")) {
                    Map<String, Object> challenge = cast(c);
                    Optional<Problem> error = Optional.ofNullable(challenge.get("error")).map(AcmeOrderDocument::cast)
                            .map(e -> new Problem((String) e.get("type"), (String) e.get("detail"), ((Number) e.get("status")).intValue()));
                    challenges.add(new Challenge((String) challenge.get("id"), (String) challenge.get("type"), (String) challenge.get("token"),
                            Status.ofWire((String) challenge.get("status")), instant(challenge, "attempted"), instant(challenge, "validated"), error));
                }
                authorizations.add(new Authorization((String) a.get("id"), new Identifier((String) a.get("type"), (String) a.get("value")),
                        Status.ofWire((String) a.get("status")), Instant.parse((String) a.get("expires")), challenges));
            }
            return new Order(id, accountId, identifiers(identifiers), authorizations, Status.ofWire(JSONObjectUtils.getString(json, "status")),
                    expires, Optional.ofNullable(JSONObjectUtils.getString(json, "certificate")), instant(json, "processingSince"), version);
        } catch (ParseException | RuntimeException e) {
            throw new IllegalStateException("ACME order " + id + " is stored in a form this version does not read", e);
        }
    }

    private static Optional<Instant> instant(Map<String, Object> map, String key) {
        return Optional.ofNullable((String) map.get(key)).map(Instant::parse);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object map) {
        return (Map<String, Object>) map;
    }
}
