package dev.cairn.contract;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.BatchResult;
import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CallbackFailedException;
import dev.cairn.CancelOptions;
import dev.cairn.ChildContextFailedException;
import dev.cairn.ConditionNotMetException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableFuture;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.InvokeFailedException;
import dev.cairn.MapFunction;
import dev.cairn.OperationDescription;
import dev.cairn.OperationType;
import dev.cairn.ParallelBranch;
import dev.cairn.StartOptions;
import dev.cairn.StepFailedException;
import dev.cairn.StepFunction;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.CompletionConfig;
import dev.cairn.config.Jitter;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Composition: child contexts, parallel, map, async operations, invoke, waitForCondition, withRetry, execution
 * timeouts and cancellation, run against every store. Time moves only through the {@link VirtualClock}.
 *
 * <p>A long class of short specifications, one per promise, that a store's author runs by extending it once.
 */
public abstract class CompositionContractTest extends EngineContractSupport {

    /** For subclasses, one per store. */
    protected CompositionContractTest() {
    }

    // ================================================================== child contexts

    @Test
    void aChildContextIsCheckpointedAsOneUnitAndNotRunAgainOnReplay() {
        AtomicInteger childRuns = new AtomicInteger();
        DurableEngine engine = started(builder().register("child", String.class, String.class, (in, ctx) -> {
            String r = ctx.runInChildContext("prepare", String.class, child -> {
                childRuns.incrementAndGet();
                String a = child.step("a", String.class, s -> "a");
                return a + child.step("b", String.class, s -> "b");
            });
            ctx.wait("w", Duration.ofMinutes(1));
            return r + "!";
        }));
        ExecutionHandle<String> h = start(engine, "child", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        assertEquals("ab!", h.result(RESULT_TIMEOUT));
        assertEquals(1, childRuns.get());
        List<OperationDescription> ops = engine.describe(h.executionId()).operations();
        assertEquals(List.of("1", "1-1", "1-2", "2"), ops.stream().map(OperationDescription::id).toList());
        assertEquals("1", ops.get(1).parentId());
        assertEquals("\"ab\"", ops.get(0).result());
    }

    @Test
    void usingTheParentContextInsideAChildIsRejected() {
        DurableEngine engine = started(builder().register("misuse", String.class, String.class, (in, ctx) ->
                ctx.runInChildContext("child", String.class, child -> ctx.step("wrong", String.class, s -> "no"))));
        ExecutionHandle<String> h = start(engine, "misuse", "x", String.class);
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertTrue(e.error().message().contains("use the context the child function receives"), e.error().message());
    }

    @Test
    void aFailedChildContextThrowsTheSameErrorOnEveryReplay() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        DurableEngine engine = started(builder().register("failing-child", String.class, String.class, (in, ctx) -> {
            try {
                ctx.runInChildContext("child", String.class, child -> {
                    throw new IllegalStateException("no stock");
                });
            } catch (ChildContextFailedException e) {
                seen.add(e.error().type() + ":" + e.error().message());
            }
            ctx.wait("w", Duration.ofMinutes(1));
            return "done";
        }));
        ExecutionHandle<String> h = start(engine, "failing-child", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        assertEquals("done", h.result(RESULT_TIMEOUT));
        assertEquals(List.of(IllegalStateException.class.getName() + ":no stock",
                IllegalStateException.class.getName() + ":no stock"), seen);
    }

    // ================================================================== parallel

    @Test
    void parallelRunsNamedBranchesAndReportsEach() {
        DurableEngine engine = started(builder().register("par", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.parallel("checks", String.class, List.of(
                    ParallelBranch.of("credit", c -> c.step("score", String.class, s -> "ok")),
                    ParallelBranch.of("fraud", c -> {
                        throw new IllegalArgumentException("suspicious");
                    }),
                    ParallelBranch.of("stock", c -> c.step("count", String.class, s -> "7"))),
                    BatchConfig.defaults());
            return r.completionReason() + " " + r.items().stream()
                    .map(i -> i.name() + "=" + i.status() + (i.result() != null ? ":" + i.result() : "")
                            + (i.error() != null ? ":" + i.error().message() : ""))
                    .toList();
        }));
        assertEquals("ALL_COMPLETED [credit=SUCCEEDED:ok, fraud=FAILED:suspicious, stock=SUCCEEDED:7]",
                start(engine, "par", "x", String.class).result(RESULT_TIMEOUT));
    }

    @Test
    void aCallbackInsideAParallelBranchSuspendsOnlyOnceNoBranchCanProgress() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        AtomicInteger otherSteps = new AtomicInteger();
        DurableEngine engine = started(builder().register("approval", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.parallel("both", String.class, List.of(
                    ParallelBranch.of("human", c -> {
                        DurableCallback<String> cb = c.createCallback("approve", String.class);
                        c.step("notify", String.class, s -> {
                            callbackId.set(cb.id());
                            return "sent";
                        });
                        return cb.result();
                    }),
                    ParallelBranch.of("machine", c -> {
                        for (int i = 0; i < 5; i++) {
                            c.step("work " + i, Integer.class, s -> otherSteps.incrementAndGet());
                        }
                        return "computed";
                    })), BatchConfig.defaults());
            return String.join(",", r.results());
        }));
        ExecutionHandle<String> h = start(engine, "approval", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertEquals(5, otherSteps.get(), "the other branch ran to its end before the execution suspended");
        engine.completeCallback(callbackId.get(), "yes");
        assertEquals("yes,computed", h.result(RESULT_TIMEOUT));
        assertEquals(5, otherSteps.get());
    }

    @Test
    void minSuccessfulCompletesEarlyAndLeavesTheRestUnstarted() {
        Set<Integer> started = ConcurrentHashMap.newKeySet();
        DurableEngine engine = started(builder().register("quorum", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("approvers", IntStream.range(0, 10).boxed().toList(), Integer.class,
                    (item, index, c) -> c.step("approve", Integer.class, s -> {
                        started.add(index);
                        return item;
                    }),
                    BatchConfig.builder().maxConcurrency(1).completion(CompletionConfig.minSuccessful(2)).build());
            return r.completionReason() + " " + r.successCount() + "/" + r.skippedCount() + " " + r.results();
        }));
        assertEquals("MIN_SUCCESSFUL_REACHED 2/8 [0, 1]", start(engine, "quorum", "x", String.class).result(RESULT_TIMEOUT));
        assertEquals(Set.of(0, 1), started);
    }

    @Test
    void exceedingTheFailureToleranceCompletesTheBatch() {
        DurableEngine engine = started(builder().register("tolerant", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("items", IntStream.range(0, 8).boxed().toList(), Integer.class,
                    (item, index, c) -> c.step("work", Integer.class, s -> {
                        if (item % 2 == 1) {
                            throw new IllegalStateException("odd " + item);
                        }
                        return item;
                    }, NO_RETRY),
                    BatchConfig.builder().maxConcurrency(1).completion(CompletionConfig.toleratedFailureCount(1)).build());
            return r.completionReason() + " ok=" + r.successCount() + " failed=" + r.failureCount() + " skipped="
                    + r.skippedCount();
        }));
        assertEquals("FAILURE_TOLERANCE_EXCEEDED ok=2 failed=2 skipped=4",
                start(engine, "tolerant", "x", String.class).result(RESULT_TIMEOUT));
    }

    @Test
    void completionPoliciesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> CompletionConfig.toleratedFailurePercentage(1.5));
        assertThrows(IllegalArgumentException.class, () -> CompletionConfig.toleratedFailurePercentage(-0.1));
        assertThrows(IllegalArgumentException.class, () -> CompletionConfig.minSuccessful(0));
        assertThrows(IllegalArgumentException.class, () -> CompletionConfig.toleratedFailureCount(-1));
        assertThrows(IllegalArgumentException.class, () -> BatchConfig.builder().maxConcurrency(0));
        assertTrue(CompletionConfig.toleratedFailurePercentage(0.25).failureToleranceExceeded(3, 10));
        assertTrue(!CompletionConfig.toleratedFailurePercentage(0.25).failureToleranceExceeded(2, 10));
        assertTrue(CompletionConfig.allSuccessful().failureToleranceExceeded(1, 10));
        assertTrue(CompletionConfig.firstSuccessful().minSuccessfulReached(1));
    }

    @Test
    void allSuccessfulStopsAtTheFirstFailureAndFirstSuccessfulAtTheFirstSuccess() {
        DurableEngine engine = started(builder().register("policies", String.class, String.class, (in, ctx) -> {
            MapFunction<Integer, Integer> work = (item, index, c) -> c.step("w", Integer.class, s -> {
                if (item == 2) {
                    throw new IllegalStateException("two");
                }
                return item;
            }, NO_RETRY);
            List<Integer> items = List.of(0, 1, 2, 3, 4);
            BatchResult<Integer> all = ctx.map("all", items, Integer.class, work,
                    BatchConfig.builder().maxConcurrency(1).completion(CompletionConfig.allSuccessful()).build());
            BatchResult<Integer> first = ctx.map("first", items, Integer.class, work,
                    BatchConfig.builder().maxConcurrency(1).completion(CompletionConfig.firstSuccessful()).build());
            return all.completionReason() + " " + all.successCount() + "/" + all.failureCount() + "/"
                    + all.skippedCount() + "; " + first.completionReason() + " " + first.results();
        }));
        assertEquals("FAILURE_TOLERANCE_EXCEEDED 2/1/2; MIN_SUCCESSFUL_REACHED [0]",
                start(engine, "policies", "x", String.class).result(RESULT_TIMEOUT));
    }

    // ================================================================== map

    @Test
    void aMapOverAnEmptyListSucceedsAtOnce() {
        DurableEngine engine = started(builder().register("empty", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.map("nothing", List.<String>of(), String.class, (item, i, c) -> item,
                    BatchConfig.defaults());
            return r.completionReason() + " " + r.items().size();
        }));
        assertEquals("ALL_COMPLETED 0", start(engine, "empty", "x", String.class).result(RESULT_TIMEOUT));
    }

    @Test
    void aMapOverAnUnorderedSetIsRejected() {
        DurableEngine engine = started(builder().register("unordered", String.class, String.class, (in, ctx) -> {
            ctx.map("set", new HashSet<>(List.of("a", "b")), String.class, (item, i, c) -> item, BatchConfig.defaults());
            return "unexpected";
        }));
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class,
                () -> start(engine, "unordered", "x", String.class).result(RESULT_TIMEOUT));
        assertTrue(e.error().message().contains("ordered collection") && e.error().message().contains("HashSet"),
                e.error().message());
        // An ordered set is fine.
        DurableEngine again = started(builder().register("sorted", String.class, String.class, (in, ctx) ->
                String.join("", ctx.map("set", new TreeSet<>(List.of("b", "a")), String.class,
                        (item, i, c) -> item + i, BatchConfig.defaults()).results())));
        assertEquals("a0b1", start(again, "sorted", "x", String.class).result(RESULT_TIMEOUT));
    }

    @Test
    void maxConcurrencyBoundsTheItemsInFlightIncludingTheirAsyncSteps() {
        Set<Integer> active = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> activeSteps = new ConcurrentHashMap<>();
        AtomicInteger maxActive = new AtomicInteger();
        DurableEngine engine = started(builder().register("bounded", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("items", IntStream.range(0, 12).boxed().toList(), Integer.class,
                    (item, index, c) -> {
                        StepFunction<Integer> body = s -> {
                            synchronized (active) {
                                activeSteps.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
                                active.add(index);
                                maxActive.accumulateAndGet(active.size(), Math::max);
                            }
                            Thread.sleep(20);
                            synchronized (active) {
                                if (activeSteps.get(index).decrementAndGet() == 0) {
                                    active.remove(index);
                                }
                            }
                            return item;
                        };
                        DurableFuture<Integer> a = c.stepAsync("a", Integer.class, body);
                        DurableFuture<Integer> b = c.stepAsync("b", Integer.class, body);
                        return a.get() + b.get();
                    }, BatchConfig.builder().maxConcurrency(3).build());
            return r.successCount() + " " + r.results().stream().mapToInt(Integer::intValue).sum();
        }));
        assertEquals("12 132", start(engine, "bounded", "x", String.class).result(RESULT_TIMEOUT));
        assertTrue(maxActive.get() <= 3, "at most 3 items had work running at once, saw " + maxActive.get());
        assertTrue(maxActive.get() >= 2, "items did run concurrently, saw " + maxActive.get());
    }

    @Test
    void aCallbackInEveryMapItemWithBoundedConcurrency() {
        Map<Integer, String> callbacks = new ConcurrentHashMap<>();
        DurableEngine engine = started(builder().register("fan", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.map("docs", List.of("a", "b", "c", "d", "e"), String.class,
                    (doc, index, c) -> c.waitForCallback("summarise", String.class,
                            (id, s) -> callbacks.put(index, id), CallbackConfig.defaults()),
                    BatchConfig.builder().maxConcurrency(2).build());
            return String.join(",", r.results());
        }));
        ExecutionHandle<String> h = start(engine, "fan", "x", String.class);
        for (int round = 0; round < 5; round++) {
            int expected = Math.min(5, round + 2);
            await().atMost(RESULT_TIMEOUT).until(() -> callbacks.size() == expected);
            awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
            assertEquals(expected, callbacks.size(), "no more than 2 items in flight");
            engine.completeCallback(callbacks.get(round), "s" + round);
        }
        assertEquals("s0,s1,s2,s3,s4", h.result(RESULT_TIMEOUT));
    }

    @Test
    void aResumedMapDoesNotRunFinishedItemsAgain() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        DurableEngine engine = started(builder().register("resumable", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("items", IntStream.range(0, 6).boxed().toList(), Integer.class,
                    (item, index, c) -> {
                        int v = c.step("work", Integer.class, s -> {
                            runs.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
                            return item * 10;
                        });
                        if (item % 2 == 1) {
                            c.wait("slow", Duration.ofMinutes(item));
                        }
                        return v;
                    }, BatchConfig.builder().maxConcurrency(6).build());
            return r.results().toString();
        }));
        ExecutionHandle<String> h = start(engine, "resumable", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
        }
        assertEquals("[0, 10, 20, 30, 40, 50]", h.result(RESULT_TIMEOUT));
        runs.forEach((index, count) -> assertEquals(1, count.get(), "item " + index + " ran its step once"));
        assertEquals(6, runs.size());
    }

    @Test
    void aFailingSubmitterInAMapItemFailsThatItemWithoutHanging() {
        DurableEngine engine = started(builder().register("submitters", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.map("calls", List.of(0, 1), String.class,
                    (item, index, c) -> c.waitForCallback("model", String.class, (id, s) -> {
                        throw new IllegalStateException("unreachable " + item);
                    }, CallbackConfig.builder().submitterConfig(NO_RETRY).build()), BatchConfig.defaults());
            return r.failureCount() + " " + r.failures().get(0).error().type();
        }));
        assertEquals("2 " + CallbackFailedException.class.getName(),
                start(engine, "submitters", "x", String.class).result(RESULT_TIMEOUT));
    }

    @Test
    void parallelInsideMapInsideAChildContext() {
        DurableEngine engine = started(builder().register("nested", String.class, String.class, (in, ctx) ->
                ctx.runInChildContext("outer", String.class, outer -> {
                    BatchResult<String> r = outer.map("rows", List.of("x", "y"), String.class, (row, i, c) -> {
                        BatchResult<String> p = c.parallel("cols", String.class, List.of(
                                ParallelBranch.of("left", b -> b.step("l", String.class, s -> row + "L")),
                                ParallelBranch.of("right", b -> {
                                    b.wait("pause", Duration.ofSeconds(30));
                                    return b.step("r", String.class, s -> row + "R");
                                })), BatchConfig.defaults());
                        return String.join("", p.results());
                    }, BatchConfig.defaults());
                    return String.join("|", r.results());
                })));
        ExecutionHandle<String> h = start(engine, "nested", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(30));
        assertEquals("xLxR|yLyR", h.result(RESULT_TIMEOUT));
        List<String> ids = engine.describe(h.executionId()).operations().stream().map(OperationDescription::id).toList();
        assertTrue(ids.contains("1-1-2-1-2-2"), ids.toString());
    }

    // ================================================================== async operations

    @Test
    void asyncStepsRunConcurrentlyAndAllOfReturnsTheirResultsInOrder() {
        DurableEngine engine = started(builder().register("async", String.class, String.class, (in, ctx) -> {
            DurableFuture<String> a = ctx.stepAsync("a", String.class, s -> "A");
            DurableFuture<String> b = ctx.stepAsync("b", String.class, s -> "B");
            DurableFuture<Void> w = ctx.waitAsync("w", Duration.ofSeconds(5));
            List<Object> all = DurableFuture.allOf(a, b, w).get();
            return all.toString();
        }));
        ExecutionHandle<String> h = start(engine, "async", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(5));
        assertEquals("[A, B, null]", h.result(RESULT_TIMEOUT));
        assertEquals(List.of("1", "2", "3"), engine.describe(h.executionId()).operations().stream()
                .filter(o -> o.type() != OperationType.STEP || !"AnyOf".equals(o.subType()))
                .map(OperationDescription::id).toList());
    }

    @Test
    void anyOfPicksTheSameWinnerOnEveryReplay() {
        List<Object> winners = Collections.synchronizedList(new ArrayList<>());
        DurableEngine engine = started(builder().register("race", String.class, String.class, (in, ctx) -> {
            DurableFuture<String> fast = ctx.stepAsync("fast", String.class, s -> "fast");
            DurableFuture<Void> timeout = ctx.waitAsync("timeout", Duration.ofMinutes(5));
            winners.add(DurableFuture.anyOf(fast, timeout).get());
            ctx.wait("later", Duration.ofMinutes(10)); // by then the timeout is due too
            return String.valueOf(winners.get(winners.size() - 1));
        }));
        ExecutionHandle<String> h = start(engine, "race", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(10));
        assertEquals("fast", h.result(RESULT_TIMEOUT));
        assertEquals(List.of("fast", "fast"), winners);
    }

    @Test
    void aFailedAsyncStepThrowsFromGet() {
        DurableEngine engine = started(builder().register("async-fail", String.class, String.class, (in, ctx) -> {
            DurableFuture<String> a = ctx.stepAsync("a", String.class, s -> {
                throw new IllegalStateException("boom");
            }, NO_RETRY);
            try {
                return a.get();
            } catch (StepFailedException e) {
                return "caught " + e.error().message();
            }
        }));
        assertEquals("caught boom", start(engine, "async-fail", "x", String.class).result(RESULT_TIMEOUT));
    }

    // ================================================================== invoke

    record Order(String id) {
    }

    @DurableWorkflow(name = "ship")
    static final class Ship implements DurableFunction<Order, String> {
        static final AtomicInteger RUNS = new AtomicInteger();

        @Override
        public String handle(Order order, DurableContext ctx) {
            ctx.step("pack", String.class, s -> "packed " + RUNS.incrementAndGet());
            ctx.wait("courier", Duration.ofHours(1));
            if (order.id().startsWith("bad")) {
                throw new IllegalStateException("cannot ship " + order.id());
            }
            return "shipped " + order.id();
        }
    }

    @Test
    void invokeStartsAChildExecutionOnceAndReturnsItsResult() {
        Ship.RUNS.set(0);
        DurableEngine engine = started(builder().register(new Ship())
                .register("order", String.class, String.class, (in, ctx) -> {
                    String a = ctx.invoke("ship it", Ship.class, new Order(in), String.class);
                    ctx.wait("after", Duration.ofMinutes(5));
                    return a + "!";
                }));
        ExecutionHandle<String> h = start(engine, "order", "o-1", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        String childId = h.executionId() + "/1";
        awaitStatus(engine, childId, ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        await().atMost(RESULT_TIMEOUT).until(() -> engine.describe(childId).status() == ExecutionStatus.SUCCEEDED);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(5));
        assertEquals("shipped o-1!", h.result(RESULT_TIMEOUT));
        assertEquals(1, Ship.RUNS.get());
        assertEquals(List.of(childId), engine.describe(h.executionId()).childExecutionIds());
        assertEquals(h.executionId(), engine.describe(childId).parentId());
        assertNull(engine.describe(h.executionId()).parentId());
    }

    @Test
    void aFailedChildSurfacesAsInvokeFailedException() {
        DurableEngine engine = started(builder().register(new Ship())
                .register("order", String.class, String.class, (in, ctx) -> {
                    try {
                        return ctx.invoke("ship it", Ship.class, new Order(in), String.class);
                    } catch (InvokeFailedException e) {
                        return e.childStatus() + " " + e.error().message();
                    }
                }));
        ExecutionHandle<String> h = start(engine, "order", "bad-1", String.class);
        awaitStatus(engine, h.executionId() + "/1", ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        assertEquals("FAILED [FAILED] cannot ship bad-1", h.result(RESULT_TIMEOUT));
    }

    @Test
    void aCancelledChildIsReportedCancelledOnEveryReplay() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register(new Ship())
                .register("order", String.class, String.class, (in, ctx) -> {
                    try {
                        ctx.invoke("ship it", Ship.class, new Order(in), String.class);
                    } catch (InvokeFailedException e) {
                        seen.add(e.childStatus() + " " + e.operationId());
                    }
                    ctx.wait("after", Duration.ofMinutes(1));
                    return String.join(",", seen);
                }));
        ExecutionHandle<String> h = start(engine, "order", "o-2", String.class);
        String childId = h.executionId() + "/1";
        awaitStatus(engine, childId, ExecutionStatus.SUSPENDED);
        assertEquals(ExecutionStatus.CANCELLED, engine.cancel(childId, "no stock"));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        assertEquals("CANCELLED 1,CANCELLED 1", h.result(RESULT_TIMEOUT), "the first run, then the replay");
    }

    @Test
    void cancellingWithInvokedChildrenCancelsTheChildToo() {
        DurableEngine engine = started(builder().register(new Ship())
                .register("order", String.class, String.class, (in, ctx) ->
                        ctx.invoke("ship it", Ship.class, new Order(in), String.class)));
        ExecutionHandle<String> h = start(engine, "order", "o-2", String.class);
        String childId = h.executionId() + "/1";
        awaitStatus(engine, childId, ExecutionStatus.SUSPENDED);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertEquals(ExecutionStatus.CANCELLED, engine.cancel(h.executionId(), "order withdrawn",
                CancelOptions.withInvokedChildren()));
        assertEquals(ExecutionStatus.CANCELLED, engine.describe(childId).status());
        assertTrue(engine.describe(childId).error().message().contains("order withdrawn"));
    }

    // ================================================================== waitForCondition and withRetry

    @Test
    void waitForConditionPollsDurablyUntilTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        DurableEngine engine = started(builder().register("poll", String.class, Integer.class, (in, ctx) ->
                ctx.waitForCondition("job done", Integer.class, (state, s) -> {
                    polls.incrementAndGet();
                    return state + 25;
                }, WaitForConditionConfig.builder(0).until(p -> p >= 100).initialDelay(Duration.ofSeconds(10))
                        .maxDelay(Duration.ofSeconds(10)).jitter(Jitter.NONE).build())));
        ExecutionHandle<Integer> h = start(engine, "poll", "x", Integer.class);
        for (int i = 0; i < 3; i++) {
            int expected = i + 1;
            await().atMost(RESULT_TIMEOUT).until(() -> polls.get() == expected);
            awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
            clock.advance(Duration.ofSeconds(10));
        }
        assertEquals(100, h.result(RESULT_TIMEOUT));
        assertEquals(4, polls.get());
    }

    @Test
    void waitForConditionGivesUpAfterItsMaxAttempts() {
        DurableEngine engine = started(builder().register("never", String.class, String.class, (in, ctx) -> {
            try {
                ctx.waitForCondition("never", Integer.class, (state, s) -> state + 1,
                        WaitForConditionConfig.builder(0).until(p -> p > 100).maxAttempts(2)
                                .initialDelay(Duration.ofSeconds(1)).jitter(Jitter.NONE).build());
                return "unexpected";
            } catch (ConditionNotMetException e) {
                return "gave up at " + e.lastState();
            }
        }));
        ExecutionHandle<String> h = start(engine, "never", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(1));
        assertEquals("gave up at 2", h.result(RESULT_TIMEOUT));
    }

    @Test
    void withRetryRetriesTheWholeBlockInAFreshChildContext() {
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("block", String.class, String.class, (in, ctx) ->
                ctx.withRetry("reserve and charge", String.class,
                        RetryStrategies.fixedDelay(3, Duration.ofMinutes(1)), c -> {
                            String r = c.step("reserve", String.class, s -> "r" + attempts.incrementAndGet());
                            return c.step("charge", String.class, s -> {
                                if (attempts.get() < 3) {
                                    throw new IllegalStateException("declined");
                                }
                                return r + " charged";
                            }, NO_RETRY);
                        })));
        ExecutionHandle<String> h = start(engine, "block", "x", String.class);
        for (int i = 0; i < 2; i++) {
            int expected = i + 1;
            await().atMost(RESULT_TIMEOUT).until(() -> attempts.get() == expected);
            awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
            clock.advance(Duration.ofMinutes(1));
        }
        assertEquals("r3 charged", h.result(RESULT_TIMEOUT));
        assertEquals(3, attempts.get());
    }

    // ================================================================== execution timeout

    @Test
    void aSuspendedExecutionPastItsTimeoutIsTimedOutAndItsCallbacksRejectCompletion() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("slow approval", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("approve", String.class);
            callbackId.set(cb.id());
            return cb.result();
        }));
        ExecutionHandle<String> h = engine.startExecution("slow approval", "x", String.class,
                StartOptions.timeout(Duration.ofHours(1)));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.TIMED_OUT, e.status());
        CallbackAlreadyCompletedException late = assertThrows(CallbackAlreadyCompletedException.class,
                () -> engine.completeCallback(callbackId.get(), "too late"));
        assertTrue(late.getMessage().contains("TIMED_OUT"), late.getMessage());
    }

    @Test
    void aRunningExecutionPastItsTimeoutStopsAtItsNextOperation() {
        AtomicInteger after = new AtomicInteger();
        DurableEngine engine = started(builder().register("overrun", String.class, String.class, (in, ctx) -> {
            ctx.step("long", String.class, s -> {
                clock.advance(Duration.ofMinutes(2)); // the step takes longer than the whole execution may
                return "done";
            });
            ctx.step("next", Integer.class, s -> after.incrementAndGet());
            return "finished";
        }));
        ExecutionHandle<String> h = engine.startExecution("overrun", "x", String.class,
                StartOptions.timeout(Duration.ofMinutes(1)));
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.TIMED_OUT, e.status());
        assertEquals(0, after.get());
    }
}
