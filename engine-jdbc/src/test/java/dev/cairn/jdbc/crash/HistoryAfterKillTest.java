package dev.cairn.jdbc.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.HistoryEvent;
import dev.cairn.HistoryEventType;
import dev.cairn.StartOptions;
import dev.cairn.StepInterruptedException;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.jdbc.ChildJvm;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history of an execution whose JVM was killed with {@code kill -9} in the middle of an at-most-once step:
 * the interrupted attempt shows as started, then failed with {@link StepInterruptedException} once the execution
 * resumed in the next JVM, followed by the attempt that succeeded.
 */
class HistoryAfterKillTest {

    private static final StepConfig AT_MOST_ONCE = StepConfig.builder()
            .semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY)
            .retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofMillis(1)))
            .build();

    @TempDir
    Path tmp;

    /** The workflow: one at-most-once step. In the child JVM its first attempt never returns. */
    static DurableEngine engine(Path dir, boolean hang, PrintStream out) {
        return DurableEngine.builder().ownStore(JdbcExecutionStore.h2(dir))
                .register("payment", String.class, String.class, (in, ctx) -> ctx.step("charge", String.class, s -> {
                    if (hang) {
                        out.println("IN-ATTEMPT " + s.executionId() + " " + s.attempt());
                        new java.util.concurrent.CountDownLatch(1).await(); // until the JVM is killed
                    }
                    return "charged " + in + " on attempt " + s.attempt();
                }, AT_MOST_ONCE))
                .build();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anAttemptCutShortByKillMinus9ShowsAsStartedThenInterrupted() throws Exception {
        Path dir = tmp.resolve("db");
        Process child = new ProcessBuilder(ChildJvm.command(Child.class, List.of(dir.toString())))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String executionId;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("IN-ATTEMPT "));
            assertTrue(line != null, "the child ended before its step began");
            executionId = line.split(" ")[1];
            child.destroyForcibly(); // SIGKILL, mid-attempt: no shutdown hook, no close
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }

        try (DurableEngine engine = engine(dir, false, System.out)) {
            engine.start();
            ExecutionHandle<String> h = engine.handle(executionId, String.class);
            assertEquals("charged order-7 on attempt 2", h.result(Duration.ofSeconds(60)));
            List<HistoryEvent> events = engine.history(executionId);
            assertEquals(List.of(HistoryEventType.EXECUTION_STARTED, HistoryEventType.STEP_STARTED,
                    HistoryEventType.EXECUTION_RESUMED, HistoryEventType.STEP_FAILED,
                    // the retry's backoff (1 ms) is a pause like any other
                    HistoryEventType.EXECUTION_SUSPENDED, HistoryEventType.EXECUTION_RESUMED,
                    HistoryEventType.STEP_STARTED, HistoryEventType.STEP_SUCCEEDED, HistoryEventType.EXECUTION_SUCCEEDED),
                    events.stream().map(HistoryEvent::type).toList(), events.toString());
            HistoryEvent interrupted = events.get(3);
            assertEquals(1, interrupted.attempt());
            assertEquals(StepInterruptedException.class.getName(), interrupted.error().type());
            assertTrue(interrupted.error().message().contains("did not finish before its run stopped"),
                    interrupted.error().message());
            assertEquals(2, events.get(6).attempt());
            assertEquals(2, events.get(7).attempt());
        }
    }

    /** The child JVM: starts the execution and hangs in its step's first attempt until it is killed. */
    public static final class Child {

        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                    StandardCharsets.UTF_8);
            ChildJvm.haltAfter(90, out::println);
            DurableEngine engine = engine(Path.of(args[0]), true, out);
            engine.start();
            engine.startExecution("payment", "order-7", String.class, StartOptions.defaults());
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }
}
