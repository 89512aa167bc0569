package dev.cairn.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.BatchItemStatus;
import dev.cairn.BatchResult;
import dev.cairn.CompletionReason;
import dev.cairn.samples.FanoutSample.Document;
import dev.cairn.samples.FanoutSample.Documents;
import dev.cairn.samples.FanoutSample.SummarizeAll;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fan-out sample's map under the test kit, on the in-memory store and on H2: the test answers each document's
 * callback by name, and the items' heartbeat timeouts pass in virtual time. (The sample program, with a model that
 * answers on real timers, is run by {@link SamplesTest}.)
 */
class FanoutWorkflowTest {

    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

    static List<Document> documents(int n) {
        List<Document> docs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            docs.add(new Document("d" + i, "Document number " + i + "."));
        }
        return docs;
    }

    abstract static class Cases {
        final FakeModel model = FakeModel.silent(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        @AfterEach
        void closeModel() {
            model.close();
        }

        @Test
        void atMostFourDocumentsAreWithTheModelAtOnceAndEachAnswerIsItsItemsResult(TestEngine engine) {
            List<Document> docs = documents(6);
            TestResult<BatchResult<String>> r = engine.run(SummarizeAll.class, new Documents(docs));
            assertEquals(FanoutSample.MAX_CONCURRENCY, model.calls(), "the first four went to the model");

            for (Document doc : docs) { // each answer frees a place for the next document
                engine.completeCallback(r.executionId(), "summarize " + doc.id(), "summary of " + doc.id());
            }

            BatchResult<String> result = engine.result(r).result();
            assertEquals(CompletionReason.ALL_COMPLETED, result.completionReason());
            assertEquals(6, result.successCount());
            for (int i = 0; i < docs.size(); i++) {
                assertEquals("summary of " + docs.get(i).id(), result.items().get(i).result());
            }
            assertEquals(6, model.calls(), "no document was sent twice by a replay");
            assertTrue(model.documents().containsAll(docs.stream().map(Document::id).toList()));
        }

        @Test
        void theFourthFailureEndsTheBatchEarly(TestEngine engine) {
            List<Document> docs = documents(8);
            TestResult<BatchResult<String>> r = engine.run(SummarizeAll.class, new Documents(docs));

            for (int i = 0; i <= FanoutSample.TOLERATED_FAILURES; i++) {
                engine.failCallback(r.executionId(), "summarize " + docs.get(i).id(), "UnprocessableDocument",
                        "no text");
            }

            BatchResult<String> result = engine.result(r).result();
            assertEquals(CompletionReason.FAILURE_TOLERANCE_EXCEEDED, result.completionReason());
            assertEquals(FanoutSample.TOLERATED_FAILURES + 1, result.failureCount());
            assertEquals(BatchItemStatus.FAILED, result.items().get(0).status());
            assertTrue(result.items().get(0).error().message().contains("d1: UnprocessableDocument"),
                    result.items().get(0).error().summary());
            assertEquals(8, result.failureCount() + result.successCount() + result.startedCount()
                    + result.skippedCount());
            assertTrue(result.skippedCount() > 0, "documents never sent once the tolerance was exceeded");
        }

        @Test
        void documentsTheModelStopsHeartbeatingFailByTheirHeartbeatTimeout(TestEngine engine) {
            List<Document> docs = documents(2);
            TestResult<BatchResult<String>> r = engine.run(SummarizeAll.class, new Documents(docs));
            engine.completeCallback(r.executionId(), "summarize d1", "summary of d1");

            TestResult<BatchResult<String>> done = engine.runUntilComplete(r); // d2 never answers

            BatchResult<String> result = done.result();
            assertEquals("summary of d1", result.items().get(0).result());
            assertEquals(BatchItemStatus.FAILED, result.items().get(1).status());
            assertTrue(result.items().get(1).error().message().contains("d2:"), result.items().get(1).error()
                    .summary());
            assertEquals(HEARTBEAT_TIMEOUT, Duration.between(done.description().createdAt(), engine.clock().now()));
        }
    }

    @Nested
    class InMemory extends Cases {
        @RegisterExtension
        CairnExtension cairn = CairnExtension.inMemory().register(new SummarizeAll(model, HEARTBEAT_TIMEOUT));
    }

    @Nested
    class OnH2 extends Cases {
        @RegisterExtension
        CairnExtension cairn = CairnExtension.h2().register(new SummarizeAll(model, HEARTBEAT_TIMEOUT));
    }
}
