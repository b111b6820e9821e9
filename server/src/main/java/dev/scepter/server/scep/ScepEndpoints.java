package dev.scepter.server.scep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SCEP endpoints of this installation, enabled or not, in homepage order. */
public record ScepEndpoints(List<ScepEndpoint> all) {
    public ScepEndpoints {
        all = List.copyOf(all);
    }

    public Map<String, ScepEndpoint> byPath() {
        Map<String, ScepEndpoint> byPath = new LinkedHashMap<>();
        all.forEach(endpoint -> byPath.put(endpoint.path(), endpoint));
        return byPath;
    }
}
