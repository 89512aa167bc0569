package dev.cairn.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.StartOptions;
import dev.cairn.config.StepConfig;
import dev.cairn.testing.InMemoryExecutionStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SLF4J MDC keys that user code sees: on the function's thread, a timed step's and a branch's. */
class MdcTest {

    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(20);

    private DurableEngine engine;

    @AfterEach
    void close() {
        engine.close();
    }

    private DurableEngine started(DurableEngine.Builder builder) {
        engine = builder.store(new InMemoryExecutionStore()).build();
        engine.start();
        return engine;
    }

    private static DurableEngine.Builder builder() {
        return DurableEngine.builder();
    }

    private static <T> ExecutionHandle<T> start(DurableEngine engine, String fn, Object input, Class<T> type) {
        return engine.startExecution(fn, input, type, StartOptions.defaults());
    }

    @Test
    void userCodeRunsWithTheExecutionIdAndFunctionInTheMdc() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register("logged", String.class, String.class, (in, ctx) -> {
            seen.add("fn " + org.slf4j.MDC.get("cairn.executionId") + " " + org.slf4j.MDC.get("cairn.function"));
            ctx.step("timed", String.class, s -> {
                seen.add("timed step " + org.slf4j.MDC.get("cairn.executionId"));
                return "t";
            }, StepConfig.builder().timeout(Duration.ofMinutes(1)).build());
            ctx.runInChildContextAsync("branch", String.class, child -> {
                seen.add("branch " + org.slf4j.MDC.get("cairn.executionId"));
                return "b";
            }).get();
            return "done";
        }));
        ExecutionHandle<String> h = start(engine, "logged", "x", String.class);
        assertEquals("done", h.result(RESULT_TIMEOUT));
        String id = h.executionId();
        assertEquals(List.of("fn " + id + " logged", "timed step " + id, "branch " + id), seen);
    }
}
