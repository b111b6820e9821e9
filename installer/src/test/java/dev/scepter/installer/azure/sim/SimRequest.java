package dev.scepter.installer.azure.sim;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One authenticated call to ARM or Graph as the handlers see it: the path relative to the API's
 * base ({@code /subscriptions/..}, {@code /v1.0/..}), the URL-decoded query and the caller.
 */
final class SimRequest {

    private final Api api;
    private final String method;
    private final String path;
    private final Map<String, String> query;
    private final byte[] body;
    private final SimUser caller;

    SimRequest(Api api, String method, String path, Map<String, String> query, byte[] body, SimUser caller) {
        this.api = api;
        this.method = method;
        this.path = path;
        this.query = Map.copyOf(query);
        this.body = body.clone();
        this.caller = caller;
    }

    Api api() {
        return api;
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    /** A query parameter, already URL-decoded; null when absent. */
    String query(String name) {
        return query.get(name);
    }

    SimUser caller() {
        return caller;
    }

    /** The body as a JSON object; anything else is the client's mistake (400). */
    ObjectNode json() {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new SimError(400, api.invalidJsonCode(), "The request content is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw new SimError(400, api.invalidJsonCode(), "The request content must be a JSON object.");
        }
        return (ObjectNode) node;
    }
}
