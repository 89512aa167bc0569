package dev.cairn.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.CompletionReason;
import dev.cairn.ExecutionStatus;
import dev.cairn.SerializationException;
import dev.cairn.samples.AwsPortSample.Outcome;
import dev.cairn.samples.AwsPortSample.Quote;
import dev.cairn.samples.AwsPortSample.QuoteFormat;
import dev.cairn.samples.AwsPortSample.QuoteRequest;
import dev.cairn.samples.AwsPortSample.QuoteWorkflow;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestOperation;
import dev.cairn.test.TestResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The aws-port sample's workflow under the test kit, on the in-memory store and on H2. */
class AwsPortWorkflowTest {

    static final QuoteRequest REQUEST = new QuoteRequest("desk", List.of("down-acme", "globex", "initech",
            "umbrella"), 2, Duration.ofHours(1));

    abstract static class Cases {
        final Map<String, Quote> inbox = new ConcurrentHashMap<>();

        @Test
        void theMapStopsOnItsPredicateAndTheBuyerAcceptsTheBestQuote(TestEngine engine) {
            TestResult<Outcome> r = engine.run(QuoteWorkflow.class, REQUEST);
            assertEquals(ExecutionStatus.SUSPENDED, r.status(), "waiting for the buyer");
            assertEquals(1, inbox.size());

            engine.completeCallback(r.executionId(), "accept", "accepted");

            Outcome outcome = engine.result(r).result();
            assertEquals(new Quote("globex", 1000 + 37 * 4 * 2), outcome.best(), "the cheaper of the two answers");
            assertEquals("accepted", outcome.decision());
            assertEquals(CompletionReason.COMPLETION_PREDICATE_MET.name(), outcome.completionReason());
            assertEquals(3, outcome.answered(), "down-acme failed, globex and initech answered");
            assertEquals(1, outcome.skipped(), "umbrella was never asked");
            TestOperation map = engine.result(r).operation("ask-providers");
            assertEquals(3, map.children().size(), "three items started, the fourth never: " + map.children());
        }

        @Test
        void theKeptQuoteIsCheckpointedInItsOwnFormatAndReadBackWithIt(TestEngine engine) {
            TestResult<Outcome> r = engine.run(QuoteWorkflow.class, REQUEST);
            TestOperation kept = r.operation("keep-best");
            assertEquals("globex=1296", kept.resultJson(), "provider=cents, not JSON");
            assertEquals(new Quote("globex", 1296), kept.result(new QuoteFormat(), Quote.class));
            assertThrows(SerializationException.class, () -> kept.result(Quote.class), "JSON cannot read it");
            assertThrows(SerializationException.class, () -> new QuoteFormat().deserialize("{}", Quote.class));

            engine.completeCallback(r.executionId(), "accept", "accepted"); // the replay reads it with QuoteFormat
            assertEquals(new Quote("globex", 1296), engine.result(r).result().best());
        }

        @Test
        void aBuyerWhoNeverAnswersEndsItAfterTheHour(TestEngine engine) {
            TestResult<Outcome> r = engine.runUntilComplete(QuoteWorkflow.class, REQUEST);

            assertEquals("no answer", r.result().decision());
            assertEquals(Duration.ofHours(1), Duration.between(r.description().createdAt(), engine.clock().now()));
        }
    }

    @Nested
    class InMemory extends Cases {
        @RegisterExtension
        CairnExtension cairn = CairnExtension.inMemory().register(new QuoteWorkflow(inbox::put));
    }

    @Nested
    class OnH2 extends Cases {
        @RegisterExtension
        CairnExtension cairn = CairnExtension.h2().register(new QuoteWorkflow(inbox::put));
    }
}
