package dev.cairn.console;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request to the console, as an adapter hands it to {@link ConsoleHandler#handle}: independent of the server
 * it came through.
 *
 * <p>The path is relative to the console's root and decoded: {@code "/"} for the page, {@code "/api/stats"} for the
 * counts, whatever prefix the console is mounted under. Header names are case-insensitive.
 */
public final class ConsoleRequest {

    private final String method;
    private final String path;
    private final String rawQuery;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final Principal principal;

    private ConsoleRequest(Builder b) {
        this.method = b.method.toUpperCase(Locale.ROOT);
        this.path = b.path.isEmpty() ? "/" : b.path;
        this.rawQuery = b.rawQuery;
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        b.headers.forEach((name, values) -> h.put(name, List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(h);
        this.body = b.body;
        this.principal = b.principal;
    }

    /**
     * A builder.
     *
     * @param method the HTTP method, such as {@code "GET"}
     * @param path   the decoded path below the console's root, starting with {@code /}
     * @throws IllegalArgumentException if the path does not start with {@code /}
     */
    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /** The HTTP method, in upper case. */
    public String method() {
        return method;
    }

    /** The decoded path below the console's root, starting with {@code /}. */
    public String path() {
        return path;
    }

    /** The query string as it was sent (still percent-encoded), without the {@code ?}, or {@code null}. */
    public String rawQuery() {
        return rawQuery;
    }

    /** Every header, by case-insensitive name. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header, if the request has it. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body; empty if there is none. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Who sent the request, as the server authenticated them (Basic auth, the servlet container), if known. */
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery == null ? "" : "?" + rawQuery);
    }

    /** Builds a {@link ConsoleRequest}. */
    public static final class Builder {
        private final String method;
        private final String path;
        private String rawQuery;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body = new byte[0];
        private Principal principal;

        private Builder(String method, String path) {
            this.method = Objects.requireNonNull(method, "method");
            this.path = Objects.requireNonNull(path, "path");
            if (!path.isEmpty() && !path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
            }
        }

        /** The raw query string, without the {@code ?}; {@code null} for none. */
        public Builder query(String rawQuery) {
            this.rawQuery = rawQuery == null || rawQuery.isEmpty() ? null : rawQuery;
            return this;
        }

        /** Adds a value of a header. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        /** The body. */
        public Builder body(byte[] body) {
            this.body = Objects.requireNonNull(body, "body").clone();
            return this;
        }

        /** The body, as UTF-8 text. */
        public Builder body(String body) {
            return body(Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8));
        }

        /** Who sent it, if the server authenticated them. */
        public Builder principal(Principal principal) {
            this.principal = principal;
            return this;
        }

        /** Builds the request. */
        public ConsoleRequest build() {
            return new ConsoleRequest(this);
        }
    }
}
