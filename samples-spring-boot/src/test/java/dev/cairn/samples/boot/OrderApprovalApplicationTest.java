package dev.cairn.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The sample as a client sees it: over HTTP, on a random port, with its embedded H2 file in a fresh directory. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderApprovalApplicationTest {

    @DynamicPropertySource
    static void freshDatabase(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("cairn-orders-test");
        registry.add("cairn.jdbc.embedded-directory", dir::toString);
        registry.add("cairn.tick", () -> "10ms");
        registry.add("cairn.poll-interval", () -> "100ms");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = JsonMapper.builder().build();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode order(String id) throws Exception {
        HttpResponse<String> r = get("/orders/" + id);
        assertThat(r.statusCode()).isEqualTo(200);
        return json.readTree(r.body());
    }

    @Test
    void anOrderWaitsForItsApprovalWhichARestCallCompletes() throws Exception {
        HttpResponse<String> placed = post("/orders", Map.of("customer", "Ada", "item", "espresso machine", "quantity", 2));
        assertThat(placed.statusCode()).isEqualTo(202);
        String orderId = json.readTree(placed.body()).get("orderId").asString();
        assertThat(placed.headers().firstValue("Location")).hasValue("/orders/" + orderId);

        JsonNode waiting = await().atMost(Duration.ofSeconds(20)).until(() -> order(orderId),
                o -> o.get("status").asString().equals("WAITING_FOR_APPROVAL"));
        List<JsonNode> pending = waiting.get("pendingApprovals").valueStream().toList();
        assertThat(pending).hasSize(1);
        String callbackId = pending.get(0).asString();

        HttpResponse<String> decided = post("/approvals/" + callbackId,
                Map.of("approve", true, "approver", "Grace", "comment", "fine"));
        assertThat(decided.statusCode()).isEqualTo(202);

        JsonNode done = await().atMost(Duration.ofSeconds(20)).until(() -> order(orderId),
                o -> o.get("status").asString().equals("APPROVED"));
        assertThat(done.get("outcome").get("decidedBy").asString()).isEqualTo("Grace");
        assertThat(done.get("outcome").get("payment").asString()).isEqualTo("payment for Ada, 2 x espresso machine");

        // A second answer is refused: the first one stands.
        assertThat(post("/approvals/" + callbackId, Map.of("approve", false, "approver", "Linus", "comment", "no"))
                .statusCode()).isEqualTo(409);
        assertThat(post("/approvals/not-a-callback", Map.of("approve", true, "approver", "x", "comment", "y"))
                .statusCode()).isEqualTo(404);
        assertThat(get("/orders/not-an-order").statusCode()).isEqualTo(404);

        // The console, mounted by the starter, lists the execution and serves its page.
        HttpResponse<String> listing = get("/cairn/api/executions");
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(json.readTree(listing.body()).get("items").valueStream()
                .map(e -> e.get("id").asString())).contains(orderId);
        HttpResponse<String> page = get("/cairn/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).containsIgnoringCase("cairn");
    }

    @Test
    void aRejectedOrderReleasesItsStock() throws Exception {
        String orderId = json.readTree(post("/orders", Map.of("customer", "Linus", "item", "kettle", "quantity", 1))
                .body()).get("orderId").asString();
        String callbackId = await().atMost(Duration.ofSeconds(20)).until(() -> order(orderId),
                o -> o.get("pendingApprovals").size() == 1).get("pendingApprovals").get(0).asString();
        post("/approvals/" + callbackId, Map.of("approve", false, "approver", "Grace", "comment", "over budget"));
        JsonNode done = await().atMost(Duration.ofSeconds(20)).until(() -> order(orderId),
                o -> o.get("status").asString().equals("REJECTED"));
        assertThat(done.get("outcome").get("reservation").asString()).isEqualTo("released: reserved 1 x kettle");
        assertThat(done.get("outcome").get("comment").asString()).isEqualTo("over budget");
    }

    @Test
    void aBadOrderIsRefused() throws Exception {
        assertThat(post("/orders", Map.of("customer", "Ada", "item", "kettle", "quantity", 0)).statusCode())
                .isEqualTo(400);
    }

    @Test
    void theActuatorShowsCairnsHealthAndTheMetrics() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(health.body());
        assertThat(body.get("status").asString()).isEqualTo("UP");
        assertThat(body.get("components").get("cairn").get("status").asString()).isEqualTo("UP");
        assertThat(body.get("components").get("cairn").get("details").get("store").asString()).isEqualTo("reachable");

        HttpResponse<String> metrics = get("/actuator/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(json.readTree(metrics.body()).get("names").valueStream().map(JsonNode::asString))
                .contains("jvm.memory.used", "cairn.executions.stored", "cairn.timers.pending");
        HttpResponse<String> stored = get("/actuator/metrics/cairn.executions.stored");
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(json.readTree(stored.body()).get("availableTags").toString()).contains("SUSPENDED", "SUCCEEDED");
    }
}
