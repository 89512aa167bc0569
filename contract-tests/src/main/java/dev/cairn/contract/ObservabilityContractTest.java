package dev.cairn.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableCallback;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionPage;
import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionStatus;
import dev.cairn.ExecutionSummary;
import dev.cairn.HistoryEvent;
import dev.cairn.HistoryEventType;
import dev.cairn.HistoryOptions;
import dev.cairn.StartOptions;
import dev.cairn.StepFailedException;
import dev.cairn.UnknownExecutionException;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Seeing executions: {@link DurableEngine#listExecutions} with its filters and cursors, {@link
 * DurableEngine#countByStatus} and {@link DurableEngine#history}, run against every store.
 */
public abstract class ObservabilityContractTest extends EngineContractSupport {

    /** For subclasses, one per store. */
    protected ObservabilityContractTest() {
    }

    private DurableEngine engineWithEcho() {
        return started(builder()
                .register("echo", String.class, String.class, (in, ctx) -> ctx.step("s", String.class, s -> in))
                .register("other", String.class, String.class, (in, ctx) -> in));
    }

    private static List<String> ids(List<ExecutionSummary> items) {
        return items.stream().map(ExecutionSummary::id).toList();
    }

    // ================================================================== listing

    @Test
    void pagesAreNewestFirstAndFollowEachOtherByCursorWithoutSkippingOrRepeatingWhileExecutionsStart() {
        DurableEngine engine = engineWithEcho();
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            if (i % 3 == 0) {
                clock.advance(Duration.ofMillis(5)); // some share a creation time, some do not
            }
            started.add(start(engine, "echo", "e" + i, String.class).executionId());
        }
        List<String> expected = engine.listExecutions(ExecutionQuery.builder().limit(1000).build()).items().stream()
                .map(ExecutionSummary::id).toList();
        assertEquals(Set.copyOf(started), Set.copyOf(expected));
        List<ExecutionSummary> all = engine.listExecutions(ExecutionQuery.builder().limit(1000).build()).items();
        for (int i = 1; i < all.size(); i++) {
            ExecutionSummary newer = all.get(i - 1);
            ExecutionSummary older = all.get(i);
            assertTrue(newer.createdAt().isAfter(older.createdAt()) || (newer.createdAt().equals(older.createdAt())
                    && newer.id().compareTo(older.id()) > 0), "newest first: " + newer + " before " + older);
        }

        List<String> paged = new ArrayList<>();
        ExecutionPage page = engine.listExecutions(ExecutionQuery.builder().limit(5).build());
        int pages = 1;
        while (true) {
            assertTrue(page.items().size() <= 5);
            paged.addAll(ids(page.items()));
            // Executions started while paging are newer than every page already read: none shows up later.
            clock.advance(Duration.ofMillis(1));
            start(engine, "echo", "late", String.class);
            if (page.nextCursor().isEmpty()) {
                break;
            }
            page = engine.listExecutions(ExecutionQuery.builder().limit(5).after(page.nextCursor().get()).build());
            pages++;
        }
        assertEquals(expected, paged, "every execution once, in order");
        assertEquals(5, pages);
    }

    @Test
    void everyFilterNarrowsTheListAndTheyCombine() {
        AtomicReference<String> parent = new AtomicReference<>();
        DurableEngine engine = started(builder()
                .register("echo", String.class, String.class, (in, ctx) -> ctx.step("s", String.class, s -> in))
                .register("boom", String.class, String.class, (in, ctx) -> {
                    throw new IllegalStateException("boom " + in);
                })
                .register("caller", String.class, String.class, (in, ctx) -> {
                    parent.set(ctx.executionId());
                    return ctx.invoke("child", "echo", in, dev.cairn.TypeRef.of(String.class));
                }));
        Instant t0 = clock.now();
        ExecutionHandle<String> named = engine.startExecution("echo", "n", String.class, StartOptions.named("order-1"));
        engine.startExecution("echo", "n", String.class, StartOptions.named("order-2")).result(RESULT_TIMEOUT);
        engine.startExecution("echo", "n", String.class, StartOptions.named("order_3")).result(RESULT_TIMEOUT);
        named.result(RESULT_TIMEOUT);
        clock.advance(Duration.ofSeconds(10));
        Instant t1 = clock.now();
        ExecutionHandle<String> failed = start(engine, "boom", "x", String.class);
        awaitStatus(engine, failed.executionId(), ExecutionStatus.FAILED);
        ExecutionHandle<String> caller = start(engine, "caller", "c", String.class);
        assertEquals("c", caller.result(RESULT_TIMEOUT));

        assertEquals(Set.of(failed.executionId()), Set.copyOf(ids(engine.listExecutions(ExecutionQuery.builder()
                .function("boom").build()).items())));
        ExecutionSummary boom = engine.listExecutions(ExecutionQuery.builder().statuses(EnumSet.of(ExecutionStatus.FAILED))
                .build()).items().get(0);
        assertEquals(failed.executionId(), boom.id());
        assertEquals(IllegalStateException.class.getName(), boom.errorType());
        assertNotNull(boom.endedAt());
        assertEquals(3, engine.listExecutions(ExecutionQuery.builder().namePrefix("order").build()).items().size());
        // The prefix is matched literally: '_' is no wildcard.
        assertEquals(List.of("order_3"), engine.listExecutions(ExecutionQuery.builder().namePrefix("order_").build())
                .items().stream().map(ExecutionSummary::name).toList());
        assertEquals(3, engine.listExecutions(ExecutionQuery.builder().createdBefore(t1).build()).items().size());
        assertEquals(3, engine.listExecutions(ExecutionQuery.builder().createdAfter(t1).build()).items().size(),
                "boom, caller and its child");
        List<ExecutionSummary> children = engine.listExecutions(ExecutionQuery.builder().parentId(parent.get()).build())
                .items();
        assertEquals(1, children.size());
        assertEquals(parent.get(), children.get(0).parentId());
        assertEquals(List.of(children.get(0).id()), ids(engine.listExecutions(ExecutionQuery.builder().function("echo")
                .createdAfter(t0.plusSeconds(1)).statuses(ExecutionStatus.SUCCEEDED, ExecutionStatus.RUNNING).build())
                .items()));
        assertEquals(5, engine.listExecutions(ExecutionQuery.builder()
                .statuses(ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED).limit(5).build()).items().size());
        assertEquals(6, engine.listExecutions(ExecutionQuery.builder()
                .statuses(ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED).build()).items().size());
        assertTrue(engine.listExecutions(ExecutionQuery.builder().function("nobody").build()).items().isEmpty());

        Map<ExecutionStatus, Long> counts = engine.countByStatus();
        assertEquals(5L, counts.get(ExecutionStatus.SUCCEEDED));
        assertEquals(1L, counts.get(ExecutionStatus.FAILED));
        assertEquals(0L, counts.get(ExecutionStatus.SUSPENDED));
    }

    @Test
    void severalStatusesAreMergedNewestFirstAcrossPages() {
        DurableEngine engine = started(builder()
                .register("echo", String.class, String.class, (in, ctx) -> in)
                .register("sleeper", String.class, String.class, (in, ctx) -> {
                    ctx.wait("nap", Duration.ofDays(1));
                    return in;
                }));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clock.advance(Duration.ofMillis(1));
            ExecutionHandle<String> h = start(engine, i % 2 == 0 ? "echo" : "sleeper", "x" + i, String.class);
            awaitStatus(engine, h.executionId(), i % 2 == 0 ? ExecutionStatus.SUCCEEDED : ExecutionStatus.SUSPENDED);
            expected.add(0, h.executionId());
        }
        List<String> paged = new ArrayList<>();
        ExecutionQuery.Builder query = ExecutionQuery.builder().statuses(ExecutionStatus.SUCCEEDED,
                ExecutionStatus.SUSPENDED).limit(5);
        ExecutionPage page = engine.listExecutions(query.build());
        paged.addAll(ids(page.items()));
        while (page.nextCursor().isPresent()) {
            page = engine.listExecutions(query.after(page.nextCursor().get()).build());
            paged.addAll(ids(page.items()));
        }
        assertEquals(expected, paged);
    }

    @Test
    void badQueriesAreRefusedWithAMessage() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecutionQuery.builder().limit(0).build())
                .getMessage().contains("between 1 and 1000"));
        assertThrows(IllegalArgumentException.class, () -> ExecutionQuery.builder().limit(1001).build());
        assertEquals(1000, ExecutionQuery.builder().limit(1000).build().limit());
        assertEquals(50, ExecutionQuery.all().limit());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecutionQuery.builder().after("not-a-cursor"))
                .getMessage().contains("cursor"));
        assertThrows(IllegalArgumentException.class, () -> ExecutionQuery.builder().statuses(Set.of()).build());
        assertThrows(IllegalArgumentException.class, () -> ExecutionQuery.builder().function(" ").build());
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThrows(IllegalArgumentException.class, () -> ExecutionQuery.builder().createdAfter(t).createdBefore(t)
                .build());
        String cursor = new ExecutionQuery.Position(t, "abc:def").cursor();
        assertEquals(new ExecutionQuery.Position(t, "abc:def"), ExecutionQuery.Position.ofCursor(cursor));
    }

    // ================================================================== history

    private static List<HistoryEventType> types(List<HistoryEvent> events) {
        return events.stream().map(HistoryEvent::type).toList();
    }

    @Test
    void historyShowsEveryAttemptOfARetriedStepAndEachPauseAndResumption() {
        AtomicInteger calls = new AtomicInteger();
        StepConfig retried = StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(5, Duration.ofSeconds(30)))
                .build();
        DurableEngine engine = started(builder().register("flaky", String.class, String.class, (in, ctx) ->
                ctx.step("charge", String.class, s -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("declined " + s.attempt());
                    }
                    return "paid";
                }, retried)));
        Instant t0 = clock.now();
        ExecutionHandle<String> h = start(engine, "flaky", "x", String.class);
        for (int i = 0; i < 2; i++) {
            awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
            clock.advance(Duration.ofSeconds(30));
            int attempts = i + 2;
            org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> calls.get() >= attempts);
        }
        assertEquals("paid", h.result(RESULT_TIMEOUT));

        List<HistoryEvent> events = engine.history(h.executionId());
        assertEquals(List.of(HistoryEventType.EXECUTION_STARTED,
                HistoryEventType.STEP_STARTED, HistoryEventType.STEP_FAILED, HistoryEventType.EXECUTION_SUSPENDED,
                HistoryEventType.EXECUTION_RESUMED,
                HistoryEventType.STEP_STARTED, HistoryEventType.STEP_FAILED, HistoryEventType.EXECUTION_SUSPENDED,
                HistoryEventType.EXECUTION_RESUMED,
                HistoryEventType.STEP_STARTED, HistoryEventType.STEP_SUCCEEDED,
                HistoryEventType.EXECUTION_SUCCEEDED), types(events));
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).sequence());
            if (i > 0) {
                assertFalse(events.get(i).timestamp().isBefore(events.get(i - 1).timestamp()), "in time order");
            }
        }
        List<HistoryEvent> steps = events.stream().filter(e -> "charge".equals(e.name())).toList();
        assertEquals(List.of(1, 1, 2, 2, 3, 3), steps.stream().map(HistoryEvent::attempt).toList());
        HistoryEvent firstFailure = steps.get(1);
        assertEquals(IllegalStateException.class.getName(), firstFailure.error().type());
        assertEquals("declined 1", firstFailure.error().message());
        assertNull(firstFailure.error().stackTrace(), "no stack trace without data");
        assertEquals(t0.plusSeconds(30), firstFailure.scheduledAt(), "when the next attempt is due");
        assertEquals(t0, steps.get(0).timestamp());
        assertEquals(t0.plusSeconds(30), steps.get(2).timestamp(), "the second attempt ran when it was due");
        assertEquals(t0.plusSeconds(60), events.get(events.size() - 1).timestamp());
        assertEquals(steps.get(0).operationId(), steps.get(5).operationId());
        assertNull(events.get(3).operationId(), "a pause is an event of the execution");
        assertEquals(t0.plusSeconds(30), events.get(3).scheduledAt());
        assertNull(steps.get(5).payload(), "no payload without data");

        List<HistoryEvent> withData = engine.history(h.executionId(), HistoryOptions.withData());
        assertEquals(types(events), types(withData));
        assertEquals("\"paid\"", withData.get(10).payload());
        assertEquals("\"x\"", withData.get(0).payload(), "the input");
        assertEquals("\"paid\"", withData.get(11).payload(), "the output");
        assertNotNull(withData.get(2).error().stackTrace());

        assertThrows(UnknownExecutionException.class, () -> engine.history("no-such-execution"));
    }

    @Test
    void historyShowsWaitsCallbacksHeartbeatsContextsAndInvokesInTheOrderTheyHappened() {
        AtomicReference<String> approval = new AtomicReference<>();
        AtomicReference<String> rejected = new AtomicReference<>();
        DurableEngine engine = started(builder()
                .register("child", String.class, String.class, (in, ctx) -> in + "!")
                .register("flow", String.class, String.class, (in, ctx) -> {
                    ctx.wait("cool-off", Duration.ofMinutes(1));
                    String prepared = ctx.runInChildContext("prepare", String.class, child ->
                            child.step("inner", String.class, s -> "p"));
                    DurableCallback<String> cb = ctx.createCallback("approval", String.class, CallbackConfig.builder()
                            .timeout(Duration.ofHours(1)).heartbeatTimeout(Duration.ofMinutes(10)).build());
                    approval.set(cb.id());
                    String answer = cb.result();
                    DurableCallback<String> second = ctx.createCallback("second-opinion", String.class);
                    rejected.set(second.id());
                    String verdict;
                    try {
                        verdict = second.result();
                    } catch (dev.cairn.CallbackFailedException e) {
                        verdict = "rejected";
                    }
                    String invoked = ctx.invoke("notify", "child", "n", dev.cairn.TypeRef.of(String.class));
                    return prepared + answer + verdict + invoked;
                }));
        Instant t0 = clock.now();
        ExecutionHandle<String> h = start(engine, "flow", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> approval.get() != null
                && engine.describe(h.executionId()).status() == ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(5));
        engine.heartbeatCallback(approval.get());
        clock.advance(Duration.ofMinutes(5));
        engine.heartbeatCallback(approval.get());
        clock.advance(Duration.ofMinutes(1));
        engine.completeCallback(approval.get(), "yes");
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> rejected.get() != null);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.failCallback(rejected.get(), "Rejected", "no way");
        assertEquals("pyesrejectedn!", h.result(RESULT_TIMEOUT));

        List<HistoryEvent> events = engine.history(h.executionId());
        List<HistoryEventType> ofOperations = events.stream().filter(e -> e.operationId() != null)
                .map(HistoryEvent::type).toList();
        assertEquals(List.of(HistoryEventType.WAIT_STARTED, HistoryEventType.WAIT_SUCCEEDED,
                HistoryEventType.CONTEXT_STARTED, HistoryEventType.STEP_STARTED, HistoryEventType.STEP_SUCCEEDED,
                HistoryEventType.CONTEXT_SUCCEEDED,
                HistoryEventType.CALLBACK_STARTED, HistoryEventType.CALLBACK_HEARTBEAT,
                HistoryEventType.CALLBACK_HEARTBEAT, HistoryEventType.CALLBACK_SUCCEEDED,
                HistoryEventType.CALLBACK_STARTED, HistoryEventType.CALLBACK_FAILED,
                HistoryEventType.INVOKE_STARTED, HistoryEventType.INVOKE_SUCCEEDED), ofOperations);
        HistoryEvent wait = events.stream().filter(e -> e.type() == HistoryEventType.WAIT_STARTED).findFirst()
                .orElseThrow();
        assertEquals(t0, wait.timestamp());
        assertEquals(t0.plusSeconds(60), wait.scheduledAt());
        HistoryEvent inner = events.stream().filter(e -> "inner".equals(e.name())).findFirst().orElseThrow();
        HistoryEvent prepare = events.stream().filter(e -> "prepare".equals(e.name())).findFirst().orElseThrow();
        assertEquals(prepare.operationId(), inner.parentId());
        HistoryEvent created = events.stream().filter(e -> e.type() == HistoryEventType.CALLBACK_STARTED).findFirst()
                .orElseThrow();
        assertEquals(approval.get(), created.callbackId());
        assertEquals(Duration.ofHours(1), created.timeout());
        assertEquals(Duration.ofMinutes(10), created.heartbeatTimeout());
        List<HistoryEvent> beats = events.stream().filter(e -> e.type() == HistoryEventType.CALLBACK_HEARTBEAT)
                .toList();
        assertEquals(List.of(t0.plusSeconds(360), t0.plusSeconds(660)),
                beats.stream().map(HistoryEvent::timestamp).toList());
        assertEquals(approval.get(), beats.get(0).callbackId());
        HistoryEvent failed = events.stream().filter(e -> e.type() == HistoryEventType.CALLBACK_FAILED).findFirst()
                .orElseThrow();
        assertEquals("Rejected", failed.error().type());
        assertEquals("no way", failed.error().message());
        assertTrue(types(events).contains(HistoryEventType.EXECUTION_SUSPENDED));
        assertEquals(types(events).stream().filter(t -> t == HistoryEventType.EXECUTION_SUSPENDED).count(),
                types(events).stream().filter(t -> t == HistoryEventType.EXECUTION_RESUMED).count(),
                "every pause was followed by a resumption: " + types(events));
        assertEquals(HistoryEventType.EXECUTION_SUCCEEDED, events.get(events.size() - 1).type());
    }

    @Test
    void aStepThatFailsForGoodAndAWaitCutShortShowTheirEnds() {
        DurableEngine engine = started(builder()
                .register("fails", String.class, String.class, (in, ctx) -> ctx.step("bad", String.class, s -> {
                    throw new IllegalArgumentException("no " + in);
                }, NO_RETRY))
                .register("waits", String.class, String.class, (in, ctx) -> {
                    ctx.wait("forever", Duration.ofDays(30));
                    return in;
                }));
        ExecutionHandle<String> failing = start(engine, "fails", "x", String.class);
        awaitStatus(engine, failing.executionId(), ExecutionStatus.FAILED);
        List<HistoryEvent> events = engine.history(failing.executionId(), HistoryOptions.withData());
        assertEquals(List.of(HistoryEventType.EXECUTION_STARTED, HistoryEventType.STEP_STARTED,
                HistoryEventType.STEP_FAILED, HistoryEventType.EXECUTION_FAILED), types(events));
        assertEquals("no x", events.get(2).error().message());
        assertNull(events.get(2).scheduledAt(), "no next attempt");
        assertEquals(StepFailedException.class.getName(), events.get(3).error().type());
        assertNotNull(events.get(3).error().stackTrace());

        ExecutionHandle<String> waiting = start(engine, "waits", "y", String.class);
        awaitStatus(engine, waiting.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        engine.cancel(waiting.executionId(), "not needed");
        List<HistoryEventType> cancelled = types(engine.history(waiting.executionId()));
        assertEquals(List.of(HistoryEventType.EXECUTION_STARTED, HistoryEventType.WAIT_STARTED,
                HistoryEventType.EXECUTION_SUSPENDED, HistoryEventType.WAIT_CANCELLED,
                HistoryEventType.EXECUTION_CANCELLED), cancelled);
        Map<HistoryEventType, Long> byType = engine.history(waiting.executionId()).stream()
                .collect(Collectors.groupingBy(HistoryEvent::type, Collectors.counting()));
        assertEquals(1L, byType.get(HistoryEventType.WAIT_CANCELLED));
    }

    @Test
    void failedContextsFailedInvokesTimedOutCallbacksAndTimedOutExecutionsShowTheirEnds() {
        DurableEngine engine = started(builder()
                .register("refuses", String.class, String.class, (in, ctx) -> {
                    throw new IllegalStateException("refused " + in);
                })
                .register("failures", String.class, String.class, (in, ctx) -> {
                    String a;
                    try {
                        a = ctx.runInChildContext("checks", String.class, child -> {
                            throw new IllegalArgumentException("bad check");
                        });
                    } catch (dev.cairn.ChildContextFailedException e) {
                        a = "context failed";
                    }
                    String b;
                    try {
                        b = ctx.invoke("ask", "refuses", "x", dev.cairn.TypeRef.of(String.class));
                    } catch (dev.cairn.InvokeFailedException e) {
                        b = "invoke failed";
                    }
                    String c;
                    try {
                        c = ctx.createCallback("reply", String.class, CallbackConfig.builder()
                                .timeout(Duration.ofMinutes(5)).build()).result();
                    } catch (dev.cairn.CallbackTimeoutException e) {
                        c = "timed out";
                    }
                    return a + ", " + b + ", " + c;
                })
                .register("slow", String.class, String.class, (in, ctx) -> {
                    ctx.wait("long", Duration.ofHours(2));
                    return in;
                }));
        ExecutionHandle<String> h = start(engine, "failures", "x", String.class);
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> engine.history(h.executionId()).stream()
                .anyMatch(e -> e.type() == HistoryEventType.CALLBACK_STARTED)
                && engine.describe(h.executionId()).status() == ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(5));
        assertEquals("context failed, invoke failed, timed out", h.result(RESULT_TIMEOUT));
        List<HistoryEventType> types = types(engine.history(h.executionId()));
        for (HistoryEventType t : List.of(HistoryEventType.CONTEXT_STARTED, HistoryEventType.CONTEXT_FAILED,
                HistoryEventType.INVOKE_STARTED, HistoryEventType.INVOKE_FAILED, HistoryEventType.CALLBACK_STARTED,
                HistoryEventType.CALLBACK_TIMED_OUT, HistoryEventType.EXECUTION_SUCCEEDED)) {
            assertTrue(types.contains(t), t + " in " + types);
        }
        assertTrue(types.indexOf(HistoryEventType.CONTEXT_FAILED) < types.indexOf(HistoryEventType.INVOKE_STARTED),
                types.toString());
        assertTrue(types.indexOf(HistoryEventType.INVOKE_FAILED) < types.indexOf(HistoryEventType.CALLBACK_STARTED),
                types.toString());
        HistoryEvent contextFailed = engine.history(h.executionId()).stream()
                .filter(e -> e.type() == HistoryEventType.CONTEXT_FAILED).findFirst().orElseThrow();
        assertEquals("checks", contextFailed.name());
        assertNotNull(contextFailed.error());

        ExecutionHandle<String> slow = engine.startExecution("slow", "y", String.class,
                StartOptions.timeout(Duration.ofHours(1)));
        awaitStatus(engine, slow.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        awaitStatus(engine, slow.executionId(), ExecutionStatus.TIMED_OUT);
        List<HistoryEventType> timedOut = types(engine.history(slow.executionId()));
        assertEquals(HistoryEventType.EXECUTION_TIMED_OUT, timedOut.get(timedOut.size() - 1), timedOut.toString());
        assertTrue(timedOut.contains(HistoryEventType.WAIT_CANCELLED), "the wait was cut short: " + timedOut);
    }

    @Test
    void aCallbackCompletedWhileItsExecutionRunsDoesNotKeepItRunningWhenItSuspendsLater() throws Exception {
        java.util.concurrent.CountDownLatch stepRunning = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<String> second = new AtomicReference<>();
        DurableEngine engine = started(builder().register("signalled", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> a = ctx.createCallback("a", String.class);
            first.set(a.id());
            ctx.step("busy", String.class, s -> {
                stepRunning.countDown();
                release.await();
                return "done";
            });
            DurableCallback<String> b = ctx.createCallback("b", String.class);
            second.set(b.id());
            return a.result() + b.result();
        }));
        ExecutionHandle<String> h = start(engine, "signalled", "x", String.class);
        assertTrue(stepRunning.await(30, java.util.concurrent.TimeUnit.SECONDS));
        engine.completeCallback(first.get(), "1"); // while the execution runs: a signal
        release.countDown();
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallback(second.get(), "2");
        assertEquals("12", h.result(RESULT_TIMEOUT));
    }

    // ================================================================== the listener

    /** Writes down what it is told, one line per event. */
    static final class Recorder implements dev.cairn.ExecutionListener {
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger committedCheckpoints = new AtomicInteger();

        @Override
        public void executionStarted(ExecutionEvent e) {
            lines.add("started " + e.function() + " " + e.status());
        }

        @Override
        public void executionResumed(ExecutionEvent e) {
            lines.add("resumed " + e.function());
        }

        @Override
        public void executionSuspended(ExecutionEvent e) {
            lines.add("suspended until " + e.wakeAt());
        }

        @Override
        public void executionEnded(ExecutionEvent e) {
            lines.add("ended " + e.status() + (e.error() == null ? "" : " " + e.error().type()));
        }

        @Override
        public void operationStarted(OperationEvent e) {
            lines.add("op started " + e.name() + (e.replayed() ? " (replayed)" : ""));
        }

        @Override
        public void operationEnded(OperationEvent e) {
            lines.add("op ended " + e.name() + " " + e.status() + (e.replayed() ? " (replayed)" : ""));
        }

        @Override
        public void stepAttemptStarted(StepAttemptEvent e) {
            lines.add("attempt " + e.attempt() + " of " + e.name());
        }

        @Override
        public void stepAttemptSucceeded(StepAttemptEvent e) {
            lines.add("attempt " + e.attempt() + " of " + e.name() + " succeeded");
        }

        @Override
        public void stepAttemptFailed(StepAttemptEvent e) {
            lines.add("attempt " + e.attempt() + " of " + e.name() + " failed with " + e.error().getMessage()
                    + ", next at " + e.nextAttemptAt());
        }

        @Override
        public void checkpointBatchCommitted(CommitEvent e) {
            commits.incrementAndGet();
            committedCheckpoints.addAndGet(e.checkpoints());
            if (e.latency().isNegative() || e.failed()) {
                lines.add("bad commit " + e);
            }
        }
    }

    @Test
    void aListenerIsToldOfEveryStartPauseResumptionEndOperationAndAttemptAndReplaysAreMarked() {
        Recorder recorder = new Recorder();
        AtomicInteger calls = new AtomicInteger();
        StepConfig retried = StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofSeconds(10)))
                .build();
        DurableEngine engine = started(builder().listener(recorder).register("listened", String.class, String.class,
                (in, ctx) -> {
                    String a = ctx.step("a", String.class, s -> "a");
                    String b = ctx.step("b", String.class, s -> {
                        if (calls.incrementAndGet() == 1) {
                            throw new IllegalStateException("first");
                        }
                        return "b";
                    }, retried);
                    return a + b;
                }));
        Instant t0 = clock.now();
        ExecutionHandle<String> h = start(engine, "listened", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(10));
        assertEquals("ab", h.result(RESULT_TIMEOUT));
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> recorder.lines.contains("ended SUCCEEDED"));

        assertEquals(List.of("started listened RUNNING",
                "op started a", "attempt 1 of a", "attempt 1 of a succeeded", "op ended a SUCCEEDED",
                "op started b", "attempt 1 of b", "attempt 1 of b failed with first, next at " + t0.plusSeconds(10),
                "suspended until " + t0.plusSeconds(10),
                "resumed listened",
                "op started a (replayed)", "op ended a SUCCEEDED (replayed)",
                "op started b", "attempt 2 of b", "attempt 2 of b succeeded", "op ended b SUCCEEDED",
                "ended SUCCEEDED"), recorder.lines);
        assertTrue(recorder.commits.get() >= 3, "the step results and the ends were committed: " + recorder.commits);
        assertTrue(recorder.committedCheckpoints.get() >= recorder.commits.get());
    }

    @Test
    void aWaitAndARetryReachedAfterTheirDueTimeReportHowLateAndTheSchedulerCountsTheTimersItHolds() {
        List<dev.cairn.ExecutionListener.OperationEvent> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.cairn.ExecutionListener listener = new dev.cairn.ExecutionListener() {
            @Override
            public void operationStarted(OperationEvent event) {
                starts.add(event);
            }
        };
        AtomicInteger calls = new AtomicInteger();
        StepConfig retried = StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofSeconds(10)))
                .build();
        DurableEngine engine = started(builder().listener(listener).register("late", String.class, String.class,
                (in, ctx) -> {
                    String paid = ctx.step("charge", String.class, s -> {
                        if (calls.incrementAndGet() == 1) {
                            throw new IllegalStateException("declined");
                        }
                        return "paid";
                    }, retried);
                    ctx.wait("nap", Duration.ofSeconds(20));
                    return paid;
                }));
        ExecutionHandle<String> h = start(engine, "late", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> engine.scheduledTimers() == 1);

        clock.advance(Duration.ofSeconds(15)); // the retry was due 10 s after the start: 5 s late
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> starts.stream()
                .anyMatch(e -> "nap".equals(e.name())) && engine.describe(h.executionId()).status()
                == ExecutionStatus.SUSPENDED);
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> engine.scheduledTimers() == 1);
        clock.advance(Duration.ofSeconds(27)); // the wait was due 20 s after the resumption: 7 s late
        assertEquals("paid", h.result(RESULT_TIMEOUT));

        List<String> seen = starts.stream().map(e -> e.name() + (e.replayed() ? " (replayed)" : "") + " late "
                + e.lateness()).toList();
        assertEquals(List.of("charge late null",
                "charge late PT5S", "nap late null",
                "charge (replayed) late null", "nap late PT7S"), seen);
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> engine.scheduledTimers() == 0);
    }

    @Test
    void aListenerThatThrowsIsLoggedAndNeverBreaksAnExecution() {
        dev.cairn.ExecutionListener broken = new dev.cairn.ExecutionListener() {
            @Override
            public void executionStarted(ExecutionEvent event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void operationStarted(OperationEvent event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void operationEnded(OperationEvent event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void stepAttemptStarted(StepAttemptEvent event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void checkpointBatchCommitted(CommitEvent event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void executionEnded(ExecutionEvent event) {
                throw new IllegalStateException("listener bug");
            }
        };
        Recorder after = new Recorder();
        DurableEngine engine = started(builder().listener(broken).listener(after).register("robust", String.class,
                String.class, (in, ctx) -> ctx.step("s", String.class, s -> in + "!")));
        assertEquals("x!", start(engine, "robust", "x", String.class).result(RESULT_TIMEOUT));
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> after.lines.contains("ended SUCCEEDED"));
        assertTrue(after.lines.contains("op ended s SUCCEEDED"), "the next listener is still told: " + after.lines);
    }

    // ================================================================== context propagation

    /**
     * Carries a tenant, held in a thread-local, from the thread that starts an execution to the threads that run it;
     * writes down each attachment.
     */
    static final class TenantPropagator implements dev.cairn.ExecutionContextPropagator {
        final ThreadLocal<String> tenant = new ThreadLocal<>();
        final List<Running> attached = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Starting> captured = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger open = new AtomicInteger();

        @Override
        public Map<String, String> capture(Starting execution) {
            captured.add(execution);
            String t = tenant.get();
            return t == null ? Map.of() : Map.of("tenant", t);
        }

        @Override
        public Attachment attach(Running code) {
            attached.add(code);
            String before = tenant.get();
            tenant.set(code.propagatedContext().get("tenant"));
            open.incrementAndGet();
            return () -> {
                open.decrementAndGet();
                tenant.set(before);
            };
        }
    }

    /** Writes down the propagated context of every execution event, and how each run stopped. */
    static final class ContextRecorder implements dev.cairn.ExecutionListener {
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void executionStarted(ExecutionEvent e) {
            lines.add("started " + e.function() + " " + e.propagatedContext());
        }

        @Override
        public void executionResumed(ExecutionEvent e) {
            lines.add("resumed " + e.function() + " " + e.propagatedContext());
        }

        @Override
        public void executionSuspended(ExecutionEvent e) {
            lines.add("suspended " + e.function() + " " + e.propagatedContext());
        }

        @Override
        public void executionEnded(ExecutionEvent e) {
            lines.add("ended " + e.function() + " " + e.status() + " " + e.propagatedContext());
        }

        @Override
        public void executionInterrupted(ExecutionEvent e) {
            lines.add("interrupted " + e.function() + " " + e.error().type() + " " + e.propagatedContext());
        }
    }

    @Test
    void aContextCapturedAtTheStartReachesEveryRunOnEveryEngineAndEveryThreadItsCodeRunsOn() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        TenantPropagator first = new TenantPropagator();
        ContextRecorder firstEvents = new ContextRecorder();
        java.util.function.Function<TenantPropagator, DurableEngine.Builder> workflows = p -> builder()
                .register("tenanted", String.class, String.class, (in, ctx) -> {
                    seen.add("body " + p.tenant.get());
                    String a = ctx.step("a", String.class, s -> "a:" + p.tenant.get());
                    ctx.wait("pause", Duration.ofSeconds(10));
                    String b = ctx.step("b", String.class, s -> "b:" + p.tenant.get(),
                            StepConfig.builder().timeout(Duration.ofMinutes(1)).build());
                    String branch = ctx.stepAsync("c", String.class, s -> "c:" + p.tenant.get()).get();
                    String child = ctx.invoke("child", "tenant-child", in, dev.cairn.TypeRef.of(String.class));
                    return a + " " + b + " " + branch + " " + child;
                })
                .register("tenant-child", String.class, String.class, (in, ctx) ->
                        ctx.step("d", String.class, s -> "d:" + p.tenant.get()));
        DurableEngine engine = started(workflows.apply(first).contextPropagator(first).listener(firstEvents));
        first.tenant.set("acme");
        ExecutionHandle<String> h;
        try {
            h = start(engine, "tenanted", "x", String.class);
        } finally {
            first.tenant.remove();
        }
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertEquals("{\"tenant\":\"acme\"}", store.findExecution(h.executionId()).orElseThrow()
                .propagatedContext(), "stored with the execution, as a JSON object");
        engine.close();

        // Another engine over the same store, with a propagator of its own, resumes it after the wait.
        TenantPropagator second = new TenantPropagator();
        ContextRecorder secondEvents = new ContextRecorder();
        DurableEngine other = started(workflows.apply(second).contextPropagator(second).listener(secondEvents));
        clock.advance(Duration.ofSeconds(10));
        assertEquals("a:acme b:acme c:acme d:acme", other.handle(h.executionId(), String.class)
                .result(RESULT_TIMEOUT));
        String child = other.listExecutions(ExecutionQuery.builder().parentId(h.executionId()).build()).items()
                .get(0).id();
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> secondEvents.lines.stream()
                .anyMatch(l -> l.startsWith("ended tenanted")) && second.open.get() == 0);

        assertTrue(seen.size() >= 3 && seen.stream().allMatch("body acme"::equals),
                "the first run, the run after the wait, the run after the child ended: " + seen);
        assertEquals(List.of("started tenanted {tenant=acme}", "suspended tenanted {tenant=acme}"), firstEvents.lines);
        List<String> parent = secondEvents.lines.stream().filter(l -> l.contains(" tenanted ")).toList();
        assertEquals("resumed tenanted {tenant=acme}", parent.get(0));
        assertEquals("ended tenanted SUCCEEDED {tenant=acme}", parent.get(parent.size() - 1));
        assertTrue(parent.stream().allMatch(l -> l.endsWith(" {tenant=acme}")), parent.toString());
        assertEquals(List.of("started tenant-child {tenant=acme}", "ended tenant-child SUCCEEDED {tenant=acme}"),
                secondEvents.lines.stream().filter(l -> l.contains(" tenant-child ")).toList());
        assertEquals(1, first.captured.size(), "the start is captured once, on the caller's thread");
        assertEquals(new dev.cairn.ExecutionContextPropagator.Starting(h.executionId(), "tenanted", null, null,
                Map.of()), first.captured.get(0));
        assertEquals(List.of(new dev.cairn.ExecutionContextPropagator.Starting(child, "tenant-child", child,
                h.executionId(), Map.of("tenant", "acme"))), second.captured, "the child is captured on the parent's run");
        assertEquals("{\"tenant\":\"acme\"}", store.findExecution(child).orElseThrow().propagatedContext(),
                "the child's context was captured on the parent's thread, where the parent's is attached");
        assertTrue(second.attached.stream().anyMatch(r -> r.isStepAttempt() && "b".equals(r.stepName())
                && r.attempt() == 1), "a step attempt is attached with its step: " + second.attached);
        assertEquals(0, first.open.get(), "every attachment was closed");
        assertNull(first.tenant.get());
    }

    @Test
    void withoutAPropagatorNothingIsStoredAndListenersSeeAnEmptyContext() {
        ContextRecorder events = new ContextRecorder();
        DurableEngine engine = started(builder().listener(events).register("plain", String.class, String.class,
                (in, ctx) -> ctx.step("s", String.class, s -> in)));
        ExecutionHandle<String> h = start(engine, "plain", "x", String.class);
        assertEquals("x", h.result(RESULT_TIMEOUT));
        assertNull(store.findExecution(h.executionId()).orElseThrow().propagatedContext());
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> events.lines.size() == 2);
        assertEquals(List.of("started plain {}", "ended plain SUCCEEDED {}"), events.lines);
    }

    @Test
    void aContextKeepsItsPrintableEntriesWhileTheyFitAndAPropagatorThatThrowsIsIgnored() {
        Map<String, String> entries = new java.util.LinkedHashMap<>();
        entries.put("first", "1");
        entries.put("", "an empty key");
        entries.put("line\nbreak", "a control character in the key");
        entries.put("nul", "a control character \u0000 in the value");
        entries.put("second", "ü".repeat(1000)); // 2,000 bytes in UTF-8
        entries.put("third", "x".repeat(2500)); // would pass the limit
        entries.put("fourth", "4"); // would fit, but comes after the one that did not
        dev.cairn.ExecutionContextPropagator many = execution -> entries;
        dev.cairn.ExecutionContextPropagator broken = new dev.cairn.ExecutionContextPropagator() {
            @Override
            public Map<String, String> capture(Starting execution) {
                throw new IllegalStateException("propagator bug");
            }

            @Override
            public Attachment attach(Running code) {
                throw new IllegalStateException("propagator bug");
            }
        };
        DurableEngine engine = started(builder().contextPropagator(broken).contextPropagator(many)
                .register("bounded", String.class, String.class, (in, ctx) -> ctx.step("s", String.class, s -> in)));
        ExecutionHandle<String> h = start(engine, "bounded", "x", String.class);
        assertEquals("x", h.result(RESULT_TIMEOUT));
        assertEquals("{\"first\":\"1\",\"second\":\"" + "ü".repeat(1000) + "\"}",
                store.findExecution(h.executionId()).orElseThrow().propagatedContext());
    }

    @Test
    void everyRunThatBeganIsFollowedByItsSuspensionItsEndOrItsInterruption() throws Exception {
        java.util.concurrent.CountDownLatch bodyRunning = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TenantPropagator propagator = new TenantPropagator();
        ContextRecorder events = new ContextRecorder();
        DurableEngine engine = started(builder().contextPropagator(propagator).listener(events)
                .register("cancelled", String.class, String.class, (in, ctx) -> {
                    if (!ctx.isReplaying()) {
                        bodyRunning.countDown();
                        release.await();
                    }
                    ctx.wait("pause", Duration.ofSeconds(10));
                    return in;
                }));
        propagator.tenant.set("acme");
        ExecutionHandle<String> h;
        try {
            h = start(engine, "cancelled", "x", String.class);
        } finally {
            propagator.tenant.remove();
        }
        assertTrue(bodyRunning.await(30, java.util.concurrent.TimeUnit.SECONDS));
        // Cancelled while it runs, after its last checkpoint: the suspension that follows is what is refused.
        assertEquals(ExecutionStatus.RUNNING, engine.cancel(h.executionId(), "no longer wanted"));
        release.countDown();
        awaitStatus(engine, h.executionId(), ExecutionStatus.CANCELLED);
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> events.lines.size() == 2);
        assertEquals(List.of("started cancelled {tenant=acme}", "ended cancelled CANCELLED {tenant=acme}"),
                events.lines);
    }

    @Test
    void aRunStoppedByTheEngineClosingIsReportedInterruptedAndResumesOnTheNextEngine() throws Exception {
        java.util.concurrent.CountDownLatch stepRunning = new java.util.concurrent.CountDownLatch(1);
        ContextRecorder firstEvents = new ContextRecorder();
        AtomicInteger attempts = new AtomicInteger();
        java.util.function.Supplier<DurableEngine.Builder> workflows = () -> builder()
                .register("closing", String.class, String.class, (in, ctx) -> ctx.step("slow", String.class, s -> {
                    if (attempts.incrementAndGet() == 1) {
                        stepRunning.countDown();
                        new java.util.concurrent.CountDownLatch(1).await(); // until the engine's close interrupts it
                    }
                    return in + "!";
                }));
        DurableEngine engine = started(workflows.get().listener(firstEvents));
        ExecutionHandle<String> h = start(engine, "closing", "x", String.class);
        assertTrue(stepRunning.await(30, java.util.concurrent.TimeUnit.SECONDS));
        engine.close();
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> firstEvents.lines.size() == 2);
        assertEquals(List.of("started closing {}", "interrupted closing dev.cairn.EngineClosing {}"),
                firstEvents.lines);

        ContextRecorder secondEvents = new ContextRecorder();
        DurableEngine next = started(workflows.get().listener(secondEvents));
        assertEquals("x!", next.handle(h.executionId(), String.class).result(RESULT_TIMEOUT));
        org.awaitility.Awaitility.await().atMost(RESULT_TIMEOUT).until(() -> secondEvents.lines.size() == 2);
        assertEquals(List.of("resumed closing {}", "ended closing SUCCEEDED {}"), secondEvents.lines);
    }
}
