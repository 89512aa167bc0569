package dev.cairn.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.DurableEngine;
import dev.cairn.EngineClosedException;
import dev.cairn.ExecutionStatus;
import dev.cairn.HistoryOptions;
import dev.cairn.SerializationException;
import dev.cairn.UnknownCallbackException;
import dev.cairn.UnknownExecutionException;
import dev.cairn.console.internal.BadRequestException;
import dev.cairn.console.internal.ExecutionQueryParameters;
import dev.cairn.console.internal.Json;
import dev.cairn.console.internal.JsonViews;
import dev.cairn.console.internal.PageResources;
import dev.cairn.console.internal.QueryParameters;
import dev.cairn.console.internal.SameOrigin;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console, independent of any server: it takes a {@link ConsoleRequest} and answers a {@link ConsoleResponse}.
 * {@link CairnConsole} serves it on the JDK's HTTP server, {@link CairnConsoleServlet} in a servlet container; any
 * other server can call {@link #handle} the same way.
 *
 * <p>Below the console's root it serves the page ({@code /}, {@code /console.js}, {@code /console.css}) and a JSON
 * API:
 * <table>
 *   <caption>The console's API</caption>
 *   <tr><th>request</th><th>answer</th></tr>
 *   <tr><td>{@code GET api/executions}</td><td>a page of executions, newest first; query parameters
 *   {@code function}, {@code status} (repeatable, or comma-separated), {@code namePrefix}, {@code createdAfter},
 *   {@code createdBefore} (ISO-8601 instants), {@code parentId}, {@code limit}, {@code cursor} (the page's
 *   {@code nextCursor})</td></tr>
 *   <tr><td>{@code GET api/executions/{id}}</td><td>the execution with its operations and callbacks;
 *   {@code ?includeData=true} adds its input, result, operation results and stack traces</td></tr>
 *   <tr><td>{@code GET api/executions/{id}/history}</td><td>its events in order; {@code ?includeData=true} adds
 *   payloads</td></tr>
 *   <tr><td>{@code GET api/stats}</td><td>how many executions there are in each status</td></tr>
 *   <tr><td>{@code GET api/console}</td><td>whether actions are enabled, and the page's refresh interval</td></tr>
 *   <tr><td>{@code POST api/executions/{id}/cancel}</td><td>cancels it; optional body {@code {"reason": "..."}}</td></tr>
 *   <tr><td>{@code POST api/callbacks/{id}/complete}</td><td>completes the callback; the body is its result, as
 *   JSON; with {@code ?raw=true}, the body is stored as given, for a callback whose operation reads its result with
 *   a serializer of its own ({@link DurableEngine#completeCallbackRaw})</td></tr>
 *   <tr><td>{@code POST api/callbacks/{id}/fail}</td><td>fails it; body {@code {"type": "...", "message": "..."}}</td></tr>
 * </table>
 * A bad parameter or body is answered with 400, an unknown execution or callback with 404, a callback already
 * completed with 409, another method than the path's with 405, a refused request with 403; each with a JSON body
 * {@code {status, error, message}}.
 *
 * <p>Safe by default:
 * <ul>
 *   <li>read-only: the actions answer 403 unless {@link Builder#actionsEnabled(boolean) actionsEnabled(true)};</li>
 *   <li>an action needs the header {@value #ACTION_HEADER}{@code : 1}, which a page of another site cannot send
 *   without the console's consent (which it never gives), and an {@code Origin}, when there is one, that is the
 *   request's {@code Host}: no cross-site request forgery;</li>
 *   <li>the {@link ConsoleAuthorizer} decides on every request it routes;</li>
 *   <li>every answer carries a Content-Security-Policy that allows only the console's own script and style sheet
 *   (no inline script), forbids framing, and {@code X-Content-Type-Options: nosniff}; API answers are not cached;
 *   JSON escapes {@code <}, {@code >}, {@code &} and {@code '}, and the page shows every payload and error as
 *   text.</li>
 * </ul>
 *
 * <p>Instances are immutable and safe to use from many threads.
 */
public final class ConsoleHandler {

    /** The header an action must carry, with the value {@code 1}. */
    public static final String ACTION_HEADER = "X-Cairn-Console";

    /** The Content-Security-Policy of every answer. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Logger log = LoggerFactory.getLogger(ConsoleHandler.class);
    private static final Set<String> INCLUDE_DATA = Set.of("includeData");
    private static final Set<String> RAW = Set.of("raw");

    private final DurableEngine engine;
    private final boolean actionsEnabled;
    private final ConsoleAuthorizer authorizer;
    private final Duration refreshInterval;
    private final Set<String> trustedOrigins;
    private final int maxBodyBytes;
    private final PageResources page;

    private ConsoleHandler(Builder b) {
        this.engine = b.engine;
        this.actionsEnabled = b.actionsEnabled;
        this.authorizer = b.authorizer;
        this.refreshInterval = b.refreshInterval;
        this.trustedOrigins = Set.copyOf(b.trustedOrigins);
        this.maxBodyBytes = b.maxBodyBytes;
        this.page = PageResources.load();
    }

    /** A builder for a console on this engine: read-only, every request authorized, refresh every 3 s. */
    public static Builder builder(DurableEngine engine) {
        return new Builder(engine);
    }

    /** Whether the actions (cancel, complete and fail a callback) are enabled. */
    public boolean actionsEnabled() {
        return actionsEnabled;
    }

    /** The largest request body accepted; an adapter need not read more than one byte beyond it. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Answers a request. Never throws for anything the request or the engine does: failures are answered with
     * their status and a JSON message.
     */
    public ConsoleResponse handle(ConsoleRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            return route(request);
        } catch (BadRequestException | IllegalArgumentException | SerializationException e) {
            return problem(400, "bad_request", e.getMessage());
        } catch (UnknownExecutionException | UnknownCallbackException e) {
            return problem(404, "not_found", e.getMessage());
        } catch (CallbackAlreadyCompletedException e) {
            return problem(409, "conflict", e.getMessage());
        } catch (EngineClosedException e) {
            return problem(503, "unavailable", e.getMessage());
        } catch (RuntimeException e) {
            log.error("the console could not answer {}", request, e);
            return problem(500, "internal_error", "the console could not answer this request ("
                    + e.getClass().getSimpleName() + "); the application's log has the details");
        }
    }

    // ------------------------------------------------------------------ routing

    /** What a path leads to: the one method it takes, whether it changes something, and what it does. */
    private record Endpoint(String method, ConsoleAccess access, Function<ConsoleRequest, ConsoleResponse> action) {
    }

    private ConsoleResponse route(ConsoleRequest request) {
        String path = request.path();
        Endpoint endpoint = endpoint(path);
        if (endpoint == null) {
            return problem(404, "not_found", "nothing is served at '" + shorten(path) + "' below the console's root;"
                    + " the API is under api/ (api/executions, api/stats)");
        }
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        if (!method.equals(endpoint.method())) {
            Map<String, String> allow = Map.of("Allow", endpoint.method().equals("GET") ? "GET, HEAD" : "POST");
            return withHeaders(problem(405, "method_not_allowed", request.method() + " is not allowed on '"
                    + shorten(path) + "'; use " + endpoint.method()), allow);
        }
        if (endpoint.access() == ConsoleAccess.ACTION) {
            Optional<String> refusal = actionRefusal(request);
            if (refusal.isPresent()) {
                return problem(403, "forbidden", refusal.get());
            }
        }
        if (!authorizer.allows(request, endpoint.access())) {
            return problem(403, "forbidden", "the application's console authorizer refused this request"
                    + (endpoint.access() == ConsoleAccess.ACTION ? " (an action)" : ""));
        }
        if (request.body().length > maxBodyBytes) {
            return problem(413, "payload_too_large", "the body has more than " + maxBodyBytes + " bytes");
        }
        return endpoint.action().apply(request);
    }

    private Endpoint endpoint(String path) {
        PageResources.Resource resource = page.at(path);
        if (resource != null) {
            return new Endpoint("GET", ConsoleAccess.READ, r -> file(resource));
        }
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] s = Arrays.stream(trimmed.split("/")).skip(1).toArray(String[]::new);
        if (s.length < 2 || !s[0].equals("api") || Arrays.stream(s).anyMatch(String::isEmpty)) {
            return null;
        }
        if (s.length == 2) {
            return switch (s[1]) {
                case "executions" -> new Endpoint("GET", ConsoleAccess.READ, this::list);
                case "stats" -> new Endpoint("GET", ConsoleAccess.READ, this::stats);
                case "console" -> new Endpoint("GET", ConsoleAccess.READ, this::settings);
                default -> null;
            };
        }
        String id = s[2];
        if (s[1].equals("executions")) {
            if (s.length == 3) {
                return new Endpoint("GET", ConsoleAccess.READ, r -> describe(r, id));
            }
            if (s.length == 4 && s[3].equals("history")) {
                return new Endpoint("GET", ConsoleAccess.READ, r -> history(r, id));
            }
            if (s.length == 4 && s[3].equals("cancel")) {
                return new Endpoint("POST", ConsoleAccess.ACTION, r -> cancel(r, id));
            }
        }
        if (s[1].equals("callbacks") && s.length == 4) {
            if (s[3].equals("complete")) {
                return new Endpoint("POST", ConsoleAccess.ACTION, r -> complete(r, id));
            }
            if (s[3].equals("fail")) {
                return new Endpoint("POST", ConsoleAccess.ACTION, r -> fail(r, id));
            }
        }
        return null;
    }

    private Optional<String> actionRefusal(ConsoleRequest request) {
        if (!actionsEnabled) {
            return Optional.of("the console is read-only: actions (cancel, complete or fail a callback) are enabled"
                    + " with actionsEnabled(true) on its builder");
        }
        if (!request.header(ACTION_HEADER).map(v -> v.trim().equals("1")).orElse(false)) {
            return Optional.of("an action needs the header " + ACTION_HEADER + ": 1 (the console's page sends it;"
                    + " a form or a page of another site cannot)");
        }
        if (request.header("Sec-Fetch-Site").map(v -> v.trim().equalsIgnoreCase("cross-site")).orElse(false)) {
            return Optional.of("the request was sent by a page of another site (Sec-Fetch-Site: cross-site)");
        }
        return SameOrigin.refusal(request.header("Origin"), request.header("Host"), trustedOrigins);
    }

    // ------------------------------------------------------------------ reads

    private ConsoleResponse list(ConsoleRequest r) {
        return json(200, JsonViews.page(engine.listExecutions(ExecutionQueryParameters.parse(r.rawQuery()))));
    }

    private ConsoleResponse stats(ConsoleRequest r) {
        QueryParameters.parse(r.rawQuery(), Set.of());
        return json(200, JsonViews.stats(engine.countByStatus()));
    }

    private ConsoleResponse settings(ConsoleRequest r) {
        QueryParameters.parse(r.rawQuery(), Set.of());
        ObjectNode root = Json.object();
        root.put("actionsEnabled", actionsEnabled);
        root.put("refreshMillis", refreshInterval.toMillis());
        return json(200, root);
    }

    private ConsoleResponse describe(ConsoleRequest r, String id) {
        boolean data = QueryParameters.parse(r.rawQuery(), INCLUDE_DATA).bool("includeData", false);
        return json(200, JsonViews.description(engine.describe(id), data));
    }

    private ConsoleResponse history(ConsoleRequest r, String id) {
        boolean data = QueryParameters.parse(r.rawQuery(), INCLUDE_DATA).bool("includeData", false);
        return json(200, JsonViews.history(id, engine.history(id, new HistoryOptions(data))));
    }

    // ------------------------------------------------------------------ actions

    private ConsoleResponse cancel(ConsoleRequest r, String id) {
        QueryParameters.parse(r.rawQuery(), Set.of());
        String reason = null;
        if (!r.bodyText().isBlank()) {
            JsonNode given = Json.readObject(r.bodyText()).get("reason");
            if (given != null && !given.isNull()) {
                if (!given.isTextual()) {
                    throw new BadRequestException("reason must be a string");
                }
                reason = given.asText();
            }
        }
        if (reason == null || reason.isBlank()) {
            reason = "cancelled from the console" + r.principal().map(p -> " by " + p.getName()).orElse("");
        }
        ExecutionStatus status = engine.cancel(id, reason);
        ObjectNode root = Json.object();
        root.put("executionId", id);
        root.put("status", status.name());
        return json(200, root);
    }

    private ConsoleResponse complete(ConsoleRequest r, String callbackId) {
        boolean raw = QueryParameters.parse(r.rawQuery(), RAW).bool("raw", false);
        if (raw) {
            // Stored as given, for a callback whose operation reads its result with a serializer of its own.
            engine.completeCallbackRaw(callbackId, r.bodyText());
            return callbackDone(callbackId, "SUCCEEDED");
        }
        if (r.bodyText().isBlank()) {
            throw new BadRequestException("the body must be the callback's result as JSON (such as \"approved\" or"
                    + " {\"approve\": true}); it is empty");
        }
        engine.completeCallback(callbackId, Json.readValue(r.bodyText()));
        return callbackDone(callbackId, "SUCCEEDED");
    }

    private ConsoleResponse fail(ConsoleRequest r, String callbackId) {
        QueryParameters.parse(r.rawQuery(), Set.of());
        ObjectNode body = Json.readObject(r.bodyText().isBlank() ? "{}" : r.bodyText());
        JsonNode type = body.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new BadRequestException("the body must be {\"type\": \"...\", \"message\": \"...\"} with a"
                    + " non-blank type: the error type the workflow sees");
        }
        JsonNode message = body.get("message");
        if (message != null && !message.isNull() && !message.isTextual()) {
            throw new BadRequestException("message must be a string");
        }
        engine.failCallback(callbackId, type.asText(), message == null || message.isNull() ? null : message.asText());
        return callbackDone(callbackId, "FAILED");
    }

    private static ConsoleResponse callbackDone(String callbackId, String status) {
        ObjectNode root = Json.object();
        root.put("callbackId", callbackId);
        root.put("status", status);
        return json(200, root);
    }

    // ------------------------------------------------------------------ answers

    private static ConsoleResponse file(PageResources.Resource resource) {
        Map<String, String> headers = securityHeaders();
        headers.put("Content-Type", resource.contentType());
        headers.put("Cache-Control", "no-cache");
        return new ConsoleResponse(200, headers, resource.bytes());
    }

    private static ConsoleResponse json(int status, JsonNode body) {
        Map<String, String> headers = securityHeaders();
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("Cache-Control", "no-store");
        return new ConsoleResponse(status, headers, Json.bytes(body));
    }

    private static ConsoleResponse problem(int status, String error, String message) {
        return json(status, JsonViews.problem(status, error, message));
    }

    private static ConsoleResponse withHeaders(ConsoleResponse response, Map<String, String> more) {
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.putAll(more);
        return new ConsoleResponse(response.status(), headers, response.body());
    }

    /**
     * An answer for a request an adapter refuses before it reaches the handler (a failed login, a body too large),
     * with the console's security headers and a JSON message.
     *
     * @param status       the status
     * @param message      what is wrong
     * @param extraHeaders headers to add, such as {@code WWW-Authenticate}
     */
    public static ConsoleResponse refusal(int status, String message, Map<String, String> extraHeaders) {
        String error = switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 413 -> "payload_too_large";
            case 421 -> "misdirected_request";
            default -> "refused";
        };
        return withHeaders(problem(status, error, message), extraHeaders);
    }

    private static Map<String, String> securityHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        return h;
    }

    private static String shorten(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** Builds a {@link ConsoleHandler}. */
    public static final class Builder {
        private final DurableEngine engine;
        private boolean actionsEnabled;
        private ConsoleAuthorizer authorizer = ConsoleAuthorizer.ALLOW_ALL;
        private Duration refreshInterval = Duration.ofSeconds(3);
        private final Set<String> trustedOrigins = new TreeSet<>();
        private int maxBodyBytes = 1024 * 1024;

        private Builder(DurableEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /**
         * Whether the console may cancel executions and complete or fail callbacks; {@code false} (read-only) by
         * default.
         */
        public Builder actionsEnabled(boolean actionsEnabled) {
            this.actionsEnabled = actionsEnabled;
            return this;
        }

        /** The application's rule for who may read and who may act; by default everyone may. */
        public Builder authorizer(ConsoleAuthorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /**
         * How often the page reloads what it shows; 3 s by default.
         *
         * @throws IllegalArgumentException if it is under 500 ms or over an hour
         */
        public Builder refreshInterval(Duration refreshInterval) {
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            if (refreshInterval.compareTo(Duration.ofMillis(500)) < 0 || refreshInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("refreshInterval must be from 500 ms to 1 hour, was "
                        + refreshInterval);
            }
            this.refreshInterval = refreshInterval;
            return this;
        }

        /**
         * Origins whose pages may take actions although they are not the request's {@code Host}: the public origin
         * of a console behind a proxy that rewrites {@code Host}, such as {@code https://ops.example.com}.
         *
         * @throws IllegalArgumentException if one is not {@code scheme://host[:port]}
         */
        public Builder trustedOrigins(String... origins) {
            for (String origin : origins) {
                Objects.requireNonNull(origin, "origin");
                if (!origin.matches("https?://[^/?#\\s]+")) {
                    throw new IllegalArgumentException("a trusted origin is scheme://host[:port] with no path, such"
                            + " as https://ops.example.com; was '" + origin + "'");
                }
                trustedOrigins.add(origin.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * The largest request body accepted, in bytes; 1 MiB by default. Larger ones are answered with 413.
         *
         * @throws IllegalArgumentException if it is under 1 KiB
         */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1024, was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Builds the handler, reading the page's files from the jar. */
        public ConsoleHandler build() {
            return new ConsoleHandler(this);
        }
    }
}
