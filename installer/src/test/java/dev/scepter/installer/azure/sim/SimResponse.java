package dev.scepter.installer.azure.sim;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What a handler answers: a status, a JSON body (null for none) and extra headers. */
record SimResponse(int status, JsonNode body, Map<String, String> headers) {

    static SimResponse ok(JsonNode body) {
        return new SimResponse(200, body, Map.of());
    }

    static SimResponse created(JsonNode body) {
        return new SimResponse(201, body, Map.of());
    }

    static SimResponse noContent() {
        return new SimResponse(204, null, Map.of());
    }

    static SimResponse accepted(Map<String, String> headers) {
        return new SimResponse(202, null, headers);
    }
}
