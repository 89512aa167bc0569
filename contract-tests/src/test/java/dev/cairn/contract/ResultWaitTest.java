package dev.cairn.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.StartOptions;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.testing.InMemoryExecutionStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How an engine learns that an execution it waits for has ended. */
class ResultWaitTest {

    private static final class CountingStore extends ForwardingStore {
        final AtomicInteger reads = new AtomicInteger();

        CountingStore() {
            super(new InMemoryExecutionStore());
        }

        @Override
        public Optional<ExecutionRecord> findExecution(String executionId) {
            reads.incrementAndGet();
            return super.findExecution(executionId);
        }
    }

    @Test
    void waitingForAnExecutionThatRunsHereReadsNothingFromTheStore() throws Exception {
        CountingStore store = new CountingStore();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try (DurableEngine engine = DurableEngine.builder().store(store)
                .register("held", String.class, String.class, (in, ctx) -> {
                    String first = ctx.step("first", String.class, s -> in + "!");
                    running.countDown();
                    release.await();
                    return ctx.step("second", String.class, s -> first + "?");
                })
                .build()) {
            engine.start();
            ExecutionHandle<String> handle = engine.startExecution("held", "hi", String.class, StartOptions.defaults());
            assertTrue(running.await(10, TimeUnit.SECONDS), "the run reached its second step");
            int before = store.reads.get();
            CompletableFuture<String> result = handle.future(); // waits from here on
            release.countDown();
            assertEquals("hi!?", result.get(10, TimeUnit.SECONDS));
            assertEquals(before, store.reads.get(), "reads of the execution while waiting for its result");
        }
    }

    /** An execution without steps often ends before its handle is asked for the result: still found. */
    @Test
    void aResultAskedForAsTheExecutionEndsHereIsFound() {
        try (DurableEngine engine = DurableEngine.builder().store(new InMemoryExecutionStore())
                .register("quick", String.class, String.class, (in, ctx) -> in + "!")
                .build()) {
            engine.start();
            for (int i = 0; i < 200; i++) {
                ExecutionHandle<String> handle = engine.startExecution("quick", "n" + i, String.class,
                        StartOptions.defaults());
                assertEquals("n" + i + "!", handle.result(Duration.ofSeconds(10)));
            }
        }
    }
}
