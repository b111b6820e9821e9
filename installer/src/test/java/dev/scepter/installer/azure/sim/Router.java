package dev.scepter.installer.azure.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Method + path-template routing. A template is a regular expression in which {@code {name}}
 * stands for one path segment (read back with {@code path.group("name")}) and a dot is literal.
 * Matching ignores case, as ARM does for resource ids.
 */
final class Router {

    @FunctionalInterface
    interface Handler {
        SimResponse handle(SimRequest request, Matcher path);
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router on(String method, String template, Handler handler) {
        routes.add(new Route(method, compile(template), handler));
        return this;
    }

    SimResponse dispatch(SimRequest request) {
        for (Route route : routes) {
            if (!route.method().equalsIgnoreCase(request.method())) {
                continue;
            }
            Matcher matcher = route.pattern().matcher(request.path());
            if (matcher.matches()) {
                return route.handler().handle(request, matcher);
            }
        }
        throw new SimError(404, request.api().notFoundCode(),
                "No resource of the simulator answers " + request.method() + " " + request.path() + ".");
    }

    private static Pattern compile(String template) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{') {
                int end = template.indexOf('}', i);
                regex.append("(?<").append(template, i + 1, end).append(">[^/]+)");
                i = end;
            } else if (c == '.') {
                regex.append("\\.");
            } else {
                regex.append(c);
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
