package dev.cairn.contract;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.BatchItemFailedException;
import dev.cairn.BatchItemStatus;
import dev.cairn.CompletionReason;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.spi.Checkpoint;
import dev.cairn.BatchResult;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableFuture;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.OperationType;
import dev.cairn.ParallelBatch;
import dev.cairn.ParallelBranch;
import dev.cairn.Settled;
import dev.cairn.StepFailedException;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.ChildContextConfig;
import dev.cairn.config.CompletionConfig;
import dev.cairn.config.Jitter;
import dev.cairn.config.Nesting;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.WaitForConditionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What code ported from the AWS durable SDK relies on, run against every store: an asynchronous variant of every
 * operation, {@code allSettled}, completion predicates, item namers, branch futures, unnamed operations, flat
 * (virtual) batches and child contexts, and large child results (per-operation serializers are
 * {@link SerializerContractTest}'s). Time moves only through the {@link dev.cairn.testing.VirtualClock}.
 */
public abstract class PortingContractTest extends EngineContractSupport {

    /** For subclasses, one per store. */
    protected PortingContractTest() {
    }

    // ================================================================== async variants

    @Test
    void mapAsyncAndParallelAsyncRunBesideTheParentAndAreNotRunAgainOnReplay() {
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        DurableEngine engine = started(builder().register("async-batches", String.class, String.class, (in, ctx) -> {
            DurableFuture<BatchResult<Integer>> squares = ctx.mapAsync("squares", List.of(1, 2, 3), Integer.class,
                    (item, index, c) -> {
                        c.wait("pause", Duration.ofMinutes(1));
                        return c.step("square", Integer.class, s -> {
                            runs.computeIfAbsent("item " + index, k -> new AtomicInteger()).incrementAndGet();
                            return item * item;
                        });
                    }, BatchConfig.defaults());
            DurableFuture<BatchResult<String>> checks = ctx.parallelAsync("checks", String.class, List.of(
                    ParallelBranch.of("a", c -> c.step("a", String.class, s -> "A")),
                    ParallelBranch.of("b", c -> c.step("b", String.class, s -> "B"))), BatchConfig.defaults());
            String parent = ctx.step("parent", String.class, s -> {
                runs.computeIfAbsent("parent", k -> new AtomicInteger()).incrementAndGet();
                return "P";
            });
            return parent + squares.get().results() + checks.get().results();
        }));
        ExecutionHandle<String> h = start(engine, "async-batches", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertEquals(1, runs.get("parent").get(), "the parent went on while the map's items waited");
        clock.advance(Duration.ofMinutes(1));
        assertEquals("P[1, 4, 9][A, B]", h.result(RESULT_TIMEOUT));
        runs.forEach((what, n) -> assertEquals(1, n.get(), what + " ran once"));
        assertEquals(4, runs.size());
    }

    @DurableWorkflow(name = "courier")
    static final class Courier implements DurableFunction<String, String> {
        @Override
        public String handle(String parcel, DurableContext ctx) {
            ctx.wait("drive", Duration.ofHours(1));
            return "delivered " + parcel;
        }
    }

    @Test
    void invokeAsyncRunsTheChildWhileTheParentGoesOn() {
        List<String> parentSteps = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register(new Courier())
                .register("dispatch", String.class, String.class, (in, ctx) -> {
                    DurableFuture<String> first = ctx.invokeAsync("first", Courier.class, "p1", String.class);
                    DurableFuture<String> second = ctx.invokeAsync("second", "courier", "p2",
                            dev.cairn.TypeRef.of(String.class));
                    ctx.step("invoice", String.class, s -> {
                        parentSteps.add("invoice");
                        return "sent";
                    });
                    return first.get() + ", " + second.get();
                }));
        ExecutionHandle<String> h = start(engine, "dispatch", "x", String.class);
        awaitStatus(engine, h.executionId() + "/1", ExecutionStatus.SUSPENDED);
        awaitStatus(engine, h.executionId() + "/2", ExecutionStatus.SUSPENDED);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertEquals(List.of("invoice"), parentSteps, "the parent did not wait for its children to invoice");
        clock.advance(Duration.ofHours(1));
        assertEquals("delivered p1, delivered p2", h.result(RESULT_TIMEOUT));
        assertEquals(List.of("invoice"), parentSteps);
    }

    @Test
    void waitForCallbackAsyncLetsTwoCallbacksBeAwaitedTogether() {
        Map<String, String> callbacks = new ConcurrentHashMap<>();
        DurableEngine engine = started(builder().register("two-approvals", String.class, String.class, (in, ctx) -> {
            DurableFuture<String> legal = ctx.waitForCallbackAsync("legal", String.class,
                    (id, s) -> callbacks.put("legal", id));
            DurableFuture<String> finance = ctx.waitForCallbackAsync("finance", String.class,
                    (id, s) -> callbacks.put("finance", id));
            return DurableFuture.allOf(legal, finance).get().toString();
        }));
        ExecutionHandle<String> h = start(engine, "two-approvals", "x", String.class);
        await().atMost(RESULT_TIMEOUT).until(() -> callbacks.size() == 2);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallback(callbacks.get("finance"), "ok by finance");
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallback(callbacks.get("legal"), "ok by legal");
        assertEquals("[ok by legal, ok by finance]", h.result(RESULT_TIMEOUT));
    }

    @Test
    void waitForConditionAsyncAndWithRetryAsyncReturnFutures() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register("poll-and-retry", String.class, String.class, (in, ctx) -> {
            DurableFuture<Integer> job = ctx.waitForConditionAsync("job", Integer.class, (state, s) -> state + 50,
                    WaitForConditionConfig.builder(0).until(p -> p >= 100).initialDelay(Duration.ofSeconds(10))
                            .maxDelay(Duration.ofSeconds(10)).jitter(Jitter.NONE).build());
            DurableFuture<String> charge = ctx.withRetryAsync("charge", String.class,
                    RetryStrategies.fixedDelay(3, Duration.ofSeconds(10)), (attempt, c) -> {
                        String r = c.step("try", String.class, s -> {
                            attempts.add(s.attempt());
                            return "tried";
                        });
                        if (attempt < 2) {
                            throw new IllegalStateException("declined on attempt " + attempt);
                        }
                        return r + " " + attempt;
                    });
            return job.get() + " " + charge.get();
        }));
        ExecutionHandle<String> h = start(engine, "poll-and-retry", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(10));
        assertEquals("100 tried 2", h.result(RESULT_TIMEOUT));
        assertEquals(List.of(1, 1), attempts, "each attempt ran its own step once, as its first attempt");
    }

    @Test
    void withRetryTellsItsBodyWhichAttemptItRunsOnEveryReplay() {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        DurableEngine engine = started(builder().register("attempts", String.class, String.class, (in, ctx) ->
                ctx.withRetry("reserve", String.class, RetryStrategies.fixedDelay(3, Duration.ofMinutes(1)),
                        (attempt, c) -> {
                            seen.add(attempt);
                            if (attempt < 3) {
                                throw new IllegalStateException("no stock yet");
                            }
                            return "reserved on attempt " + attempt;
                        })));
        ExecutionHandle<String> h = start(engine, "attempts", "x", String.class);
        for (int i = 1; i <= 2; i++) {
            int expected = i;
            await().atMost(RESULT_TIMEOUT).until(() -> seen.contains(expected));
            awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
            clock.advance(Duration.ofMinutes(1));
        }
        assertEquals("reserved on attempt 3", h.result(RESULT_TIMEOUT));
        assertEquals(List.of(1, 2, 3), seen, "failed attempts are replayed from their checkpoints, not run again");
    }

    @Test
    void allSettledWaitsForEveryFutureAndThrowsNoneOfTheirErrors() {
        List<String> seen = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register("settle", String.class, String.class, (in, ctx) -> {
            DurableFuture<String> ok = ctx.stepAsync("ok", String.class, s -> "fine");
            DurableFuture<String> bad = ctx.stepAsync("bad", String.class, s -> {
                throw new IllegalStateException("broken");
            }, NO_RETRY);
            DurableFuture<Void> later = ctx.waitAsync("later", Duration.ofMinutes(1));
            List<Settled<Object>> all = DurableFuture.allSettled(ok, bad, later).get();
            String summary = all.get(0).value() + " " + all.get(1).failed() + " "
                    + all.get(1).error().getClass().getSimpleName() + " "
                    + ((StepFailedException) all.get(1).error()).error().message() + " " + all.get(2).succeeded();
            seen.add(summary);
            ctx.wait("after", Duration.ofMinutes(1));
            return summary;
        }));
        ExecutionHandle<String> h = start(engine, "settle", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertTrue(seen.isEmpty(), "allSettled waited for the wait");
        clock.advance(Duration.ofMinutes(1));
        // Until the run has passed allSettled it is still SUSPENDED from before: wait for it to get there.
        await().atMost(RESULT_TIMEOUT).until(() -> seen.size() == 1);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        String expected = "fine true StepFailedException broken true";
        assertEquals(expected, h.result(RESULT_TIMEOUT));
        assertEquals(List.of(expected, expected), seen, "the first run, then the replay");
    }

    // ================================================================== completion predicate

    @Test
    void aCompletionPredicateStopsTheBatchOnItsCountsAndDecidesTheSameOnResume() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register("stop-early", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("orders", IntStream.range(0, 10).boxed().toList(), Integer.class,
                    (item, index, c) -> {
                        c.wait("settle", Duration.ofMinutes(1));
                        return c.step("check", Integer.class, s -> {
                            runs.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
                            if (item % 3 == 1) {
                                throw new IllegalStateException("declined " + item);
                            }
                            return item;
                        }, NO_RETRY);
                    }, BatchConfig.builder().maxConcurrency(2)
                            .completion(CompletionConfig.shouldComplete(counts -> counts.succeeded() >= 3)).build());
            String summary = r.completionReason() + " ok=" + r.successCount() + " failed=" + r.failureCount()
                    + " unfinished=" + (r.startedCount() + r.skippedCount()) + " " + r.results();
            seen.add(summary);
            ctx.wait("after", Duration.ofMinutes(1));
            return summary;
        }));
        ExecutionHandle<String> h = start(engine, "stop-early", "x", String.class);
        // Two items at a time, each waiting a minute: items 0 and 1 finish (1 fails), then 2 and 3 (the third success).
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(RESULT_TIMEOUT).until(() -> runs.size() == 2);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(RESULT_TIMEOUT).until(() -> seen.size() == 1);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        String expected = "COMPLETION_PREDICATE_MET ok=3 failed=1 unfinished=6 [0, 2, 3]";
        assertEquals(expected, h.result(RESULT_TIMEOUT));
        assertEquals(List.of(expected, expected), seen, "the first run, then the replay");
        assertEquals(Set.of(0, 1, 2, 3), runs.keySet(), "no item started after the predicate was met");
        runs.forEach((index, n) -> assertEquals(1, n.get(), "item " + index + " ran its step once"));
    }

    // ================================================================== item namers

    record Invoice(String number, int cents) {
    }

    @Test
    void anItemNamerNamesEachMapItemInDescribeAndInTheResult() {
        DurableEngine engine = started(builder().register("invoices", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("bill", List.of(new Invoice("INV-7", 700), new Invoice("INV-9", 900)),
                    Integer.class, (invoice, index, c) -> {
                        c.wait("due", Duration.ofDays(1));
                        return c.step("charge", Integer.class, s -> invoice.cents());
                    }, BatchConfig.builder().itemNamer(Invoice.class, (invoice, index) -> invoice.number()).build());
            return r.items().stream().map(i -> i.name() + "=" + i.result()).toList().toString();
        }));
        ExecutionHandle<String> h = start(engine, "invoices", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofDays(1));
        assertEquals("[INV-7=700, INV-9=900]", h.result(RESULT_TIMEOUT));
        Map<String, String> names = new java.util.TreeMap<>();
        engine.describe(h.executionId()).operations().forEach(o -> names.put(o.id(), o.name()));
        assertEquals("INV-7", names.get("1-1"));
        assertEquals("INV-9", names.get("1-2"));
        assertEquals("charge", names.get("1-2-2"));
    }

    // ================================================================== branch futures and throwIfError

    @Test
    void parallelBranchesOfDifferentTypesHaveFuturesOfTheirOwnOnEveryReplay() {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger scoreRuns = new AtomicInteger();
        DurableEngine engine = started(builder().register("loan", String.class, String.class, (in, ctx) -> {
            DurableFuture<Integer> score;
            DurableFuture<Boolean> clean;
            DurableFuture<List<String>> notes;
            ParallelBatch checks = ctx.parallel("checks");
            try (checks) {
                score = checks.branch("credit", Integer.class, c -> c.step("score", Integer.class, s -> {
                    scoreRuns.incrementAndGet();
                    return 720;
                }));
                clean = checks.branch("fraud", Boolean.class, c -> {
                    c.wait("review", Duration.ofHours(1));
                    return c.step("screen", Boolean.class, s -> true);
                });
                notes = checks.branch("notes", new dev.cairn.TypeRef<List<String>>() { },
                        c -> List.of("steady income"));
            }
            String summary = score.get() + " " + clean.get() + " " + notes.get() + " "
                    + checks.get().completionReason() + " " + checks.get().successCount();
            seen.add(summary);
            ctx.wait("after", Duration.ofHours(1));
            return summary;
        }));
        ExecutionHandle<String> h = start(engine, "loan", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        await().atMost(RESULT_TIMEOUT).until(() -> seen.size() == 1);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        String expected = "720 true [steady income] ALL_COMPLETED 3";
        assertEquals(expected, h.result(RESULT_TIMEOUT));
        assertEquals(List.of(expected, expected), seen, "the first run, then the replay");
        assertEquals(1, scoreRuns.get());
        List<String> ids = engine.describe(h.executionId()).operations().stream().map(o -> o.id() + ":" + o.name())
                .toList();
        assertTrue(ids.containsAll(List.of("1:checks", "1-1:credit", "1-2:fraud", "1-3:notes")), ids.toString());
    }

    @Test
    void aBranchCannotBeAddedOnceTheBatchHasStarted() {
        DurableEngine engine = started(builder().register("late-branch", String.class, String.class, (in, ctx) -> {
            ParallelBatch batch = ctx.parallel("late");
            DurableFuture<String> a = batch.branch("a", String.class, c -> "A");
            String first = a.get();
            try {
                batch.branch("b", String.class, c -> "B");
                return "added";
            } catch (IllegalStateException e) {
                return first + " " + e.getMessage();
            }
        }));
        String r = start(engine, "late-branch", "x", String.class).result(RESULT_TIMEOUT);
        assertTrue(r.startsWith("A parallel 'late' has started, so branch 'b' cannot be added"), r);
    }

    /** A checked exception of the workflow's own. */
    public static final class OutOfStock extends Exception {
        public OutOfStock(String message) {
            super(message);
        }
    }

    @Test
    void throwIfErrorRethrowsTheFirstFailureAsItsOwnTypeOnEveryReplay() {
        List<String> seen = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register("rethrow", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("items", List.of(0, 1, 2, 3), Integer.class, (item, index, c) -> {
                if (item == 1) {
                    throw new IllegalArgumentException("bad item " + item);
                }
                if (item == 3) {
                    throw new OutOfStock("none of " + item);
                }
                return item;
            }, BatchConfig.defaults());
            try {
                r.throwIfError();
                seen.add("nothing thrown");
            } catch (IllegalArgumentException e) {
                seen.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            BatchResult<Integer> checked = ctx.map("checked", List.of(3), Integer.class, (item, index, c) -> {
                throw new OutOfStock("none of " + item);
            }, BatchConfig.defaults());
            try {
                checked.throwIfError();
            } catch (BatchItemFailedException e) {
                seen.add(e.getClass().getSimpleName() + " caused by " + e.getCause().getClass().getSimpleName() + ": "
                        + e.getCause().getMessage() + " at item " + e.index());
            }
            ctx.map("fine", List.of(5), Integer.class, (item, index, c) -> item, BatchConfig.defaults()).throwIfError();
            ctx.wait("after", Duration.ofMinutes(1));
            return String.join("; ", seen.subList(seen.size() - 2, seen.size()));
        }));
        ExecutionHandle<String> h = start(engine, "rethrow", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        String expected = "IllegalArgumentException: bad item 1; BatchItemFailedException caused by OutOfStock: none of"
                + " 3 at item 0";
        assertEquals(expected, h.result(RESULT_TIMEOUT));
        assertEquals(4, seen.size(), "the first run and the replay saw the same: " + seen);
        assertEquals(seen.subList(0, 2), seen.subList(2, 4));
    }

    // ================================================================== unnamed operations

    @Test
    void unnamedOperationsGetIdsByPositionReplayAndAreDescribedWithoutNames() {
        Map<String, String> callbacks = new ConcurrentHashMap<>();
        AtomicInteger stepRuns = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register(new Courier())
                .register("anonymous", String.class, String.class, (in, ctx) -> {
                    String a = ctx.step(String.class, s -> "a" + stepRuns.incrementAndGet());
                    ctx.wait(Duration.ofMinutes(1));
                    String b = ctx.waitForCallback(String.class, (id, s) -> callbacks.put("cb", id));
                    String c = ctx.runInChildContext(String.class, child -> child.step(String.class, s -> "c"));
                    BatchResult<String> m = ctx.map(List.of("x", "y"), String.class, (item, i, cc) -> item,
                            BatchConfig.defaults());
                    BatchResult<String> p = ctx.parallel(String.class, List.of(ParallelBranch.of("only", cc -> "p")),
                            BatchConfig.defaults());
                    String d = ctx.invoke(Courier.class, "parcel", String.class);
                    String summary = a + b + c + m.results() + p.results() + " " + d;
                    seen.add(summary);
                    return summary;
                }));
        ExecutionHandle<String> h = start(engine, "anonymous", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(RESULT_TIMEOUT).until(() -> callbacks.containsKey("cb"));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallback(callbacks.get("cb"), "b");
        awaitStatus(engine, h.executionId() + "/7", ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        assertEquals("a1bc[x, y][p] delivered parcel", h.result(RESULT_TIMEOUT));
        assertEquals(1, stepRuns.get(), "the unnamed step replayed from its checkpoint");
        Map<String, OperationDescription> ops = new java.util.TreeMap<>();
        engine.describe(h.executionId()).operations().forEach(o -> ops.put(o.id(), o));
        for (String id : List.of("1", "2", "3", "4", "5", "6", "7")) {
            assertTrue(ops.containsKey(id), "operation " + id + " in " + ops.keySet());
            assertNull(ops.get(id).name(), "operation " + id + " is unnamed");
        }
        assertEquals(OperationType.STEP, ops.get("1").type());
        assertEquals(OperationType.WAIT, ops.get("2").type());
        assertEquals(OperationType.INVOKE, ops.get("7").type());
        assertEquals("submit", ops.get("3-2").name());
    }

    @Test
    void anUnnamedStepWhereANamedOneWasRecordedFailsTheExecutionSayingSo() {
        java.util.concurrent.atomic.AtomicBoolean named = new java.util.concurrent.atomic.AtomicBoolean(true);
        DurableEngine engine = started(builder().register("renamed", String.class, String.class, (in, ctx) -> {
            String r = named.get() ? ctx.step("charge", String.class, s -> "ok") : ctx.step(String.class, s -> "ok");
            ctx.wait(Duration.ofMinutes(1));
            return r;
        }));
        ExecutionHandle<String> h = start(engine, "renamed", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        named.set(false);
        clock.advance(Duration.ofMinutes(1));
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertTrue(e.error().message().contains("recorded as STEP 'charge' but the code now calls STEP (unnamed)"),
                e.error().message());
    }

    // ================================================================== flat (virtual) batches

    /** Counts the operation rows the engine writes (inserted or updated), across every checkpoint. */
    static final class CountingStore extends ForwardingStore {
        final AtomicInteger operationWrites = new AtomicInteger();

        CountingStore(dev.cairn.spi.ExecutionStore delegate) {
            super(delegate);
        }

        @Override
        public List<dev.cairn.spi.CommitOutcome> commit(List<Checkpoint> batch) {
            for (Checkpoint c : batch) {
                operationWrites.addAndGet(c.operationInserts().size() + c.operationUpdates().size());
            }
            return super.commit(batch);
        }
    }

    @Test
    void aFlatMapOfAThousandItemsWritesOnlyTheItemsStepsAndItsReplayWritesNothingForThem() {
        AtomicInteger stepRuns = new AtomicInteger();
        CountingStore counting = new CountingStore(store);
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        DurableEngine engine = started(builderOn(counting).register("flat-map", String.class, String.class,
                (in, ctx) -> {
                    BatchResult<Integer> r = ctx.map("double", items, Integer.class,
                            (item, index, c) -> c.step("double", Integer.class, s -> {
                                stepRuns.incrementAndGet();
                                return item * 2;
                            }), BatchConfig.builder().maxConcurrency(50).nesting(Nesting.FLAT).build());
                    ctx.wait("settle", Duration.ofMinutes(1)); // the run ends here; the next one replays the map
                    return r.successCount() + " " + r.results().stream().mapToInt(Integer::intValue).sum();
                }));
        ExecutionHandle<String> h = start(engine, "flat-map", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        int firstRun = counting.operationWrites.get();
        clock.advance(Duration.ofMinutes(1));

        assertEquals("1000 999000", h.result(RESULT_TIMEOUT));
        assertEquals(1000, stepRuns.get(), "every step ran once: the replay read them from their checkpoints");
        List<OperationDescription> ops = engine.describe(h.executionId()).operations();
        assertEquals(1002, ops.size(), "the map, its 1,000 steps and the wait: no row per item");
        assertEquals(1000, ops.stream().filter(o -> o.type() == OperationType.STEP && "1".equals(o.parentId()))
                .count(), "the items' steps are children of the map");
        // First run: the map started and ended (2), each step (1,000), the wait (1).
        assertEquals(1003, firstRun, "checkpoints written by the first run");
        assertEquals(1, counting.operationWrites.get() - firstRun, "the replay wrote the wait's end, nothing else");
    }

    @Test
    void aFlatMapResumedBeforeItCompletedDoesNotRunItsFinishedItemsStepsAgain() {
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        DurableEngine engine = started(builder().register("flat-waits", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.map("visit", List.of("a", "b", "c"), String.class, (item, index, c) -> {
                String first = c.step("first", String.class, s -> {
                    runs.computeIfAbsent("first " + item, k -> new AtomicInteger()).incrementAndGet();
                    return item.toUpperCase();
                });
                if (!item.equals("a")) {
                    c.wait("later", Duration.ofHours(index));
                }
                return first + c.step("second", String.class, s -> {
                    runs.computeIfAbsent("second " + item, k -> new AtomicInteger()).incrementAndGet();
                    return item;
                });
            }, BatchConfig.builder().nesting(Nesting.FLAT).build());
            return String.join(",", r.results());
        }));
        ExecutionHandle<String> h = start(engine, "flat-waits", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1)); // b goes on; c still waits
        await().atMost(RESULT_TIMEOUT).until(() -> runs.containsKey("second b"));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));

        assertEquals("Aa,Bb,Cc", h.result(RESULT_TIMEOUT));
        assertEquals(6, runs.size());
        runs.forEach((what, n) -> assertEquals(1, n.get(), what + " ran once over three runs"));
        assertTrue(engine.describe(h.executionId()).operations().stream()
                .noneMatch(o -> o.type() == OperationType.CONTEXT && !o.id().equals("1")), "no item rows");
    }

    @Test
    void aCompletedFlatParallelRebuildsItsBranchesOutcomesOnReplay() {
        AtomicInteger fastRuns = new AtomicInteger();
        DurableEngine engine = started(builder().register("flat-race", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.parallel("race", String.class, List.of(
                    ParallelBranch.of("fast", c -> c.step("fast", String.class, s -> {
                        fastRuns.incrementAndGet();
                        return "won";
                    })),
                    ParallelBranch.of("broken", c -> c.step("broken", String.class, s -> {
                        throw new IllegalStateException("no route");
                    }, NO_RETRY)),
                    ParallelBranch.of("slow", c -> {
                        c.wait("traffic", Duration.ofDays(1));
                        return "late";
                    })), BatchConfig.builder().nesting(Nesting.FLAT)
                    .completion(CompletionConfig.minSuccessful(1)).build());
            ctx.wait("cool-down", Duration.ofMinutes(5));
            return r.completionReason() + " " + r.items().stream().map(i -> i.name() + ":" + i.status()
                    + (i.status() == BatchItemStatus.SUCCEEDED ? "=" + i.result() : "")
                    + (i.status() == BatchItemStatus.FAILED ? "=" + i.error().message() : "")).toList();
        }));
        ExecutionHandle<String> h = start(engine, "flat-race", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(5));

        String result = h.result(RESULT_TIMEOUT);
        assertTrue(result.startsWith(CompletionReason.MIN_SUCCESSFUL_REACHED + " [fast:SUCCEEDED=won, "), result);
        assertTrue(result.endsWith(", slow:STARTED]"), result);
        // The broken branch may fail before the fast one wins, or still be under way: either way as first recorded.
        assertTrue(result.matches(".*broken:FAILED=step 'broken' \\(operation 1-2-1 .*no route, slow.*")
                || result.contains("broken:STARTED"), result);
        assertEquals(1, fastRuns.get());
    }

    @Test
    void aFlatItemThatNoLongerEndsAsRecordedFailsTheExecutionAsNonDeterministic() {
        java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
        DurableEngine engine = started(builder().register("flat-changed", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.map("pack", List.of("x", "y"), String.class, (item, index, c) -> {
                if (changed.get() && index == 1) {
                    throw new IllegalStateException("the new code gives up on " + item);
                }
                return c.step("pack", String.class, s -> "packed " + item);
            }, BatchConfig.builder().nesting(Nesting.FLAT).build());
            ctx.wait("ship", Duration.ofHours(1));
            return String.join(",", r.results());
        }));
        ExecutionHandle<String> h = start(engine, "flat-changed", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        changed.set(true);
        clock.advance(Duration.ofHours(1));

        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(NonDeterministicExecutionException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("MapItem 1 'item 1' of Map 'pack'")
                && e.error().message().contains("was recorded as succeeded")
                && e.error().message().contains("the new code gives up on y"), e.error().message());
    }

    static final ChildContextConfig FLAT_CHILD = ChildContextConfig.builder().nesting(Nesting.FLAT).build();

    @Test
    void aFlatChildContextWritesNothingItselfAndRunsItsBodyOnEveryReplay() {
        AtomicInteger bodyRuns = new AtomicInteger();
        AtomicInteger stepRuns = new AtomicInteger();
        DurableEngine engine = started(builder().register("flat-child", String.class, String.class, (in, ctx) -> {
            String quote = ctx.runInChildContext("quote", String.class, child -> {
                bodyRuns.incrementAndGet();
                String price = child.step("price", String.class, s -> {
                    stepRuns.incrementAndGet();
                    return "42";
                });
                child.wait("valid-for", Duration.ofMinutes(10));
                return "quote " + price;
            }, FLAT_CHILD);
            return quote + ctx.step("after", String.class, s -> "!");
        }));
        ExecutionHandle<String> h = start(engine, "flat-child", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(10));

        assertEquals("quote 42!", h.result(RESULT_TIMEOUT));
        assertEquals(2, bodyRuns.get(), "the body ran again when the execution resumed");
        assertEquals(1, stepRuns.get(), "its step replayed from its checkpoint");
        Map<String, OperationDescription> ops = new java.util.TreeMap<>();
        engine.describe(h.executionId()).operations().forEach(o -> ops.put(o.id(), o));
        assertEquals(Set.of("1-1", "1-2", "2"), ops.keySet(), "numbered under the child, which has no row");
        assertNull(ops.get("1-1").parentId(), "the child's operations belong to the enclosing (top) context");
    }

    @Test
    void aChildContextRecordedWithACheckpointThatTheCodeNowRunsFlatFailsAsNonDeterministic() {
        java.util.concurrent.atomic.AtomicBoolean flat = new java.util.concurrent.atomic.AtomicBoolean();
        DurableEngine engine = started(builder().register("renested", String.class, String.class, (in, ctx) -> {
            String v = ctx.runInChildContext("quote", String.class, child -> child.step("price", String.class,
                    s -> "42"), flat.get() ? FLAT_CHILD : ChildContextConfig.defaults());
            ctx.wait("later", Duration.ofMinutes(1));
            return v;
        }));
        ExecutionHandle<String> h = start(engine, "renested", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        flat.set(true);
        clock.advance(Duration.ofMinutes(1));

        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(NonDeterministicExecutionException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("as a FLAT (virtual) child context"), e.error().message());
    }

    // ================================================================== large child results

    @Test
    void aChildResultOverThePayloadLimitIsRebuiltFromTheChildsCheckpointsOnReplay() {
        AtomicInteger partRuns = new AtomicInteger();
        AtomicInteger bodyRuns = new AtomicInteger();
        DurableEngine engine = started(builder().maxPayloadBytes(1024).register("big-child", String.class,
                String.class, (in, ctx) -> {
                    String report = ctx.runInChildContext("report", String.class, child -> {
                        bodyRuns.incrementAndGet();
                        StringBuilder all = new StringBuilder();
                        for (int part = 0; part < 5; part++) {
                            int p = part;
                            all.append(child.step("part " + part, String.class, s -> {
                                partRuns.incrementAndGet();
                                return String.valueOf((char) ('a' + p)).repeat(900);
                            }));
                        }
                        return all.toString(); // 4,500 characters: over the 1,024-byte limit
                    });
                    ctx.wait("publish", Duration.ofHours(1));
                    return report.length() + " " + report.charAt(0) + report.charAt(report.length() - 1);
                }));
        ExecutionHandle<String> h = start(engine, "big-child", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        OperationDescription child = engine.describe(h.executionId()).operations().stream()
                .filter(o -> o.id().equals("1")).findFirst().orElseThrow();
        assertEquals(dev.cairn.OperationStatus.SUCCEEDED, child.status(), "the child succeeded");
        assertNull(child.result(), "without its result, which is too large to checkpoint");
        clock.advance(Duration.ofHours(1));

        assertEquals("4500 ae", h.result(RESULT_TIMEOUT));
        assertEquals(2, bodyRuns.get(), "the body ran again on replay to rebuild the result");
        assertEquals(5, partRuns.get(), "its steps replayed from their checkpoints");
    }

    @Test
    void aLargeChildResultWhoseReplayNoLongerEndsTheSameFailsAsNonDeterministic() {
        java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
        DurableEngine engine = started(builder().maxPayloadBytes(256).register("big-changed", String.class,
                String.class, (in, ctx) -> {
                    String big = ctx.runInChildContext("big", String.class, child -> {
                        String v = child.step("v", String.class, s -> "x".repeat(200))
                                + child.step("w", String.class, s -> "y".repeat(200)); // 402 bytes: over 256
                        if (changed.get()) {
                            child.wait("new wait", Duration.ofDays(1));
                        }
                        return v;
                    });
                    ctx.wait("later", Duration.ofMinutes(1));
                    return String.valueOf(big.length());
                }));
        ExecutionHandle<String> h = start(engine, "big-changed", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        changed.set(true);
        clock.advance(Duration.ofMinutes(1));

        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(NonDeterministicExecutionException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("result too large to checkpoint")
                && e.error().message().contains("it now waits again"), e.error().message());
    }

    @Test
    void aMapItemsResultOverThePayloadLimitIsRebuiltFromItsCheckpointsWhenTheBatchCompletesAndOnReplay() {
        Map<String, AtomicInteger> stepRuns = new ConcurrentHashMap<>();
        DurableEngine engine = started(builder().maxPayloadBytes(1024).register("big-items", String.class,
                String.class, (in, ctx) -> {
                    BatchResult<String> r = ctx.map("parts", List.of("big", "late"), String.class, (item, index, c) -> {
                        if (item.equals("late")) {
                            c.wait("later", Duration.ofHours(1)); // the batch completes in a later run
                        }
                        StringBuilder all = new StringBuilder();
                        for (int part = 0; part < (item.equals("big") ? 2 : 1); part++) {
                            String step = item + " " + part;
                            all.append(c.step(step, String.class, s -> {
                                stepRuns.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
                                return item.equals("big") ? "b".repeat(600) : "l";
                            }));
                        }
                        return all.toString(); // "big": 1,200 characters, over the 1,024-byte limit
                    }, BatchConfig.defaults());
                    ctx.wait("after", Duration.ofMinutes(1)); // the next run replays the completed batch
                    return r.results().stream().map(v -> String.valueOf(v.length())).toList().toString();
                }));
        ExecutionHandle<String> h = start(engine, "big-items", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        OperationDescription big = engine.describe(h.executionId()).operations().stream()
                .filter(o -> o.id().equals("1-1")).findFirst().orElseThrow();
        assertEquals(dev.cairn.OperationStatus.SUCCEEDED, big.status(), "the big item succeeded");
        assertNull(big.result(), "without its result, which is too large to checkpoint");
        clock.advance(Duration.ofHours(1)); // "late" ends: the batch completes and rebuilds "big"
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        await().atMost(RESULT_TIMEOUT).until(() -> engine.describe(h.executionId()).operations().stream()
                .anyMatch(o -> "after".equals(o.name())));
        clock.advance(Duration.ofMinutes(1));

        assertEquals("[1200, 1]", h.result(RESULT_TIMEOUT));
        assertEquals(3, stepRuns.size());
        stepRuns.forEach((step, n) -> assertEquals(1, n.get(), step + " ran once over three runs"));
    }
}
