package dev.cairn.samples;

import dev.cairn.BatchItem;
import dev.cairn.BatchItemStatus;
import dev.cairn.BatchResult;
import dev.cairn.CallbackFailedException;
import dev.cairn.CompletionReason;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionHandle;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.CompletionConfig;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code fanout}: one durable function summarizes a dozen documents with a model, at most 4 model calls at once.
 *
 * <p>{@link DurableContext#map} runs one item per document, each in a child context of its own, with
 * {@code maxConcurrency(4)} and a completion policy that tolerates up to 3 failed documents. Each item hands its
 * document to the model ({@link FakeModel#summarize}, an in-process stand-in on threads of its own that thinks
 * 0.5 to 1.5 s, heartbeating) through {@link DurableContext#waitForCallback}, and waits for the model's answer
 * through the callback. An item waiting for its callback holds its place, so there are never more than 4 calls at
 * the model; when all 4 wait, the execution suspends (holding no thread) and each answer resumes it by replay.
 * Two documents cannot be processed (one is empty, one is a PDF); the model fails their callbacks, and those items
 * fail, within the tolerance.
 *
 * <p>The sample prints what the model does, then the {@link BatchResult}: each item's status and summary or
 * error, the counts and the completion reason. It exits 0 if the model never had more than 4 calls at once,
 * every document was sent to it exactly once, and the result is the expected one (10 summaries that match the
 * documents, the 2 unprocessable documents failed, all completed).
 */
public final class FanoutSample {

    /** At most this many model calls at once. */
    static final int MAX_CONCURRENCY = 4;
    /** Up to this many failed documents are tolerated; one more completes the batch early. */
    static final int TOLERATED_FAILURES = 3;

    /** A document to summarize. */
    public record Document(String id, String text) {
    }

    /** The workflow's input. */
    public record Documents(List<Document> documents) {
    }

    /** An item's failure: the model could not process the document. */
    public static final class DocumentFailedException extends Exception {
        public DocumentFailedException(String message) {
            super(message);
        }
    }

    /** The durable function: a map over the documents, one model call per item through a callback. */
    @DurableWorkflow(name = "fanout-summaries")
    public static final class SummarizeAll implements DurableFunction<Documents, BatchResult<String>> {
        private final FakeModel model;
        private final CallbackConfig callbackConfig;

        /**
         * @param model            the model service
         * @param heartbeatTimeout how long a model call may go without a heartbeat
         */
        public SummarizeAll(FakeModel model, Duration heartbeatTimeout) {
            this.model = model;
            this.callbackConfig = CallbackConfig.builder()
                    .timeout(Duration.ofMinutes(2))
                    .heartbeatTimeout(heartbeatTimeout)
                    .build();
        }

        @Override
        public BatchResult<String> handle(Documents input, DurableContext ctx) {
            BatchConfig config = BatchConfig.builder()
                    .maxConcurrency(MAX_CONCURRENCY)
                    .completion(CompletionConfig.toleratedFailureCount(TOLERATED_FAILURES))
                    .build();
            return ctx.map("summarize", input.documents(), String.class, (doc, index, item) -> {
                try {
                    // In the item's own context: a callback, a step that hands it to the model, and the wait.
                    return item.waitForCallback("summarize " + doc.id(), String.class,
                            (callbackId, step) -> model.summarize(callbackId, doc.id(), doc.text()), callbackConfig);
                } catch (CallbackFailedException e) { // failed by the model, or timed out
                    throw new DocumentFailedException(doc.id() + ": " + e.error().summary());
                }
            }, config);
        }
    }

    /** Twelve short documents; two of them (doc-05 empty, doc-09 a PDF) the model cannot process. */
    static final List<Document> DOCUMENTS = List.of(
            new Document("doc-01", "Cairn runs durable functions inside the JVM. Every step is checkpointed to a"
                    + " database before the code sees its result."),
            new Document("doc-02", "A durable wait holds no thread. The execution suspends and a timer resumes it"
                    + " by replay."),
            new Document("doc-03", "Callbacks let an external system resume an execution. The system gets an"
                    + " unguessable id and completes it later."),
            new Document("doc-04", "Heartbeats keep a long callback alive. Without one within the heartbeat timeout"
                    + " the callback times out."),
            new Document("doc-05", ""),
            new Document("doc-06", "A map runs one child context per item. Finished items are not run again when"
                    + " the execution resumes."),
            new Document("doc-07", "maxConcurrency bounds the items in flight. An item waiting for a callback still"
                    + " holds its place."),
            new Document("doc-08", "The completion policy decides when a batch is done: all completed, a minimum of"
                    + " successes, or a failure tolerance."),
            new Document("doc-09", "%PDF-1.7 binary stream: scanned invoice, no text layer"),
            new Document("doc-10", "H2 is the default store. PostgreSQL and MariaDB work through the same JDBC"
                    + " store."),
            new Document("doc-11", "A killed JVM loses nothing that was checkpointed. Another JVM resumes the"
                    + " execution from its checkpoints."),
            new Document("doc-12", "Group commit batches the checkpoints of concurrent executions into one"
                    + " transaction."));

    private FanoutSample() {
    }

    static int run(String[] args) {
        Path data = SampleArgs.parse(args).freshDataDir("fanout");
        System.out.println("H2 database (fresh): " + data);
        System.out.printf("Summarizing %d documents with map(maxConcurrency=%d, toleratedFailureCount=%d); the model"
                + " thinks 0.5 to 1.5 s per document%n%n", DOCUMENTS.size(), MAX_CONCURRENCY, TOLERATED_FAILURES);
        try (FakeModel model = new FakeModel(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1500),
                System.out).logHeartbeats(false)) {
            Instant started = Instant.now();
            BatchResult<String> result = summarize(data, model, DOCUMENTS, Duration.ofSeconds(5), System.out);
            Duration took = Duration.between(started, Instant.now());
            System.out.println();
            print(result, DOCUMENTS, System.out);
            System.out.printf("%nModel calls: %d for %d documents, %d heartbeats; at most %d in flight at once"
                    + " (limit %d); took %s%n", model.calls(), DOCUMENTS.size(), model.heartbeats().size(),
                    model.maxInFlight(), MAX_CONCURRENCY, OperationsTable.format(took));
            List<String> problems = check(result, DOCUMENTS, model);
            if (problems.isEmpty()) {
                System.out.println("OK: as expected (never more than " + MAX_CONCURRENCY + " model calls at once, one"
                        + " call per document, 10 summaries, the 2 unprocessable documents failed, ALL_COMPLETED)");
                return 0;
            }
            problems.forEach(p -> System.out.println("UNEXPECTED: " + p));
            return 1;
        }
    }

    /**
     * Runs one execution of {@link SummarizeAll} over {@code documents} on an H2 store in {@code data}, and
     * returns its result.
     */
    static BatchResult<String> summarize(Path data, FakeModel model, List<Document> documents,
            Duration heartbeatTimeout, PrintStream out) {
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(data);
             DurableEngine engine = DurableEngine.builder().store(store)
                     .register(new SummarizeAll(model, heartbeatTimeout)).build()) {
            model.connect(engine);
            engine.start();
            ExecutionHandle<BatchResult<String>> h = engine.startExecution(SummarizeAll.class,
                    new Documents(documents));
            out.println("Started execution " + h.executionId());
            // The result is read back from the execution's checkpointed output (JSON), like any execution's.
            return h.result(Duration.ofMinutes(2));
        }
    }

    static void print(BatchResult<String> result, List<Document> documents, PrintStream out) {
        out.println("BatchResult:");
        for (BatchItem<String> item : result.items()) {
            String what = switch (item.status()) {
                case SUCCEEDED -> item.result();
                case FAILED -> item.error().message() + "  [" + simpleName(item.error().type()) + "]";
                default -> "";
            };
            out.printf("  %2d  %-8s %-9s %s%n", item.index(), documents.get(item.index()).id(), item.status(), what);
        }
        out.printf("succeeded %d, failed %d, started %d, skipped %d; completion reason %s%n", result.successCount(),
                result.failureCount(), result.startedCount(), result.skippedCount(), result.completionReason());
    }

    /** What is wrong with a run, if anything. */
    static List<String> check(BatchResult<String> result, List<Document> documents, FakeModel model) {
        List<String> problems = new ArrayList<>();
        if (model.maxInFlight() > MAX_CONCURRENCY) {
            problems.add("the model had " + model.maxInFlight() + " calls at once, more than " + MAX_CONCURRENCY);
        }
        List<String> ids = documents.stream().map(Document::id).toList();
        if (!model.documents().stream().sorted().toList().equals(ids.stream().sorted().toList())) {
            problems.add("the model got " + model.documents() + ", expected each of " + ids + " once");
        }
        int unprocessable = 0;
        for (Document d : documents) {
            if (FakeModel.unprocessable(d.text()) != null) {
                unprocessable++;
            }
        }
        CompletionReason expectedReason = unprocessable > TOLERATED_FAILURES
                ? CompletionReason.FAILURE_TOLERANCE_EXCEEDED : CompletionReason.ALL_COMPLETED;
        if (result.completionReason() != expectedReason) {
            problems.add("completion reason " + result.completionReason() + ", expected " + expectedReason);
        }
        if (result.items().size() != documents.size()) {
            problems.add(result.items().size() + " items for " + documents.size() + " documents");
            return problems;
        }
        if (expectedReason == CompletionReason.ALL_COMPLETED) {
            for (BatchItem<String> item : result.items()) {
                Document d = documents.get(item.index());
                String expected = FakeModel.summaryOf(d.text());
                BatchItemStatus want = expected == null ? BatchItemStatus.FAILED : BatchItemStatus.SUCCEEDED;
                if (item.status() != want) {
                    problems.add(d.id() + " is " + item.status() + ", expected " + want);
                } else if (expected != null && !expected.equals(item.result())) {
                    problems.add(d.id() + " has summary '" + item.result() + "', expected '" + expected + "'");
                } else if (expected == null && !Objects.toString(item.error().message()).contains("UnprocessableDocument")) {
                    problems.add(d.id() + " failed with " + item.error().summary());
                }
            }
        }
        return problems;
    }

    private static String simpleName(String type) {
        int dot = Math.max(type.lastIndexOf('.'), type.lastIndexOf('$'));
        return dot < 0 ? type : type.substring(dot + 1);
    }
}
