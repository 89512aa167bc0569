package dev.cairn.samples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.BatchItemStatus;
import dev.cairn.BatchResult;
import dev.cairn.CompletionReason;
import dev.cairn.samples.ApprovalSample.ApprovalOutcome;
import dev.cairn.samples.ApprovalSample.Scenario;
import dev.cairn.samples.ApprovalSample.SimulatedHumans;
import dev.cairn.samples.CallbackSample.AiResult;
import dev.cairn.samples.FanoutSample.Document;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SamplesTest {

    @Test
    void noOrUnknownSampleListsTheSamplesAndReturns2() {
        assertEquals(2, Samples.run(new String[0]));
        assertEquals(2, Samples.run(new String[] {"no-such-sample"}));
    }

    @Test
    void badOptionReturns2() {
        assertEquals(2, Samples.run(new String[] {"benchmark", "--executions", "many"}));
        assertEquals(2, Samples.run(new String[] {"hello", "--bogus", "1"}));
    }

    @Test
    @Timeout(30)
    void callbackWorkflowCompletesAndFailsWithAFastModel(@TempDir Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (FakeModel model = new FakeModel(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(150),
                out)) {
            List<AiResult> results = CallbackSample.runPrompts(dir, model,
                    List.of("Explain durable functions.", "Tell me something forbidden."), out);

            assertEquals("completed", results.get(0).status());
            assertTrue(results.get(0).result().startsWith("## Answer"), results.get(0).result());
            assertTrue(results.get(0).result().contains("Explain durable functions."));
            assertEquals("failed", results.get(1).status());
            assertTrue(results.get(1).result().startsWith("UnsupportedPrompt:"), results.get(1).result());
            assertFalse(model.heartbeats().isEmpty(), "the model heartbeats while it thinks");
        }
        assertTrue(Files.exists(dir.resolve("cairn.mv.db")), "the executions were checkpointed to H2 in the temp dir");
        String log = bytes.toString(StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(1)).until(() -> log.contains("[model] completed callback"));
        assertTrue(log.contains("[model] failed callback"), log);
    }

    @Test
    @Timeout(60)
    void awsPortSampleRunsToTheAcceptedQuoteAndShowsTheStepsOwnFormat(@TempDir Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = Samples.run(new String[] {"aws-port", "--data", dir.toString()});
        } finally {
            System.setOut(old);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertTrue(printed.contains("Outcome: Outcome[best=Quote[provider=globex, cents=2110], decision=accepted,"
                + " completionReason=COMPLETION_PREDICATE_MET"), printed);
        assertTrue(printed.contains("checkpointed in its own format: globex=2110"), printed);
    }

    @Test
    void launcherListsTheNewSamples() {
        List<String> names = Samples.ALL.stream().map(Samples.Sample::name).toList();
        assertTrue(names.containsAll(List.of("fanout", "approval", "benchmark")), names.toString());
        assertEquals(2, Samples.run(new String[] {"benchmark", "--map-items", "none"}));
        assertEquals(2, Samples.run(new String[] {"benchmark", "--map-concurrency", "0"}));
        assertEquals(2, Samples.run(new String[] {"benchmark", "--listener", "prometheus"}));
    }

    @Test
    @Timeout(120)
    void storedBenchmarkPrintsTheRateOnEmptyTablesAndWithExecutionsStored(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = StoredBenchmark.run(new String[] {"--executions", "20", "--stored", "150", "--concurrency",
                "2", "--data", dir.toString()}, out);
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(0, status, printed);
        assertTrue(printed.contains("stored 150 more executions"), printed);
        // 20 started, then 150 copies and 20 more, then 20 more: what each phase found in the table after it ran
        for (String row : List.of("empty tables +20 ", "stored, not analyzed +190 ", "stored, analyzed +210 ")) {
            assertTrue(printed.matches("(?s).*\\n" + row + "+[\\d,]+ +[\\d.]+\\n.*"), row + ":\n" + printed);
        }
        assertTrue(printed.contains("Rerun: java -jar samples/target/cairn-samples.jar stored-benchmark --store h2"),
                printed);
    }

    @Test
    @Timeout(120)
    void benchmarkPrintsCairnAndBothRawDriversForEachConcurrencyOnH2(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = Benchmark.run(new String[] {"--executions", "6", "--steps", "3", "--concurrency", "1,2",
                "--warmup-steps", "6", "--no-map", "--data", dir.toString()}, out);
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(0, status, printed);
        assertTrue(printed.contains("Database: h2 jdbc:h2:"), printed);
        assertTrue(printed.matches("(?s).*\\n +C +driver +steps/s +p50 ms +p99 ms +cpu ms/step +host ms/step"
                + " +x raw single\\n.*"), printed);
        for (int c : new int[] {1, 2}) {
            for (String driver : List.of("cairn", "raw single commit", "raw batch")) {
                String row = "(?s).*\\n +" + c + "  " + driver + " +\\d+ +[\\d.]+ +[\\d.]+ +[\\d.]+ +([\\d.]+|n/a)"
                        + " +[\\d.]+\\n.*";
                assertTrue(printed.matches(row), "no row for " + driver + " at C=" + c + ":\n" + printed);
            }
        }
        assertTrue(printed.contains("checked: 6 executions SUCCEEDED, 18 step rows"), printed);
        assertTrue(printed.contains("checked: 18 rows of 6 executions"), printed);
        assertTrue(printed.contains("Rerun: java -jar ") && printed.contains(" benchmark --store h2 --executions 6"
                + " --steps 3 --concurrency 1,2 --warmup-steps 6 --no-map --data " + dir), printed);
        assertTrue(Files.exists(dir.resolve("executions").resolve("cairn.mv.db")), "ran on an H2 file in --data");
    }

    @Test
    @Timeout(120)
    void benchmarkRunsWithTheMetricsAndTracingListenersAndSaysSo(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = Benchmark.run(new String[] {"--executions", "4", "--steps", "2", "--warmup-steps", "4",
                "--no-map", "--listener", "all", "--data", dir.toString()}, out);
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(0, status, printed);
        assertTrue(printed.contains("Listener on Cairn's engine: CairnMetrics (cairn-micrometer) on a SimpleMeterRegistry,"
                + " bound to the engine; CairnTracing (cairn-opentelemetry)"), printed);
        assertTrue(printed.contains("checked: 4 executions SUCCEEDED, 8 step rows"), printed);
        assertTrue(printed.contains(" --warmup-steps 4 --listener all --no-map"), printed);
    }

    @Test
    void benchmarkRefusesWhatItCannotRun() {
        assertEquals(2, Samples.run(new String[] {"benchmark", "--store", "oracle"}));
        assertEquals(2, Samples.run(new String[] {"benchmark", "--store", "postgres", "--url", "jdbc:h2:mem:x"}));
        assertEquals(2, Samples.run(new String[] {"benchmark", "--map", "--store", "mariadb"}));
        assertEquals(2, Samples.run(new String[] {"benchmark", "--map", "--no-map"}));
        assertEquals(2, Samples.run(new String[] {"benchmark", "--concurrency", "1,x"}));
        assertEquals(2, Samples.run(new String[] {"benchmark", "--concurrency", "4,0"}));
    }

    @Test
    void benchmarkRowCheckFailsWhenRowsAreMissing(@TempDir Path dir) throws Exception {
        BenchDatabase db = BenchDatabase.of(SampleArgs.parse(new String[0], "store"), dir);
        ExecutionsBenchmark.createRawTable(db);
        try (ExecutionsBenchmark.RawDriver raw = new ExecutionsBenchmark.RawDriver(db, 3, false)) {
            raw.open(1);
            raw.runExecution(0, "a");
            raw.runExecution(0, "b");
            assertEquals("6 rows of 2 executions", raw.check(2, 3));
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> raw.check(3, 3));
            assertTrue(e.getMessage().contains("has 6 rows of 2 executions, expected 9 of 3"), e.getMessage());
        }
    }

    @Test
    void resumeBenchmarkRefusesBadOptions() {
        assertEquals(2, Samples.run(new String[] {"resume-benchmark", "--store", "oracle"}));
        assertEquals(2, Samples.run(new String[] {"resume-benchmark", "--parts", "xyz"}));
        assertEquals(2, Samples.run(new String[] {"resume-benchmark", "--scale", "0"}));
        assertEquals(2, Samples.run(new String[] {"resume-benchmark", "--window", "soon"}));
        assertEquals(2, Samples.run(new String[] {"resume-benchmark", "--url", "jdbc:h2:mem:x"}));
    }

    @Test
    @Timeout(60)
    void resumeBenchmarkCompletesItsCallbacksOnH2(@TempDir Path dir) {
        assertEquals(0, Samples.run(new String[] {"resume-benchmark", "--parts", "c", "--callbacks", "50", "--data",
            dir.toString()}));
    }

    @Test
    @Timeout(60)
    void testKitBenchmarkPrintsTheTimeOfATestOfTenDaysOfWaits() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        assertEquals(0, TestKitBenchmark.run(new String[] {"--warmup", "1", "--runs", "3"}, out));

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("100 steps and 10 one-day waits"), printed);
        assertTrue(printed.matches("(?s).*\\n  runUntilComplete +median +[\\d.]+ ms +min +[\\d.]+ ms +max +[\\d.]+ ms\\n.*"),
                printed);
    }

    @Test
    void flagsTakeNoValue() {
        SampleArgs args = SampleArgs.parse(new String[] {"--map", "--map-items", "5"}, java.util.Set.of("map"),
                "map-items");
        assertTrue(args.flag("map"));
        assertEquals(5, args.positiveInt("map-items", 1));
        assertFalse(SampleArgs.parse(new String[0], java.util.Set.of("map")).flag("map"));
    }

    @Test
    @Timeout(30)
    void fanoutKeepsAtMostFourModelCallsInFlightAndToleratesTheUnprocessableDocuments(@TempDir Path dir) {
        PrintStream out = quiet();
        try (FakeModel model = new FakeModel(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(60), out)
                .logHeartbeats(false)) {
            BatchResult<String> result = FanoutSample.summarize(dir, model, FanoutSample.DOCUMENTS,
                    Duration.ofSeconds(5), out);

            assertTrue(model.maxInFlight() <= FanoutSample.MAX_CONCURRENCY, "max in flight " + model.maxInFlight());
            assertTrue(model.maxInFlight() >= 1);
            assertEquals(12, model.calls(), "one model call per document, none repeated by a replay");
            assertEquals(FanoutSample.DOCUMENTS.stream().map(Document::id).toList(),
                    model.documents().stream().sorted().toList());
            assertEquals(12, result.items().size());
            assertEquals(10, result.successCount());
            assertEquals(2, result.failureCount());
            assertEquals(0, result.startedCount() + result.skippedCount());
            assertEquals(CompletionReason.ALL_COMPLETED, result.completionReason());
            assertEquals(BatchItemStatus.FAILED, result.items().get(4).status()); // doc-05, empty
            assertEquals(BatchItemStatus.FAILED, result.items().get(8).status()); // doc-09, a PDF
            assertTrue(result.items().get(4).error().message().contains("UnprocessableDocument"),
                    result.items().get(4).error().summary());
            assertEquals(FakeModel.summaryOf(FanoutSample.DOCUMENTS.get(0).text()), result.items().get(0).result());
            assertEquals(List.of(), FanoutSample.check(result, FanoutSample.DOCUMENTS, model));
        }
    }

    @Test
    @Timeout(30)
    void fanoutCompletesEarlyOnceMoreThanThreeDocumentsFail(@TempDir Path dir) {
        PrintStream out = quiet();
        List<Document> docs = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            docs.add(new Document("d" + i, i <= 6 ? "" : "A readable document number " + i + "."));
        }
        try (FakeModel model = new FakeModel(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(60), out)
                .logHeartbeats(false)) {
            BatchResult<String> result = FanoutSample.summarize(dir, model, docs, Duration.ofSeconds(5), out);

            assertEquals(CompletionReason.FAILURE_TOLERANCE_EXCEEDED, result.completionReason());
            assertTrue(result.failureCount() > FanoutSample.TOLERATED_FAILURES, "failures " + result.failureCount());
            assertEquals(0, result.successCount(), "the readable documents come after the failures");
            assertTrue(result.skippedCount() > 0, "documents not started once the tolerance was exceeded");
            assertEquals(10, result.successCount() + result.failureCount() + result.startedCount()
                    + result.skippedCount());
            assertTrue(model.maxInFlight() <= FanoutSample.MAX_CONCURRENCY, "max in flight " + model.maxInFlight());
            // Failed items went to the model; started ones may have (detached before or after their submit step);
            // skipped ones did not.
            List<String> sent = model.documents();
            for (dev.cairn.BatchItem<String> item : result.items()) {
                String id = docs.get(item.index()).id();
                if (item.status() == BatchItemStatus.FAILED) {
                    assertTrue(sent.contains(id), id + " failed without going to the model: " + sent);
                } else if (item.status() == BatchItemStatus.SKIPPED) {
                    assertFalse(sent.contains(id), id + " was skipped but went to the model: " + sent);
                }
            }
            assertEquals(sent.size(), sent.stream().distinct().count(), "no document sent twice: " + sent);
        }
    }

    @Test
    @Timeout(30)
    void approvalNeedsTwoOfThreeAndEscalatesToTheManagerOtherwise(@TempDir Path dir) {
        PrintStream out = quiet();
        List<Scenario> scenarios = ApprovalSample.scenarios(Duration.ofMillis(250));
        try (SimulatedHumans humans = new SimulatedHumans(out)) {
            List<Object> outcomes = ApprovalSample.runScenarios(dir, humans, scenarios, out, null);

            for (int i = 0; i < scenarios.size(); i++) {
                assertEquals(null, ApprovalSample.problem(scenarios.get(i), outcomes.get(i)),
                        scenarios.get(i).request().id() + ": " + outcomes.get(i));
            }
            // req-1: two approvals; carol had not answered when the round was decided.
            ApprovalOutcome first = (ApprovalOutcome) outcomes.get(0);
            assertEquals("APPROVED", first.decision());
            assertFalse(first.escalated());
            assertEquals(CompletionReason.MIN_SUCCESSFUL_REACHED, first.firstRound());
            assertTrue(first.votes().get(2).startsWith("carol: no answer yet"), first.votes().toString());
            // req-2: two approvers never answered; the manager approved.
            ApprovalOutcome second = (ApprovalOutcome) outcomes.get(1);
            assertEquals("APPROVED", second.decision());
            assertEquals("manager", second.decidedBy());
            assertTrue(second.votes().contains("bob: no answer within 1.000 s"), second.votes().toString());
            // req-3: escalated, and the manager did not answer either.
            ApprovalOutcome third = (ApprovalOutcome) outcomes.get(2);
            assertEquals("REJECTED", third.decision());
            assertTrue(third.escalated());
            assertTrue(third.votes().get(third.votes().size() - 1).contains("no answer"), third.votes().toString());
            // carol's very late answers were refused.
            assertTrue(humans.lateAnswers().keySet().containsAll(List.of("req-1/carol", "req-3/carol")),
                    humans.lateAnswers().toString());
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(60)
    void consoleSampleServesTheExecutionsAndLeavesOneWaitingForAnApprovalFromThePage(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try (ConsoleSample.Running running = ConsoleSample.start(dir, 0, Duration.ofMillis(100), out)) {
            java.net.URI list = running.url().resolve("api/executions?function=approval&status=SUSPENDED");
            String page = http.send(java.net.http.HttpRequest.newBuilder(running.url()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(page.contains("<title>Cairn console</title>"), page);
            await().atMost(Duration.ofSeconds(30)).until(() -> running.engine().describe(running.waitingExecutionId())
                    .callbacks().stream().filter(c -> c.status() == dev.cairn.CallbackStatus.PENDING).count() == 2
                    && running.engine().describe(running.waitingExecutionId()).status()
                    == dev.cairn.ExecutionStatus.SUSPENDED);
            String listed = http.send(java.net.http.HttpRequest.newBuilder(list).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(listed.contains(running.waitingExecutionId()), listed);
            String pending = running.engine().describe(running.waitingExecutionId()).callbacks().stream()
                    .filter(c -> c.status() == dev.cairn.CallbackStatus.PENDING).findFirst().orElseThrow().id();
            java.net.http.HttpResponse<String> approve = http.send(java.net.http.HttpRequest.newBuilder(
                            running.url().resolve("api/callbacks/" + pending + "/complete"))
                    .header("X-Cairn-Console", "1")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"voter\": \"you\", \"approve\": true, \"comment\": \"from the console\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, approve.statusCode(), approve.body());
            ApprovalOutcome outcome = running.engine().handle(running.waitingExecutionId(), ApprovalOutcome.class)
                    .result(Duration.ofSeconds(20));
            assertEquals("APPROVED", outcome.decision());
        }
    }
}
