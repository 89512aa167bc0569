package dev.cairn.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.CallbackDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The console's JSON API, through the framework-neutral {@link ConsoleHandler}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Workflows workflows;
    private ConsoleHandler readOnly;
    private ConsoleHandler withActions;
    private String greetingId;
    private String brokenId;

    @BeforeAll
    void startExecutions() {
        workflows = new Workflows();
        readOnly = ConsoleHandler.builder(workflows.engine).build();
        withActions = ConsoleHandler.builder(workflows.engine).actionsEnabled(true).build();
        ExecutionHandle<String> greeting = workflows.greeting("ada");
        greeting.result(Duration.ofSeconds(10));
        greetingId = greeting.executionId();
        ExecutionHandle<String> broken = workflows.broken("bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> broken.status() == ExecutionStatus.FAILED);
        brokenId = broken.executionId();
    }

    @AfterAll
    void closeEngine() {
        workflows.close();
    }

    private static ConsoleResponse get(ConsoleHandler handler, String path, String query) {
        return handler.handle(ConsoleRequest.builder("GET", path).query(query).build());
    }

    private static ConsoleRequest.Builder post(String path, String body) {
        return ConsoleRequest.builder("POST", path).header("Host", "127.0.0.1:8080")
                .header(ConsoleHandler.ACTION_HEADER, "1").body(body);
    }

    private static JsonNode json(ConsoleResponse r) {
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"), r.toString());
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertProblem(int status, String messagePart, ConsoleResponse r) {
        JsonNode body = json(r);
        assertEquals(status, r.status(), body.toString());
        assertEquals(status, body.get("status").asInt());
        assertTrue(body.get("message").asText().contains(messagePart),
                "message '" + body.get("message").asText() + "' should contain '" + messagePart + "'");
    }

    private static List<String> ids(JsonNode page) {
        return StreamSupport.stream(page.get("items").spliterator(), false).map(i -> i.get("id").asText()).toList();
    }

    // ------------------------------------------------------------------ reads

    @Test
    void listsExecutionsNewestFirstWithEveryFilterAsAQueryParameter() {
        JsonNode all = json(get(readOnly, "/api/executions", null));
        List<String> allIds = ids(all);
        assertTrue(allIds.containsAll(List.of(greetingId, brokenId)), allIds.toString());

        JsonNode failed = json(get(readOnly, "/api/executions", "status=FAILED"));
        assertEquals(List.of(brokenId), ids(failed));
        assertEquals("dev.cairn.StepFailedException", failed.get("items").get(0).get("errorType").asText());

        JsonNode both = json(get(readOnly, "/api/executions", "status=failed,SUCCEEDED&function=greeting"));
        assertEquals(List.of(greetingId), ids(both));
        JsonNode repeated = json(get(readOnly, "/api/executions", "status=FAILED&status=SUCCEEDED&function=broken"));
        assertEquals(List.of(brokenId), ids(repeated));

        String created = json(get(readOnly, "/api/executions/" + greetingId, null)).get("createdAt").asText();
        JsonNode window = json(get(readOnly, "/api/executions", "function=greeting&createdAfter=" + created
                + "&createdBefore=2999-01-01T00:00:00Z"));
        assertEquals(List.of(greetingId), ids(window));
        assertEquals(List.of(), ids(json(get(readOnly, "/api/executions", "createdBefore=2000-01-01T00:00:00Z"))));
        assertEquals(List.of(), ids(json(get(readOnly, "/api/executions", "namePrefix=nobody-"))));
        assertEquals(List.of(), ids(json(get(readOnly, "/api/executions", "parentId=" + greetingId))));
    }

    @Test
    void pagesFollowEachOtherByCursor() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json(get(readOnly, "/api/executions", "limit=1" + (cursor == null ? "" : "&cursor=" + cursor)));
            seen.addAll(ids(page));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 100);
        assertEquals(Set.copyOf(ids(json(get(readOnly, "/api/executions", "limit=1000")))), Set.copyOf(seen));
        assertEquals(seen.size(), Set.copyOf(seen).size(), "no execution listed twice: " + seen);
    }

    @Test
    void badParametersAreAnswered400WithAMessageThatSaysWhatIsWrong() {
        assertProblem(400, "status 'DONE' is not one of", get(readOnly, "/api/executions", "status=DONE"));
        assertProblem(400, "limit must be a whole number", get(readOnly, "/api/executions", "limit=many"));
        assertProblem(400, "limit must be between 1 and 1000", get(readOnly, "/api/executions", "limit=5000"));
        assertProblem(400, "createdAfter must be an ISO-8601 instant",
                get(readOnly, "/api/executions", "createdAfter=yesterday"));
        assertProblem(400, "createdBefore", get(readOnly, "/api/executions",
                "createdAfter=2025-01-02T00:00:00Z&createdBefore=2025-01-01T00:00:00Z"));
        assertProblem(400, "not a cursor", get(readOnly, "/api/executions", "cursor=%21%21"));
        assertProblem(400, "unknown query parameter 'stauts'", get(readOnly, "/api/executions", "stauts=FAILED"));
        assertProblem(400, "given 2 times", get(readOnly, "/api/executions", "limit=1&limit=2"));
        assertProblem(400, "'includeData' must be true or false",
                get(readOnly, "/api/executions/" + greetingId + "/history", "includeData=yes"));
        assertProblem(400, "blank", get(readOnly, "/api/executions", "function=%20"));
    }

    @Test
    void countsEveryStatus() {
        JsonNode stats = json(get(readOnly, "/api/stats", null));
        for (ExecutionStatus s : ExecutionStatus.values()) {
            assertTrue(stats.get("counts").has(s.name()), s.name());
        }
        assertTrue(stats.get("counts").get("SUCCEEDED").asLong() >= 1);
        assertTrue(stats.get("counts").get("FAILED").asLong() >= 1);
        long sum = 0;
        for (ExecutionStatus s : ExecutionStatus.values()) {
            sum += stats.get("counts").get(s.name()).asLong();
        }
        assertEquals(sum, stats.get("total").asLong());
    }

    @Test
    void describesAnExecutionWithItsOperationsAndPayloadsOnlyWhenAsked() {
        JsonNode plain = json(get(readOnly, "/api/executions/" + greetingId, null));
        assertEquals("SUCCEEDED", plain.get("status").asText());
        assertEquals("greeting", plain.get("function").asText());
        assertEquals("greet", plain.get("operations").get(0).get("name").asText());
        assertFalse(plain.has("result"), "no payload without includeData");
        assertFalse(plain.get("operations").get(0).has("result"));

        JsonNode data = json(get(readOnly, "/api/executions/" + greetingId, "includeData=true"));
        assertEquals("\"hello ada\"", data.get("result").asText());
        assertEquals("\"ada\"", data.get("input").asText());

        JsonNode failed = json(get(readOnly, "/api/executions/" + brokenId, null));
        assertEquals("dev.cairn.StepFailedException", failed.get("error").get("type").asText());
        assertEquals("java.lang.IllegalStateException", failed.get("operations").get(0).get("error").get("type").asText());
        assertFalse(failed.get("error").has("stackTrace"));
        assertTrue(json(get(readOnly, "/api/executions/" + brokenId, "includeData=true")).get("error")
                .get("stackTrace").asText().contains("StepFailedException"));
    }

    @Test
    void historyListsEventsInOrderWithTimesAndPayloadsOnRequest() {
        JsonNode h = json(get(readOnly, "/api/executions/" + greetingId + "/history", null));
        List<String> types = StreamSupport.stream(h.get("events").spliterator(), false)
                .map(e -> e.get("type").asText()).toList();
        assertEquals("EXECUTION_STARTED", types.get(0));
        assertTrue(types.contains("STEP_SUCCEEDED"), types.toString());
        assertEquals("EXECUTION_SUCCEEDED", types.get(types.size() - 1));
        long previous = 0;
        for (JsonNode e : h.get("events")) {
            assertTrue(e.get("sequence").asLong() > previous);
            previous = e.get("sequence").asLong();
            assertTrue(e.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), e.toString());
            assertTrue(e.get("payload").isNull(), "no payload without includeData: " + e);
        }
        JsonNode withData = json(get(readOnly, "/api/executions/" + greetingId + "/history", "includeData=true"));
        assertTrue(StreamSupport.stream(withData.get("events").spliterator(), false)
                .anyMatch(e -> "\"hello ada\"".equals(e.get("payload").asText())), withData.toString());
    }

    @Test
    void unknownIdsAndPathsAre404() {
        assertProblem(404, "no execution has id 'nope'", get(readOnly, "/api/executions/nope", null));
        assertProblem(404, "no execution has id", get(readOnly, "/api/executions/nope/history", null));
        assertProblem(404, "no callback has id", withActions.handle(post("/api/callbacks/nope/complete", "\"x\"").build()));
        assertProblem(404, "no callback has id",
                withActions.handle(post("/api/callbacks/nope/fail", "{\"type\":\"T\"}").build()));
        assertProblem(404, "no execution has id", withActions.handle(post("/api/executions/nope/cancel", "").build()));
        assertProblem(404, "nothing is served at '/api/nothing'", get(readOnly, "/api/nothing", null));
        assertProblem(404, "nothing is served", get(readOnly, "/secret.txt", null));
    }

    @Test
    void theWrongMethodIs405WithAllow() {
        ConsoleResponse r = readOnly.handle(ConsoleRequest.builder("POST", "/api/executions").build());
        assertProblem(405, "POST is not allowed", r);
        assertEquals("GET, HEAD", r.header("Allow").orElseThrow());
        ConsoleResponse g = withActions.handle(ConsoleRequest.builder("GET", "/api/executions/" + greetingId + "/cancel")
                .build());
        assertProblem(405, "use POST", g);
        assertEquals("POST", g.header("Allow").orElseThrow());
        assertProblem(405, "DELETE is not allowed", readOnly.handle(ConsoleRequest.builder("DELETE", "/").build()));
    }

    // ------------------------------------------------------------------ actions

    @Test
    void actionsAreRefusedWhileTheConsoleIsReadOnly() {
        ExecutionHandle<String> order = workflows.order("lamp", "order-read-only");
        CallbackDescription callback = workflows.awaitPendingCallback(order);

        assertProblem(403, "read-only", readOnly.handle(post("/api/callbacks/" + callback.id() + "/complete",
                "\"ok\"").build()));
        assertProblem(403, "read-only", readOnly.handle(post("/api/executions/" + order.executionId() + "/cancel",
                "").build()));
        assertEquals(ExecutionStatus.SUSPENDED, order.status(), "nothing changed");
        workflows.engine.cancel(order.executionId(), "test over");
    }

    @Test
    void anActionWithoutTheConsoleHeaderOrFromAnotherOriginIsRefused() {
        ExecutionHandle<String> order = workflows.order("desk", "order-csrf");
        CallbackDescription callback = workflows.awaitPendingCallback(order);
        String path = "/api/callbacks/" + callback.id() + "/complete";

        ConsoleRequest noHeader = ConsoleRequest.builder("POST", path).header("Host", "127.0.0.1:8080").body("\"ok\"")
                .build();
        assertProblem(403, "needs the header X-Cairn-Console: 1", withActions.handle(noHeader));
        assertProblem(403, "needs the header", withActions.handle(ConsoleRequest.builder("POST", path)
                .header(ConsoleHandler.ACTION_HEADER, "0").body("\"ok\"").build()));
        assertProblem(403, "comes from a page of http://evil.example",
                withActions.handle(post(path, "\"ok\"").header("Origin", "http://evil.example").build()));
        assertProblem(403, "comes from a page of http://127.0.0.1:9999",
                withActions.handle(post(path, "\"ok\"").header("Origin", "http://127.0.0.1:9999").build()));
        assertProblem(403, "does not name a host",
                withActions.handle(post(path, "\"ok\"").header("Origin", "null").build()));
        assertProblem(403, "cross-site", withActions.handle(post(path, "\"ok\"").header("Sec-Fetch-Site", "cross-site")
                .build()));
        assertEquals(ExecutionStatus.SUSPENDED, order.status(), "nothing changed");

        ConsoleResponse sameOrigin = withActions.handle(post(path, "\"ok\"").header("Origin", "http://127.0.0.1:8080")
                .build());
        assertEquals(200, sameOrigin.status(), sameOrigin.bodyText());
        assertEquals("reserved desk, charged for desk, ok", order.result(Duration.ofSeconds(10)));
    }

    @Test
    void aTrustedOriginMayActThroughAProxyThatRewritesHost() {
        ConsoleHandler proxied = ConsoleHandler.builder(workflows.engine).actionsEnabled(true)
                .trustedOrigins("https://ops.example.com").build();
        ExecutionHandle<String> order = workflows.order("chair", "order-proxied");
        workflows.awaitPendingCallback(order);
        ConsoleResponse r = proxied.handle(post("/api/executions/" + order.executionId() + "/cancel", "")
                .header("Origin", "https://ops.example.com").build());
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("CANCELLED", json(r).get("status").asText());
    }

    @Test
    void aCallbackWithASerializerOfItsOwnIsCompletedRawWithTheTextAsGiven() {
        ExecutionHandle<String> ticket = workflows.ticket("Ada");
        CallbackDescription code = workflows.awaitPendingCallback(ticket);
        String path = "/api/callbacks/" + code.id() + "/complete";

        assertProblem(400, "completeCallbackRaw", withActions.handle(post(path, "\"ABC-123\"").build()));
        assertProblem(400, "query parameter 'raw' must be true or false",
                withActions.handle(post(path, "ABC-123").query("raw=maybe").build()));
        ConsoleResponse ok = withActions.handle(post(path, "ABC-123").query("raw=true").build());

        assertEquals(200, ok.status(), ok.bodyText());
        assertEquals("SUCCEEDED", json(ok).get("status").asText());
        assertEquals("got ABC-123", ticket.result(Duration.ofSeconds(10)), "read by the callback's own serializer");
    }

    @Test
    void completingFailingAndCancellingFromTheApi() {
        ExecutionHandle<String> completed = workflows.order("pen", "order-complete");
        CallbackDescription c1 = workflows.awaitPendingCallback(completed);
        assertProblem(400, "the body must be the callback's result as JSON",
                withActions.handle(post("/api/callbacks/" + c1.id() + "/complete", "").build()));
        assertProblem(400, "not a JSON value",
                withActions.handle(post("/api/callbacks/" + c1.id() + "/complete", "approved").build()));
        assertProblem(400, "cannot be read back as",
                withActions.handle(post("/api/callbacks/" + c1.id() + "/complete", "{\"a\": 1}").build()));
        ConsoleResponse ok = withActions.handle(post("/api/callbacks/" + c1.id() + "/complete", "\"approved\"").build());
        assertEquals(200, ok.status(), ok.bodyText());
        assertEquals("SUCCEEDED", json(ok).get("status").asText());
        assertEquals("reserved pen, charged for pen, approved", completed.result(Duration.ofSeconds(10)));
        assertProblem(409, "already", withActions.handle(post("/api/callbacks/" + c1.id() + "/complete", "\"again\"")
                .build()));

        ExecutionHandle<String> failed = workflows.order("ink", "order-fail");
        CallbackDescription c2 = workflows.awaitPendingCallback(failed);
        assertProblem(400, "non-blank type", withActions.handle(post("/api/callbacks/" + c2.id() + "/fail",
                "{\"message\": \"no\"}").build()));
        ConsoleResponse f = withActions.handle(post("/api/callbacks/" + c2.id() + "/fail",
                "{\"type\": \"Rejected\", \"message\": \"out of stock\"}").build());
        assertEquals(200, f.status(), f.bodyText());
        await().atMost(Duration.ofSeconds(10)).until(() -> failed.status() == ExecutionStatus.FAILED);

        ExecutionHandle<String> cancelled = workflows.order("cup", "order-cancel");
        workflows.awaitPendingCallback(cancelled);
        assertProblem(400, "reason must be a string", withActions.handle(post("/api/executions/"
                + cancelled.executionId() + "/cancel", "{\"reason\": 5}").build()));
        ConsoleResponse c = withActions.handle(post("/api/executions/" + cancelled.executionId() + "/cancel",
                "{\"reason\": \"changed my mind\"}").build());
        assertEquals("CANCELLED", json(c).get("status").asText());
        assertEquals("changed my mind", workflows.engine.describe(cancelled.executionId()).error().message());
    }

    @Test
    void theAuthorizerDecidesOnReadsAndActions() {
        List<ConsoleAccess> asked = new ArrayList<>();
        ConsoleHandler guarded = ConsoleHandler.builder(workflows.engine).actionsEnabled(true)
                .authorizer((request, access) -> {
                    asked.add(access);
                    return access == ConsoleAccess.READ;
                }).build();
        assertEquals(200, get(guarded, "/api/stats", null).status());
        assertProblem(403, "authorizer refused this request (an action)",
                guarded.handle(post("/api/executions/" + greetingId + "/cancel", "").build()));
        assertEquals(List.of(ConsoleAccess.READ, ConsoleAccess.ACTION), asked);

        ConsoleHandler nobody = ConsoleHandler.builder(workflows.engine).authorizer((r, a) -> false).build();
        assertProblem(403, "authorizer refused", get(nobody, "/api/executions", null));
        assertProblem(403, "authorizer refused", get(nobody, "/", null));
    }

    // ------------------------------------------------------------------ what a browser gets

    @Test
    void payloadsWithMarkupAreEscapedInJson() {
        ExecutionHandle<String> h = workflows.greeting(Workflows.SCRIPT_PAYLOAD);
        h.result(Duration.ofSeconds(10));
        for (String path : List.of("/api/executions/" + h.executionId(), "/api/executions/" + h.executionId()
                + "/history")) {
            ConsoleResponse r = get(readOnly, path, "includeData=true");
            String raw = r.bodyText();
            assertFalse(raw.contains("<"), "no raw '<' in " + raw);
            assertFalse(raw.contains(">"), raw);
            assertTrue(raw.contains("\\u003Cscript\\u003E") || raw.contains("\\u003cscript\\u003e"), raw);
            assertTrue(json(r).toString().contains("<script>window.__cairnXss = 1</script>"),
                    "the value reads back unchanged");
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        for (ConsoleResponse r : List.of(get(readOnly, "/", null), get(readOnly, "/console.js", null),
                get(readOnly, "/api/stats", null), get(readOnly, "/api/executions/nope", null))) {
            String csp = r.header("Content-Security-Policy").orElseThrow();
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", r.header("X-Content-Type-Options").orElseThrow());
        }
        assertEquals("no-store", get(readOnly, "/api/stats", null).header("Cache-Control").orElseThrow());
        ConsoleResponse page = get(readOnly, "/", null);
        assertEquals("text/html; charset=utf-8", page.header("Content-Type").orElseThrow());
        assertTrue(page.bodyText().contains("<script src=\"console.js\" defer></script>"));
        assertFalse(page.bodyText().matches("(?s).*<script>.*"), "no inline script in the page");
        assertEquals("text/javascript; charset=utf-8", get(readOnly, "/console.js", null).header("Content-Type")
                .orElseThrow());
    }

    @Test
    void theSettingsSayWhetherActionsAreEnabled() {
        assertFalse(json(get(readOnly, "/api/console", null)).get("actionsEnabled").asBoolean());
        assertTrue(json(get(withActions, "/api/console", null)).get("actionsEnabled").asBoolean());
        assertEquals(3000, json(get(readOnly, "/api/console", null)).get("refreshMillis").asLong());
    }
}
