package dev.scepter.installer.azure.sim;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one OData {@code $filter} form the installer sends: {@code property eq 'value'}, with a
 * quote inside the value doubled as OData wants. Comparison ignores case, as Graph's does for
 * display names and ids.
 */
record EqFilter(String property, String value) {

    private static final Pattern EQ = Pattern.compile("\\s*(\\w+)\\s+eq\\s+'((?:[^']|'')*)'\\s*");

    /**
     * Parses {@code filter} (null when the request has none, which gives null), allowing only the
     * given properties; anything else is a 400 with {@code errorCode}.
     */
    static EqFilter parse(String filter, Set<String> properties, String errorCode) {
        if (filter == null) {
            return null;
        }
        Matcher matcher = EQ.matcher(filter);
        if (!matcher.matches()) {
            throw new SimError(400, errorCode, "Invalid filter clause: " + filter);
        }
        String property = matcher.group(1);
        for (String supported : properties) {
            if (supported.equalsIgnoreCase(property)) {
                return new EqFilter(supported, matcher.group(2).replace("''", "'"));
            }
        }
        throw new SimError(400, errorCode, "Unsupported property in filter clause: " + property);
    }

    boolean accepts(String property, String actual) {
        return !this.property.equals(property) || value.equalsIgnoreCase(actual);
    }
}
