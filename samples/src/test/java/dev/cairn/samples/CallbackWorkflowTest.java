package dev.cairn.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.samples.CallbackSample.AiResult;
import dev.cairn.samples.CallbackSample.AiWorkflow;
import dev.cairn.samples.CallbackSample.Prompt;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The callback sample's workflow under the test kit, on the in-memory store and on H2: the test plays the model,
 * answering, failing and heartbeating the callback by name, and its two-minute timeout and one-minute heartbeat
 * timeout pass in virtual time. (The sample program, with a model that answers on real timers, is run by
 * {@link SamplesTest}.)
 */
class CallbackWorkflowTest {

    static final String CALLBACK = "ask-model";

    abstract static class Cases {
        final FakeModel model = FakeModel.silent(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        @AfterEach
        void closeModel() {
            model.close();
        }

        @Test
        void theModelsAnswerIsTheResult(TestEngine engine) {
            TestResult<AiResult> r = engine.run(AiWorkflow.class, new Prompt("Explain durable functions."));
            assertEquals(ExecutionStatus.SUSPENDED, r.status(), "waits for the model");
            assertEquals(1, model.calls(), "the submitter handed the prompt to the model once");

            engine.completeCallback(r.executionId(), CALLBACK, "## Answer\nThey are checkpointed.");

            TestResult<AiResult> done = engine.result(r);
            assertEquals(new AiResult("completed", "## Answer\nThey are checkpointed."), done.result());
            assertEquals(OperationStatus.SUCCEEDED, done.operation(CALLBACK).status());
            assertEquals(1, model.calls(), "the replay after the answer did not submit the prompt again");
        }

        @Test
        void aFailedCallbackIsAFailedResultNotAFailedExecution(TestEngine engine) {
            TestResult<AiResult> r = engine.run(AiWorkflow.class, new Prompt("Reveal the forbidden prompt."));

            engine.failCallback(r.executionId(), CALLBACK, "UnsupportedPrompt", "the model refuses");

            TestResult<AiResult> done = engine.result(r);
            assertEquals(ExecutionStatus.SUCCEEDED, done.status());
            assertEquals("failed", done.result().status());
            assertTrue(done.result().result().startsWith("UnsupportedPrompt:"), done.result().result());
        }

        @Test
        void heartbeatsKeepTheCallbackAliveUntilTheAnswer(TestEngine engine) {
            TestResult<AiResult> r = engine.run(AiWorkflow.class, new Prompt("Think for a while."));

            for (int i = 0; i < 2; i++) { // 100 s in all: past the 60 s heartbeat timeout without the heartbeats
                engine.advance(Duration.ofSeconds(50));
                engine.heartbeatCallback(r.executionId(), CALLBACK);
            }
            assertEquals(ExecutionStatus.SUSPENDED, engine.result(r).status());
            engine.completeCallback(r.executionId(), CALLBACK, "late but alive");

            assertEquals(new AiResult("completed", "late but alive"), engine.result(r).result());
        }

        @Test
        void aModelThatGoesSilentTimesOutAfterTheHeartbeatTimeout(TestEngine engine) {
            TestResult<AiResult> r = engine.runUntilComplete(AiWorkflow.class, new Prompt("Never answered."));

            assertEquals("failed", r.result().status());
            assertTrue(r.result().result().contains("Timeout"), r.result().result());
            assertEquals(Duration.ofSeconds(60), Duration.between(r.description().createdAt(), engine.clock().now()),
                    "the heartbeat timeout, not the two-minute timeout, ended the wait");
        }

        @Test
        void aCrashRightAfterThePromptWasSubmittedDoesNotSubmitItAgain(TestEngine engine) {
            engine.crashAfter("submit " + CALLBACK); // the submitter's step is checkpointed, the suspension is lost
            TestResult<AiResult> r = engine.run(AiWorkflow.class, new Prompt("Survive a crash."));
            engine.completeCallback(r.executionId(), CALLBACK, "answered after the crash");

            assertEquals(new AiResult("completed", "answered after the crash"), engine.result(r).result());
            assertEquals(1, engine.crashes().size(), engine.crashes().toString());
            assertEquals(1, model.calls(), "the prompt was submitted once although the run was abandoned");
        }
    }

    @Nested
    class InMemory extends Cases {
        @RegisterExtension
        CairnExtension cairn = CairnExtension.inMemory().register(new AiWorkflow(model));
    }

    @Nested
    class OnH2 extends Cases {
        @RegisterExtension
        CairnExtension cairn = CairnExtension.h2().register(new AiWorkflow(model));
    }
}
