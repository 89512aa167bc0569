package dev.cairn.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackDescription;
import dev.cairn.ExecutionHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link CairnConsole}: the console on the JDK's HTTP server, over real HTTP on a free port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHttpServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Workflows workflows;

    @BeforeAll
    void startEngine() {
        workflows = new Workflows();
    }

    @AfterAll
    void closeEngine() {
        workflows.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void portZeroListensOnAFreeLoopbackPortAndUrlSaysWhich() {
        try (CairnConsole console = CairnConsole.builder(workflows.engine).port(0).start()) {
            assertEquals("127.0.0.1", console.url().getHost());
            assertTrue(console.port() > 0);
            assertEquals(console.port(), console.url().getPort());
            HttpResponse<String> page = send(HttpRequest.newBuilder(console.url()));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>Cairn console</title>"), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
            HttpResponse<String> stats = send(HttpRequest.newBuilder(console.url().resolve("api/stats")));
            assertEquals(200, stats.statusCode());
            assertEquals("no-store", stats.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals(404, send(HttpRequest.newBuilder(console.url().resolve("api/executions/none"))).statusCode());
        }
    }

    @Test
    void aPortInUseIsReportedWhenStarting() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> CairnConsole.builder(workflows.engine).port(taken.getLocalPort()).start());
            assertTrue(e.getMessage().contains("could not listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void basicAuthRefusesRequestsWithoutTheUserAndPassword() {
        List<String> principals = new CopyOnWriteArrayList<>();
        try (CairnConsole console = CairnConsole.builder(workflows.engine).port(0).basicAuth("ops", "s3cret")
                .authorizer((request, access) -> {
                    principals.add(request.principal().map(p -> p.getName()).orElse("nobody"));
                    return true;
                }).start()) {
            URI stats = console.url().resolve("api/stats");
            HttpResponse<String> none = send(HttpRequest.newBuilder(stats));
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic realm="));
            assertTrue(none.body().contains("needs a user and password"), none.body());
            assertEquals(401, send(HttpRequest.newBuilder(stats).header("Authorization", basic("ops", "wrong")))
                    .statusCode());
            assertEquals(401, send(HttpRequest.newBuilder(stats).header("Authorization", "Basic ###")).statusCode());
            assertEquals(401, send(HttpRequest.newBuilder(console.url()).header("Authorization", basic("ops", "wrong")))
                    .statusCode(), "the page too");
            assertEquals(List.of(), principals, "refused before the console's handler");

            HttpResponse<String> ok = send(HttpRequest.newBuilder(stats).header("Authorization", basic("ops", "s3cret")));
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(List.of("ops"), principals);
        }
    }

    @Test
    void actionsOverHttpNeedTheHeaderAndAMatchingOrigin() {
        ExecutionHandle<String> order = workflows.order("book", "order-http");
        CallbackDescription callback = workflows.awaitPendingCallback(order);
        try (CairnConsole console = CairnConsole.builder(workflows.engine).port(0).actionsEnabled(true).start()) {
            URI complete = console.url().resolve("api/callbacks/" + callback.id() + "/complete");
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("\"approved\"");
            assertEquals(403, send(HttpRequest.newBuilder(complete).POST(body)).statusCode(), "no header");
            assertEquals(403, send(HttpRequest.newBuilder(complete).POST(body).header("X-Cairn-Console", "1")
                    .header("Origin", "http://attacker.example")).statusCode(), "foreign origin");
            String origin = "http://127.0.0.1:" + console.port();
            HttpResponse<String> ok = send(HttpRequest.newBuilder(complete).POST(body).header("X-Cairn-Console", "1")
                    .header("Origin", origin).header("Content-Type", "application/json"));
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("reserved book, charged for book, approved", order.result(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aBodyLargerThanTheLimitIs413() {
        try (CairnConsole console = CairnConsole.builder(workflows.engine).port(0).actionsEnabled(true).start()) {
            String big = "\"" + "x".repeat(1024 * 1024 + 10) + "\"";
            HttpResponse<String> r = send(HttpRequest.newBuilder(console.url().resolve("api/callbacks/x/complete"))
                    .POST(HttpRequest.BodyPublishers.ofString(big)).header("X-Cairn-Console", "1"));
            assertEquals(413, r.statusCode(), r.body());
        }
    }

    @Test
    void onLoopbackARequestAddressedToAnotherHostIsRefused() throws IOException {
        try (CairnConsole console = CairnConsole.builder(workflows.engine).port(0).allowedHosts("console.internal")
                .start()) {
            assertTrue(rawGet(console.port(), "rebinding.example:" + console.port()).startsWith("HTTP/1.1 421"));
            assertTrue(rawGet(console.port(), "localhost:" + console.port()).startsWith("HTTP/1.1 200"));
            assertTrue(rawGet(console.port(), "console.internal").startsWith("HTTP/1.1 200"));
        }
    }

    /** A GET of api/stats with the given Host header, which HttpClient does not let a caller set. */
    private static String rawGet(int port, String host) throws IOException {
        try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/stats HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void builderRefusesBadSettings() {
        CairnConsole.Builder b = CairnConsole.builder(workflows.engine);
        assertThrows(IllegalArgumentException.class, () -> b.port(70_000));
        assertThrows(IllegalArgumentException.class, () -> b.basicAuth("a:b", "pw"));
        assertThrows(IllegalArgumentException.class, () -> b.basicAuth("ops", ""));
        assertThrows(IllegalArgumentException.class, () -> b.threads(0));
        assertThrows(IllegalArgumentException.class, () -> b.trustedOrigins("https://ops.example.com/path"));
        assertThrows(IllegalArgumentException.class, () -> b.refreshInterval(Duration.ofMillis(10)));
    }
}
