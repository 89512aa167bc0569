package dev.cairn.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.DurableEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console served by the JDK's own HTTP server ({@code com.sun.net.httpserver}), for an application that has no
 * web server of its own, or wants the console on a port apart from it.
 *
 * <pre>{@code
 * try (CairnConsole console = CairnConsole.builder(engine).port(8080).start()) {
 *     System.out.println("console at " + console.url());
 *     ...
 * }
 * }</pre>
 *
 * <p>It listens on 127.0.0.1 unless {@link Builder#bindAddress(String)} says otherwise, and while it listens on a
 * loopback address it answers only requests whose {@code Host} is a loopback name ({@code localhost},
 * {@code 127.0.0.1}, {@code [::1]}) or one of {@link Builder#allowedHosts}: a page of another site that gets its
 * name to resolve to 127.0.0.1 cannot read the console. With {@link Builder#basicAuth} every request needs the user
 * and password. Everything else, read-only by default included, is the {@link ConsoleHandler}'s.
 */
public final class CairnConsole implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final ConsoleHandler handler;
    private final URI url;

    private CairnConsole(HttpServer server, ExecutorService executor, ConsoleHandler handler, URI url) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.url = url;
    }

    /** A builder for a console on this engine: port 8080 on 127.0.0.1, read-only, no login. */
    public static Builder builder(DurableEngine engine) {
        return new Builder(engine);
    }

    /** The console's address, such as {@code http://127.0.0.1:8080/}, with the port it got if it asked for 0. */
    public URI url() {
        return url;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The handler it serves. */
    public ConsoleHandler handler() {
        return handler;
    }

    /** Stops listening, letting requests under way finish for up to a second. Idempotent. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ one exchange

    private static final class Exchanges {
        private final ConsoleHandler handler;
        private final byte[] expectedCredentials;
        private final String user;
        private final boolean checkHost;
        private final Set<String> allowedHosts;

        Exchanges(ConsoleHandler handler, String user, String password, boolean checkHost, Set<String> allowedHosts) {
            this.handler = handler;
            this.user = user;
            this.expectedCredentials = user == null ? null
                    : (user + ":" + password).getBytes(StandardCharsets.UTF_8);
            this.checkHost = checkHost;
            this.allowedHosts = allowedHosts;
        }

        void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                ConsoleResponse response = answer(exchange);
                response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                boolean noBody = exchange.getRequestMethod().equalsIgnoreCase("HEAD") || response.bodyLength() == 0;
                exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.bodyLength());
                if (!noBody) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(response.body());
                    }
                }
            }
        }

        private ConsoleResponse answer(HttpExchange exchange) throws IOException {
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (checkHost && !hostAllowed(host)) {
                return ConsoleHandler.refusal(421, "this console answers only requests addressed to a loopback name"
                        + " (localhost, 127.0.0.1, [::1]) or to one of its allowedHosts", Map.of());
            }
            Principal principal = null;
            if (expectedCredentials != null) {
                if (!credentialsMatch(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    return ConsoleHandler.refusal(401, "this console needs a user and password (HTTP Basic)",
                            Map.of("WWW-Authenticate", "Basic realm=\"Cairn console\", charset=\"UTF-8\""));
                }
                String name = user;
                principal = () -> name;
            }
            byte[] body = readBody(exchange.getRequestBody(), handler.maxBodyBytes());
            if (body == null) {
                return ConsoleHandler.refusal(413, "the body has more than " + handler.maxBodyBytes() + " bytes",
                        Map.of());
            }
            URI uri = exchange.getRequestURI();
            ConsoleRequest.Builder request = ConsoleRequest.builder(exchange.getRequestMethod(),
                            uri.getPath() == null ? "/" : uri.getPath())
                    .query(uri.getRawQuery()).body(body).principal(principal);
            exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
            return handler.handle(request.build());
        }

        private boolean hostAllowed(String host) {
            if (host == null) {
                return false;
            }
            String h = host.trim().toLowerCase(Locale.ROOT);
            int colon = h.lastIndexOf(':');
            if (colon > 0 && h.indexOf(']') < colon) {
                h = h.substring(0, colon);
            }
            return h.equals("localhost") || h.equals("[::1]") || h.matches("127(\\.\\d{1,3}){3}")
                    || allowedHosts.contains(h);
        }

        private boolean credentialsMatch(String authorization) {
            if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                return false;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(authorization.substring(6).trim());
            } catch (IllegalArgumentException e) {
                return false;
            }
            return MessageDigest.isEqual(given, expectedCredentials);
        }

        /** The body, or {@code null} if it has more than {@code max} bytes. */
        private static byte[] readBody(InputStream in, int max) throws IOException {
            byte[] bytes = in.readNBytes(max + 1);
            return bytes.length > max ? null : bytes;
        }
    }

    /** Builds and starts a {@link CairnConsole}. */
    public static final class Builder {
        private final ConsoleHandler.Builder handler;
        private int port = 8080;
        private InetAddress bindAddress;
        private String user;
        private String password;
        private final Set<String> allowedHosts = new TreeSet<>();
        private int threads = 4;

        private Builder(DurableEngine engine) {
            this.handler = ConsoleHandler.builder(engine);
        }

        /**
         * The port; 8080 by default, 0 for any free port ({@link CairnConsole#url()} tells which).
         *
         * @throws IllegalArgumentException if it is not 0 to 65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be from 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address to listen on; {@code 127.0.0.1} by default, so that only this machine reaches the console.
         * {@code "0.0.0.0"} listens on every interface: give the console a login ({@link #basicAuth}) or an
         * {@link #authorizer} then.
         *
         * @throws IllegalArgumentException if it is not an address of this machine's
         */
        public Builder bindAddress(String address) {
            Objects.requireNonNull(address, "address");
            try {
                this.bindAddress = InetAddress.getByName(address);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bindAddress '" + address + "' is not an address", e);
            }
            return this;
        }

        /**
         * Every request needs this user and password (HTTP Basic); the user is the request's
         * {@link ConsoleRequest#principal()}. Basic auth sends the password in clear: use it over loopback, or
         * behind TLS.
         *
         * @throws IllegalArgumentException if the user is empty or has a colon, or the password is empty
         */
        public Builder basicAuth(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("the Basic auth user must be non-empty and have no colon");
            }
            if (password.isEmpty()) {
                throw new IllegalArgumentException("the Basic auth password must not be empty");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /** Host names, besides the loopback ones, that requests may be addressed to while it listens on loopback. */
        public Builder allowedHosts(String... hosts) {
            for (String h : hosts) {
                allowedHosts.add(Objects.requireNonNull(h, "host").toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** @see ConsoleHandler.Builder#actionsEnabled(boolean) */
        public Builder actionsEnabled(boolean actionsEnabled) {
            handler.actionsEnabled(actionsEnabled);
            return this;
        }

        /** @see ConsoleHandler.Builder#authorizer(ConsoleAuthorizer) */
        public Builder authorizer(ConsoleAuthorizer authorizer) {
            handler.authorizer(authorizer);
            return this;
        }

        /** @see ConsoleHandler.Builder#refreshInterval(Duration) */
        public Builder refreshInterval(Duration refreshInterval) {
            handler.refreshInterval(refreshInterval);
            return this;
        }

        /** @see ConsoleHandler.Builder#trustedOrigins(String...) */
        public Builder trustedOrigins(String... origins) {
            handler.trustedOrigins(origins);
            return this;
        }

        /**
         * How many requests are answered at once; 4 by default.
         *
         * @throws IllegalArgumentException if it is under 1
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Starts listening.
         *
         * @throws UncheckedIOException if the port cannot be bound (it is taken, say)
         */
        public CairnConsole start() {
            ConsoleHandler built = handler.build();
            InetAddress address = bindAddress != null ? bindAddress : InetAddress.getLoopbackAddress();
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(address, port), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("the console could not listen on " + address.getHostAddress() + ":"
                        + port + ": " + e.getMessage(), e);
            }
            AtomicInteger n = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "cairn-console-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            Exchanges exchanges = new Exchanges(built, user, password, address.isLoopbackAddress(),
                    Set.copyOf(allowedHosts));
            server.createContext("/", exchanges::handle);
            server.setExecutor(executor);
            server.start();
            int bound = server.getAddress().getPort();
            String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
            if (host.indexOf(':') >= 0) {
                host = "[" + host + "]";
            }
            URI url = URI.create("http://" + host + ":" + bound + "/");
            return new CairnConsole(server, executor, built, url);
        }
    }
}
