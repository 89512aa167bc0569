package dev.cairn.contract;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.StartOptions;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.testing.InMemoryExecutionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the scheduler reads due executions from the store, and how often it claims them. */
class SchedulerReadsTest extends EngineContractSupport {

    @Override
    protected ExecutionStore openStore() {
        return new InMemoryExecutionStore();
    }

    /** Counts the store's reads of due executions, its claims per execution, and the suspensions it applied. */
    static class CountingStore extends ForwardingStore {
        final AtomicInteger dueReads = new AtomicInteger();
        final AtomicInteger suspended = new AtomicInteger();
        final Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
        final AtomicInteger claimCalls = new AtomicInteger();

        CountingStore(ExecutionStore delegate) {
            super(delegate);
        }

        @Override
        public List<DueExecution> findDue(Instant until, int limit) {
            dueReads.incrementAndGet();
            return super.findDue(until, limit);
        }

        @Override
        public List<DueExecution> findDueBetween(Instant from, Instant until, int limit) {
            dueReads.incrementAndGet();
            return delegate.findDueBetween(from, until, limit);
        }

        @Override
        public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
                Instant leaseUntil) {
            claims.computeIfAbsent(executionId, k -> new AtomicInteger()).incrementAndGet();
            claimCalls.incrementAndGet();
            return super.claim(executionId, owner, now, leaseNow, leaseUntil);
        }

        @Override
        public List<ExecutionRecord> claimAll(java.util.Collection<String> executionIds, String owner, Instant now,
                Instant leaseNow, Instant leaseUntil) {
            for (String id : executionIds) {
                claims.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            claimCalls.incrementAndGet();
            return delegate.claimAll(executionIds, owner, now, leaseNow, leaseUntil);
        }

        @Override
        public List<CommitOutcome> commit(List<Checkpoint> batch) {
            List<CommitOutcome> outcomes = super.commit(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).transition() != null && batch.get(i).transition().status() == ExecutionStatus.SUSPENDED
                        && outcomes.get(i) == CommitOutcome.APPLIED) {
                    suspended.incrementAndGet();
                }
            }
            return outcomes;
        }
    }

    @Test
    void moreTimersInTheWindowThanOnePageAreLoadedOnceNotReadAgainAtEveryTick() throws Exception {
        CountingStore counting = new CountingStore(store);
        DurableEngine engine = started(builderOn(counting)
                .register("waiter", Integer.class, Integer.class, (offset, ctx) -> {
                    ctx.wait("w", Duration.ofSeconds(20).plusMillis(offset));
                    return offset;
                }));
        int n = 1_200;
        List<ExecutionHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(engine.startExecution("waiter", i, Integer.class, StartOptions.defaults()));
        }
        await().atMost(RESULT_TIMEOUT).until(() -> counting.suspended.get() == n);
        Thread.sleep(300); // the window is loaded
        int before = counting.dueReads.get();
        Thread.sleep(1_000); // 100 ticks of 10 ms, 10 polls of 100 ms, and the clock stands still
        int reads = counting.dueReads.get() - before;
        assertTrue(reads <= 30, "reads of due executions in 1 s with nothing due: " + reads);

        clock.advance(Duration.ofSeconds(22));
        for (int i = 0; i < n; i++) {
            assertEquals(i, handles.get(i).result(RESULT_TIMEOUT));
        }
    }

    @Test
    void aDueExecutionReadAgainWhileItWaitsForAWorkerIsClaimedOnce() throws Exception {
        CountingStore counting = new CountingStore(store);
        DurableEngine engine = started(builderOn(counting).concurrency(2)
                .register("slow", Integer.class, Integer.class, (in, ctx) -> {
                    ctx.wait("w", Duration.ofSeconds(1));
                    return ctx.step("slow", Integer.class, s -> {
                        Thread.sleep(20);
                        return in;
                    });
                }));
        int n = 120;
        List<ExecutionHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(engine.startExecution("slow", i, Integer.class, StartOptions.defaults()));
        }
        await().atMost(RESULT_TIMEOUT).until(() -> counting.suspended.get() == n);
        // Starts made while the two workers were backlogged went in PENDING and were claimed to run: those claims
        // are not the ones this test is about, the claims of the resumes are.
        counting.claims.clear();
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < n; i++) {
            assertEquals(i, handles.get(i).result(RESULT_TIMEOUT));
        }
        Thread.sleep(300); // claims that would follow the last runs
        List<String> twice = counting.claims.entrySet().stream().filter(e -> e.getValue().get() > 1)
                .map(Map.Entry::getKey).toList();
        assertEquals(n, counting.claims.size(), "executions claimed");
        assertEquals(List.of(), twice, "executions claimed more than once");
    }

    @Test
    void executionsDueTogetherAreClaimedTogether() throws Exception {
        CountingStore counting = new CountingStore(store);
        DurableEngine engine = started(builderOn(counting).concurrency(4)
                .register("napper", Integer.class, Integer.class, (in, ctx) -> {
                    ctx.wait("w", Duration.ofSeconds(1));
                    return in;
                }));
        int n = 400;
        List<ExecutionHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(engine.startExecution("napper", i, Integer.class, StartOptions.defaults()));
        }
        await().atMost(RESULT_TIMEOUT).until(() -> counting.suspended.get() == n);
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < n; i++) {
            assertEquals(i, handles.get(i).result(RESULT_TIMEOUT));
        }
        assertEquals(n, counting.claims.size(), "executions claimed");
        assertTrue(counting.claimCalls.get() <= n / 2, "store calls to claim " + n + " executions: "
                + counting.claimCalls.get());
    }
}
