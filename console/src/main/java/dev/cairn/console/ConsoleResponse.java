package dev.cairn.console;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ConsoleHandler#handle} answers: a status, headers (security headers included) and a body, for an
 * adapter to write to its server's response as they are.
 */
public final class ConsoleResponse {

    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    /**
     * @param status  the HTTP status code
     * @param headers the headers, by name, in the order they are to be sent
     * @param body    the body, possibly empty
     */
    public ConsoleResponse(int status, Map<String, String> headers, byte[] body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status code (100 to 599), was " + status);
        }
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
        this.body = Objects.requireNonNull(body, "body").clone();
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The headers, in the order they are to be sent. */
    public Map<String, String> headers() {
        return headers;
    }

    /** A header's value, looked up without regard to case. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst();
    }

    /** The body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body's length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    @Override
    public String toString() {
        return status + " " + header("Content-Type").orElse("") + " (" + body.length + " bytes)";
    }
}
