package dev.cairn.console.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of a query string, decoded, each with every value it was given; only the names an endpoint
 * declares are accepted, so that a misspelt filter is refused instead of silently ignored.
 */
public final class QueryParameters {

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * Parses a raw query string.
     *
     * @param rawQuery the query, still percent-encoded, or {@code null}
     * @param allowed  the parameter names the endpoint takes
     * @throws BadRequestException for a name not allowed, or an encoding that cannot be read
     */
    public static QueryParameters parse(String rawQuery, Set<String> allowed) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (!allowed.contains(name)) {
                    throw new BadRequestException("unknown query parameter '" + Text.shorten(name) + "'; this endpoint"
                            + " takes " + (allowed.isEmpty() ? "none" : String.join(", ", allowed.stream().sorted()
                            .toList())));
                }
                values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        return new QueryParameters(values);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("the query string is not percent-encoded correctly near '" + Text.shorten(s)
                    + "'");
        }
    }

    /** Every value given for a name, in order; empty if none. */
    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /**
     * The one value of a parameter, if given.
     *
     * @throws BadRequestException if it was given more than once
     */
    public Optional<String> single(String name) {
        List<String> v = all(name);
        if (v.size() > 1) {
            throw new BadRequestException("query parameter '" + name + "' was given " + v.size() + " times; give it"
                    + " once");
        }
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /**
     * A boolean parameter: {@code true} or {@code false}, {@code defaultValue} if absent.
     *
     * @throws BadRequestException for another value
     */
    public boolean bool(String name, boolean defaultValue) {
        Optional<String> v = single(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get()) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new BadRequestException("query parameter '" + name + "' must be true or false, was '"
                    + Text.shorten(v.get()) + "'");
        };
    }
}
