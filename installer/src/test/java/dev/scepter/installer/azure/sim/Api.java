package dev.scepter.installer.azure.sim;

/** The two simulated APIs: where they are mounted and the error codes each answers with. */
enum Api {
    ARM("/arm", "NotFound", "InvalidRequestContent", "InvalidRequestContent"),
    GRAPH("/graph", "Request_ResourceNotFound", "BadRequest", "Request_BadRequest");

    private final String prefix;
    private final String notFoundCode;
    private final String invalidJsonCode;
    private final String invalidContentCode;

    Api(String prefix, String notFoundCode, String invalidJsonCode, String invalidContentCode) {
        this.prefix = prefix;
        this.notFoundCode = notFoundCode;
        this.invalidJsonCode = invalidJsonCode;
        this.invalidContentCode = invalidContentCode;
    }

    String prefix() {
        return prefix;
    }

    String notFoundCode() {
        return notFoundCode;
    }

    /** The code for a body that is not JSON at all. */
    String invalidJsonCode() {
        return invalidJsonCode;
    }

    /** The code for JSON whose fields have the wrong shape. */
    String invalidContentCode() {
        return invalidContentCode;
    }

    /** The API a request path belongs to, or null for a path outside both. */
    static Api of(String path) {
        for (Api api : values()) {
            if (path.equals(api.prefix) || path.startsWith(api.prefix + "/")) {
                return api;
            }
        }
        return null;
    }
}
