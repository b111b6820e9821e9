package dev.scepter.installer.azure.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON building, and readers of request bodies that refuse a field of the wrong shape. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static ArrayNode strings(Collection<String> values) {
        ArrayNode array = array();
        values.forEach(array::add);
        return array;
    }

    /** ARM's and Graph's list envelope: {@code {"value":[...]}}. */
    static ObjectNode list(Collection<? extends JsonNode> items) {
        ObjectNode list = object();
        list.putArray("value").addAll(items);
        return list;
    }

    static ObjectNode error(String code, String message) {
        ObjectNode body = object();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return body;
    }

    /** An optional object field: null when absent or null. */
    static ObjectNode object(JsonNode parent, String field) {
        JsonNode node = present(parent, field);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidBody("Property '" + field + "' must be an object.");
        }
        return (ObjectNode) node;
    }

    /** An optional array field: null when absent or null. */
    static ArrayNode array(JsonNode parent, String field) {
        JsonNode node = present(parent, field);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidBody("Property '" + field + "' must be an array.");
        }
        return (ArrayNode) node;
    }

    /** An optional string field: null when absent or null. */
    static String string(JsonNode parent, String field) {
        JsonNode node = present(parent, field);
        if (node == null) {
            return null;
        }
        if (!node.isString()) {
            throw new InvalidBody("Property '" + field + "' must be a string.");
        }
        return node.stringValue();
    }

    static String requiredString(JsonNode parent, String field) {
        String value = string(parent, field);
        if (value == null || value.isBlank()) {
            throw new InvalidBody("Property '" + field + "' is required.");
        }
        return value;
    }

    /** An optional boolean field: null when absent or null. */
    static Boolean bool(JsonNode parent, String field) {
        JsonNode node = present(parent, field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new InvalidBody("Property '" + field + "' must be a boolean.");
        }
        return node.booleanValue();
    }

    /** An optional array of strings: null when absent or null. */
    static List<String> stringList(JsonNode parent, String field) {
        ArrayNode array = array(parent, field);
        if (array == null) {
            return null;
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : array) {
            if (!element.isString()) {
                throw new InvalidBody("Property '" + field + "' must be an array of strings.");
            }
            values.add(element.stringValue());
        }
        return values;
    }

    /** The elements of an optional array field, each required to be an object. */
    static List<ObjectNode> objectList(JsonNode parent, String field) {
        ArrayNode array = array(parent, field);
        List<ObjectNode> values = new ArrayList<>();
        if (array != null) {
            for (JsonNode element : array) {
                if (!element.isObject()) {
                    throw new InvalidBody("Property '" + field + "' must be an array of objects.");
                }
                values.add((ObjectNode) element);
            }
        }
        return values;
    }

    private static JsonNode present(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        return node == null || node.isNull() ? null : node;
    }
}
