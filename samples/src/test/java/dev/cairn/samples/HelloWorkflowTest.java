package dev.cairn.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.ExecutionStatus;
import dev.cairn.HistoryEventType;
import dev.cairn.samples.HelloSample.HelloEvent;
import dev.cairn.samples.HelloSample.HelloFunction;
import dev.cairn.samples.HelloSample.HelloResponse;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hello sample's function under the test kit: its ten-second wait passes in virtual time. */
class HelloWorkflowTest {

    @RegisterExtension
    CairnExtension cairn = CairnExtension.inMemory().register(new HelloFunction());

    @Test
    void theStepRunsOnceAndTheWaitEndsTheRun(TestEngine engine) {
        TestResult<HelloResponse> r = engine.run(HelloFunction.class, new HelloEvent("test"));
        assertEquals(ExecutionStatus.SUSPENDED, r.status(), "waiting ten seconds");

        engine.advance(Duration.ofSeconds(9));
        assertEquals(ExecutionStatus.SUSPENDED, engine.result(r).status(), "not yet");
        engine.advance(Duration.ofSeconds(1));

        TestResult<HelloResponse> done = engine.result(r);
        assertEquals(new HelloResponse(200, "from my_step: 123"), done.result());
        assertEquals(1, done.operation("my-step").attempts());
        assertEquals(1, done.history(HistoryEventType.EXECUTION_RESUMED).size(), "resumed once, after the wait");
    }

    @Test
    void aCrashInTheStepRunsItAgainOnTheFreshEngine(TestEngine engine) {
        engine.crashBefore("my-step");

        TestResult<HelloResponse> done = engine.runUntilComplete(HelloFunction.class, new HelloEvent("test"));

        assertEquals(new HelloResponse(200, "from my_step: 123"), done.result());
        assertEquals(1, done.operation("my-step").attempts(), "the lost attempt left no trace");
        assertEquals(1, engine.crashes().size(), engine.crashes().toString());
    }
}
