package dev.cairn.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackTimeout;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Transition;
import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ExecutionStore} fulfils, written as specifications. A store implementation tests
 * itself by extending this class and returning a fresh, empty store from {@link #newStore()}.
 *
 * <p>Instants here have millisecond precision, since stores may round to milliseconds. Engine time starts at
 * {@link #T0}; lease time, a separate clock, at {@link #L0}.
 *
 * <p>One class for the whole contract, so that a store's author extends one class; it is organised in nested
 * classes, one per part of the SPI.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ExecutionStoreContractTest {

    /** For subclasses, one per store. */
    protected ExecutionStoreContractTest() {
    }

    protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    protected static final Instant L0 = Instant.parse("2031-06-01T12:00:00Z");
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final String NODE_A = "node-a";
    protected static final String NODE_B = "node-b";

    protected ExecutionStore store;

    /** A fresh, empty store, with {@link ExecutionStore#initialize()} already called. */
    protected abstract ExecutionStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    protected static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    protected static Instant l(long seconds) {
        return L0.plusSeconds(seconds);
    }

    protected static NewExecution pending(String id) {
        return pending(id, null, T0);
    }

    protected static NewExecution pending(String id, String name, Instant createdAt) {
        return new NewExecution(id, name, "fn", "\"input of " + id + "\"", createdAt, null, null, null);
    }

    /** Inserts an execution RUNNING on {@link #NODE_A} at version 1, its lease running until L0 + 30 s. */
    protected ExecutionRecord running(String id) {
        ExecutionRecord e = store.createExecution(
                new NewExecution(id, null, "fn", "\"in\"", T0, NODE_A, l(30), null)).record();
        assertEquals(ExecutionStatus.RUNNING, e.status());
        return e;
    }

    protected static OperationRecord op(String executionId, String operationId, OperationStatus status) {
        return new OperationRecord(executionId, operationId, null, OperationType.STEP, null, "step " + operationId,
                status, status == OperationStatus.STARTED ? 0 : 1,
                status == OperationStatus.SUCCEEDED ? "\"result of " + operationId + "\"" : null,
                null, null, t(1), status.isTerminal() ? t(2) : null);
    }

    protected static CallbackRecord callback(String id, String executionId, Duration heartbeatTimeout) {
        return new CallbackRecord(id, executionId, "1", CallbackStatus.PENDING, null, null, t(3600),
                heartbeatTimeout, heartbeatTimeout == null ? null : t(1).plus(heartbeatTimeout), t(1), null);
    }

    protected static Checkpoint checkpoint(ExecutionRecord e, List<OperationRecord> inserts,
                                           List<OperationRecord> updates, List<CallbackRecord> callbacks,
                                           Transition transition, Instant now) {
        return new Checkpoint(e.id(), e.version(), inserts, updates, callbacks, transition, now);
    }

    protected CommitOutcome commitOne(Checkpoint checkpoint) {
        List<CommitOutcome> outcomes = store.commit(List.of(checkpoint));
        assertEquals(1, outcomes.size());
        return outcomes.get(0);
    }

    /** Runs a run of {@code id} until it suspends waiting for callback {@code callbackId}. */
    protected ExecutionRecord suspendedOnCallback(String id, String callbackId, Duration heartbeatTimeout) {
        ExecutionRecord e = running(id);
        assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e,
                List.of(op(id, "1", OperationStatus.STARTED)), List.of(),
                List.of(callback(callbackId, id, heartbeatTimeout)),
                Transition.suspend(null, e.signals()), t(1))));
        return get(id);
    }

    protected ExecutionRecord get(String id) {
        return store.findExecution(id).orElseThrow(() -> new AssertionError("no execution " + id));
    }

    protected CallbackRecord callbackRow(String id) {
        for (ExecutionRecord e : store.listExecutions(null, 10_000)) {
            for (CallbackRecord cb : store.loadCallbacks(e.id())) {
                if (cb.id().equals(id)) {
                    return cb;
                }
            }
        }
        throw new AssertionError("no callback " + id);
    }

    protected static CallbackCompletion success(String callbackId, String result, Instant now) {
        return new CallbackCompletion(callbackId, CallbackStatus.SUCCEEDED, result, null, now);
    }

    private static List<OperationRecord> sorted(List<OperationRecord> ops) {
        List<OperationRecord> copy = new ArrayList<>(ops);
        copy.sort(Comparator.comparing(OperationRecord::operationId));
        return copy;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Creating {

        @Test
        void aNewExecutionIsPendingAndDueAtOnce() {
            Instant timeout = t(3600);
            NewExecution n = new NewExecution("e1", null, "orders", "{\"n\":1}", T0, null, null, timeout);
            ExecutionStore.CreateResult r = store.createExecution(n);
            assertTrue(r.created());
            ExecutionRecord e = r.record();
            assertEquals(new ExecutionRecord("e1", null, "orders", ExecutionStatus.PENDING, "{\"n\":1}", null, null,
                    T0, T0, null, T0, null, null, 0, 0, null, timeout), e);
            assertEquals(e, get("e1"));
        }

        @Test
        void aNewExecutionWithAnOwnerIsRunningAtVersionOne() {
            ExecutionStore.CreateResult r = store.createExecution(
                    new NewExecution("e1", "named", "fn", "null", T0, NODE_A, l(30), null));
            assertTrue(r.created());
            assertEquals(new ExecutionRecord("e1", "named", "fn", ExecutionStatus.RUNNING, "null", null, null,
                    T0, T0, null, null, NODE_A, l(30), 1, 0, null, null), r.record());
            assertEquals(r.record(), get("e1"));
        }

        @Test
        void severalUnnamedExecutionsAreCreatedTogether() {
            List<ExecutionRecord> rows = store.createExecutions(List.of(
                    new NewExecution("g1", null, "fn", "1", T0, NODE_A, l(30), null),
                    new NewExecution("g2", null, "fn", "2", T0, null, null, null)));
            assertEquals(List.of("g1", "g2"), rows.stream().map(ExecutionRecord::id).toList());
            assertEquals(rows.get(0), get("g1"));
            assertEquals(ExecutionStatus.RUNNING, get("g1").status());
            assertEquals(1, get("g1").version());
            assertEquals(rows.get(1), get("g2"));
            assertEquals(ExecutionStatus.PENDING, get("g2").status());
            assertEquals(List.of(), store.createExecutions(List.of()));
            assertThrows(IllegalArgumentException.class, () -> store.createExecutions(
                    List.of(new NewExecution("g3", "named", "fn", "3", T0, null, null, null))));
            assertTrue(store.findExecution("g3").isEmpty());
        }

        @Test
        void aTakenNameReturnsTheExistingExecutionAndWritesNothing() {
            ExecutionRecord first = store.createExecution(pending("e1", "order-42", T0)).record();
            ExecutionStore.CreateResult second = store.createExecution(pending("e2", "order-42", t(5)));
            assertFalse(second.created());
            assertEquals(first, second.record());
            assertTrue(store.findExecution("e2").isEmpty());
        }

        @Test
        void unnamedExecutionsNeverCollide() {
            assertTrue(store.createExecution(pending("e1")).created());
            assertTrue(store.createExecution(pending("e2")).created());
            assertEquals(2, store.listExecutions(null, 10).size());
        }

        @Test
        void concurrentCreatesOfOneNameInsertOnce() throws Exception {
            int threads = 4;
            List<ExecutionStore.CreateResult> results = race(threads, i ->
                    store.createExecution(pending("e" + i, "unique-name", T0)));
            assertEquals(1, results.stream().filter(ExecutionStore.CreateResult::created).count());
            String winner = results.stream().filter(ExecutionStore.CreateResult::created).findFirst().orElseThrow()
                    .record().id();
            for (ExecutionStore.CreateResult r : results) {
                assertEquals(winner, r.record().id());
            }
        }

        @Test
        void aDuplicateIdIsAnError() {
            store.createExecution(pending("e1"));
            assertThrows(RuntimeException.class, () -> store.createExecution(pending("e1")));
        }

        @Test
        void anUnknownExecutionIsNotFound() {
            assertTrue(store.findExecution("nope").isEmpty());
        }
    }

    @Nested
    class Claiming {

        @Test
        void aPendingExecutionIsClaimedOnce() {
            store.createExecution(pending("e1"));
            ExecutionRecord claimed = store.claim("e1", NODE_A, t(1), l(0), l(30)).orElseThrow();
            assertEquals(ExecutionStatus.RUNNING, claimed.status());
            assertEquals(NODE_A, claimed.owner());
            assertEquals(l(30), claimed.leaseUntil());
            assertEquals(1, claimed.version());
            assertEquals(t(1), claimed.updatedAt());
            assertEquals(claimed, get("e1"));
            assertTrue(store.claim("e1", NODE_B, t(1), l(1), l(31)).isEmpty(), "its lease has not run out");
        }

        @Test
        void claimingSeveralClaimsTheRunnableOnesInIdOrder() {
            store.createExecution(pending("p1"));
            commitOne(checkpoint(running("s2"), List.of(), List.of(), List.of(), Transition.suspend(t(2), 0), t(0)));
            commitOne(checkpoint(running("s9"), List.of(), List.of(), List.of(), Transition.suspend(t(9), 0), t(0)));
            store.createExecution(new NewExecution("theirs", null, "fn", "\"in\"", T0, NODE_B, l(30), null));
            ExecutionRecord ended = running("ended");
            commitOne(checkpoint(ended, List.of(), List.of(), List.of(), Transition.succeed("1"), t(0)));

            List<ExecutionRecord> claimed = store.claimAll(List.of("s9", "theirs", "s2", "ended", "missing", "p1"),
                    NODE_A, t(5), l(1), l(31));
            assertEquals(List.of("p1", "s2"), claimed.stream().map(ExecutionRecord::id).toList());
            for (ExecutionRecord row : claimed) {
                assertEquals(ExecutionStatus.RUNNING, row.status());
                assertEquals(NODE_A, row.owner());
                assertEquals(l(31), row.leaseUntil());
                assertNull(row.wakeAt());
                assertEquals(t(5), row.updatedAt());
                assertEquals(row, get(row.id()));
            }
            assertEquals(1, claimed.get(0).version());
            assertEquals(2, claimed.get(1).version());
            assertEquals("\"input of p1\"", claimed.get(0).input());
            assertEquals(ExecutionStatus.SUSPENDED, get("s9").status(), "not due yet");
            assertEquals(NODE_B, get("theirs").owner());
            assertEquals(List.of(), store.claimAll(List.of("p1", "s2"), NODE_B, t(5), l(2), l(32)),
                    "their leases have not run out");
            assertEquals(List.of(), store.claimAll(List.of(), NODE_A, t(5), l(2), l(32)));
        }

        @Test
        void concurrentClaimsOfSeveralHaveExactlyOneWinnerEach() throws Exception {
            int executions = 40;
            for (int i = 0; i < executions; i++) {
                store.createExecution(pending(String.format("e%02d", i)));
            }
            Map<String, String> winners = new ConcurrentHashMap<>();
            race(4, thread -> {
                // Each node asks for every execution once, in groups of 10 that differ from node to node.
                for (int from = 0; from < executions; from += 10) {
                    List<String> ids = new java.util.ArrayList<>();
                    for (int k = 0; k < 10; k++) {
                        ids.add(String.format("e%02d", (from + thread * 3 + k) % executions));
                    }
                    for (ExecutionRecord r : store.claimAll(ids, "node-" + thread, t(1), l(0), l(30))) {
                        assertEquals(1, r.version());
                        assertNull(winners.put(r.id(), "node-" + thread), "claimed twice: " + r.id());
                    }
                }
                return null;
            });
            for (int i = 0; i < executions; i++) {
                String id = String.format("e%02d", i);
                assertEquals(winners.get(id), get(id).owner());
            }
        }

        @Test
        void concurrentClaimsHaveExactlyOneWinnerEach() throws Exception {
            int executions = 25;
            int threads = 4;
            for (int i = 0; i < executions; i++) {
                store.createExecution(pending("e" + i));
            }
            Map<String, String> winners = new ConcurrentHashMap<>();
            AtomicInteger wins = new AtomicInteger();
            race(threads, thread -> {
                for (int i = 0; i < executions; i++) {
                    Optional<ExecutionRecord> r = store.claim("e" + i, "node-" + thread, t(1), l(0), l(30));
                    if (r.isPresent()) {
                        wins.incrementAndGet();
                        assertEquals(1, r.get().version());
                        assertEquals("node-" + thread, r.get().owner());
                        assertNull(winners.put("e" + i, "node-" + thread), "claimed twice: e" + i);
                    }
                }
                return null;
            });
            assertEquals(executions, wins.get());
            for (int i = 0; i < executions; i++) {
                assertEquals(winners.get("e" + i), get("e" + i).owner());
                assertEquals(1, get("e" + i).version());
            }
        }

        @Test
        void aSuspendedExecutionIsClaimableOnceItsWakeUpIsDue() {
            ExecutionRecord e = running("e1");
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(op("e1", "1",
                    OperationStatus.STARTED)), List.of(), List.of(), Transition.suspend(t(10), 0), t(1))));
            assertTrue(store.claim("e1", NODE_B, t(9), l(0), l(30)).isEmpty(), "not due yet");
            ExecutionRecord claimed = store.claim("e1", NODE_B, t(10), l(0), l(30)).orElseThrow();
            assertEquals(2, claimed.version());
            assertEquals(NODE_B, claimed.owner());
        }

        @Test
        void aSuspensionWithoutWakeUpWaitsForASignal() {
            suspendedOnCallback("e1", "cb1", null);
            assertTrue(store.claim("e1", NODE_B, t(1_000_000), l(0), l(30)).isEmpty());
        }

        @Test
        void anExpiredLeaseIsTakenOverAndFencesTheFormerOwner() {
            ExecutionRecord mine = running("e1");
            assertTrue(store.claim("e1", NODE_B, t(5), l(30), l(60)).isEmpty(), "the lease runs until l(30)");
            ExecutionRecord theirs = store.claim("e1", NODE_B, t(5), l(31), l(61)).orElseThrow();
            assertEquals(NODE_B, theirs.owner());
            assertEquals(2, theirs.version());
            assertEquals(l(61), theirs.leaseUntil());

            assertEquals(CommitOutcome.FENCED, commitOne(checkpoint(mine,
                    List.of(op("e1", "1", OperationStatus.SUCCEEDED)), List.of(), List.of(),
                    Transition.succeed("\"late\""), t(6))));
            assertEquals(ExecutionStatus.RUNNING, get("e1").status());
            assertTrue(store.loadHistory("e1").operations().isEmpty());
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(theirs, List.of(), List.of(), List.of(),
                    Transition.succeed("\"ok\""), t(7))));
        }

        @Test
        void aNodeClaimsAgainWhatItHoldsButNoLongerRuns() {
            ExecutionRecord first = running("e1");
            assertTrue(store.claim("e1", NODE_B, t(5), l(1), l(31)).isEmpty(), "another node waits for the lease");
            ExecutionRecord again = store.claim("e1", NODE_A, t(5), l(1), l(31)).orElseThrow();
            assertEquals(2, again.version(), "the claim fences the run that stopped");
            assertEquals(NODE_A, again.owner());
            assertEquals(CommitOutcome.FENCED, commitOne(checkpoint(first, List.of(), List.of(), List.of(),
                    Transition.succeed("1"), t(6))));
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(again, List.of(), List.of(), List.of(),
                    Transition.succeed("1"), t(6))));
        }

        @Test
        void endedAndParkedExecutionsAreNotClaimable() {
            ExecutionRecord done = running("done");
            commitOne(checkpoint(done, List.of(), List.of(), List.of(), Transition.succeed("1"), t(1)));
            ExecutionRecord parked = running("parked");
            commitOne(checkpoint(parked, List.of(), List.of(), List.of(),
                    Transition.park(ErrorInfo.of("dev.cairn.UnknownFunctionException", "fn")), t(1)));
            assertTrue(store.claim("done", NODE_B, t(100), l(100), l(130)).isEmpty());
            assertTrue(store.claim("parked", NODE_B, t(100), l(100), l(130)).isEmpty());
            assertTrue(store.claim("unknown", NODE_B, t(100), l(100), l(130)).isEmpty());
        }
    }

    @Nested
    class Scheduling {

        @Test
        void dueExecutionsComeEarliestFirstUpToTheLimit() {
            store.createExecution(pending("p3", null, t(3)));
            store.createExecution(pending("p1", null, t(1)));
            for (String id : List.of("s2", "s5", "s9", "none")) {
                ExecutionRecord e = running(id);
                Instant wake = switch (id) {
                    case "s2" -> t(2);
                    case "s5" -> t(5);
                    case "s9" -> t(9);
                    default -> null;
                };
                commitOne(checkpoint(e, List.of(), List.of(), List.of(), Transition.suspend(wake, 0), t(0)));
            }
            running("busy");
            ExecutionRecord ended = running("ended");
            commitOne(checkpoint(ended, List.of(), List.of(), List.of(), Transition.succeed("1"), t(0)));

            assertEquals(List.of(new DueExecution("p1", t(1)), new DueExecution("s2", t(2)),
                    new DueExecution("p3", t(3)), new DueExecution("s5", t(5))), store.findDue(t(5), 10));
            assertEquals(List.of(new DueExecution("p1", t(1)), new DueExecution("s2", t(2))),
                    store.findDue(t(100), 2));
            assertEquals(List.of(), store.findDue(t(0), 10));
        }

        @Test
        void dueExecutionsAreListedPageByPageFromAWakeUpOn() {
            store.createExecution(pending("p3", null, t(3)));
            for (String id : List.of("s2", "s3", "s5", "s9")) {
                commitOne(checkpoint(running(id), List.of(), List.of(), List.of(),
                        Transition.suspend(t(Integer.parseInt(id.substring(1))), 0), t(0)));
            }
            ExecutionRecord ended = running("ended");
            commitOne(checkpoint(ended, List.of(), List.of(), List.of(), Transition.succeed("1"), t(0)));

            assertEquals(List.of(new DueExecution("p3", t(3)), new DueExecution("s3", t(3)),
                    new DueExecution("s5", t(5))), store.findDueBetween(t(3), t(5), 10), "both ends included");
            assertEquals(List.of(new DueExecution("s2", t(2)), new DueExecution("p3", t(3))),
                    store.findDueBetween(t(0), t(100), 2));
            List<DueExecution> page = store.findDueBetween(t(5), t(100), 1);
            assertEquals(List.of(new DueExecution("s5", t(5))), page);
            assertEquals(List.of(new DueExecution("s5", t(5)), new DueExecution("s9", t(9))),
                    store.findDueBetween(page.get(0).wakeAt(), t(100), 10), "the next page lists its first instant again");
            assertEquals(List.of(), store.findDueBetween(t(10), t(100), 10));
            assertEquals(List.of(), store.findDueBetween(t(6), t(8), 10));
        }

        @Test
        void aReleasedExecutionIsPendingAndDueAtItsWakeUp() {
            ExecutionRecord e = running("e1");
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(), List.of(), List.of(),
                    Transition.release(t(20)), t(2))));
            ExecutionRecord row = get("e1");
            assertEquals(ExecutionStatus.PENDING, row.status());
            assertEquals(t(20), row.wakeAt());
            assertNull(row.owner());
            assertNull(row.leaseUntil());
            assertEquals(List.of(), store.findDue(t(19), 10));
            assertEquals(List.of(new DueExecution("e1", t(20))), store.findDue(t(20), 10));
        }

        @Test
        void expiredLeasesAreFound() {
            running("a");
            store.createExecution(new NewExecution("b", null, "fn", "1", T0, NODE_B, l(10), null));
            store.createExecution(pending("c"));
            assertEquals(List.of("b"), store.findExpiredLeases(l(20), 10));
            assertEquals(List.of("b", "a"), store.findExpiredLeases(l(31), 10));
            assertEquals(List.of("b"), store.findExpiredLeases(l(31), 1));
            assertEquals(List.of(), store.findExpiredLeases(l(10), 10), "a lease is valid up to its end");
        }

        @Test
        void renewingLeasesExtendsOnlyTheOwnersRunningExecutions() {
            running("a1");
            running("a2");
            store.createExecution(new NewExecution("b", null, "fn", "1", T0, NODE_B, l(30), null));
            ExecutionRecord done = running("a3");
            commitOne(checkpoint(done, List.of(), List.of(), List.of(), Transition.succeed("1"), t(1)));

            assertEquals(2, store.renewLeases(NODE_A, List.of("a1", "a2", "a3", "b"), l(90)).size());
            assertEquals(l(90), get("a1").leaseUntil());
            assertEquals(l(90), get("a2").leaseUntil());
            assertEquals(l(30), get("b").leaseUntil());
            assertNull(get("a3").leaseUntil());
            assertEquals(0, store.renewLeases("nobody", List.of("a1", "a2", "b"), l(90)).size());
        }

        @Test
        void onlyTheLeasesOfTheExecutionsNamedAreRenewed() {
            running("runs-here");
            running("left-behind");
            assertEquals(Set.of("runs-here"), store.renewLeases(NODE_A, List.of("runs-here", "unknown"), l(90)));
            assertEquals(l(90), get("runs-here").leaseUntil());
            assertEquals(l(30), get("left-behind").leaseUntil(), "a held execution no run runs lets its lease run out");
            assertEquals(List.of("left-behind"), store.findExpiredLeases(l(31), 10));
            assertEquals(Set.of(), store.renewLeases(NODE_A, List.of(), l(90)));
        }

        @Test
        void releasingWhatANodeIdHoldsMakesItPendingAndDueNow() {
            running("mine");
            store.createExecution(new NewExecution("theirs", null, "fn", "1", T0, NODE_B, l(30), null));
            assertEquals(1, store.releaseOwned(NODE_A, t(50)));
            ExecutionRecord mine = get("mine");
            assertEquals(ExecutionStatus.PENDING, mine.status());
            assertEquals(t(50), mine.wakeAt());
            assertNull(mine.owner());
            assertNull(mine.leaseUntil());
            assertEquals(ExecutionStatus.RUNNING, get("theirs").status());
            assertEquals(List.of("mine"), store.findDue(t(50), 10).stream().map(DueExecution::executionId).toList());
            assertEquals(2, store.claim("mine", NODE_A, t(51), l(1), l(31)).orElseThrow().version());
        }

        @Test
        void releasingAllRunningMakesThemPendingAndDueNow() {
            running("a");
            store.createExecution(new NewExecution("b", null, "fn", "1", T0, NODE_B, l(30), null));
            store.createExecution(pending("c"));
            assertEquals(2, store.releaseAllRunning(t(50)));
            for (String id : List.of("a", "b")) {
                ExecutionRecord e = get(id);
                assertEquals(ExecutionStatus.PENDING, e.status());
                assertEquals(t(50), e.wakeAt());
                assertNull(e.owner());
                assertNull(e.leaseUntil());
            }
            assertEquals(T0, get("c").wakeAt());
            ExecutionRecord again = store.claim("a", NODE_B, t(50), l(0), l(30)).orElseThrow();
            assertEquals(2, again.version());
        }

        @Test
        void unparkingMakesParkedExecutionsOfTheGivenFunctionsPending() {
            ErrorInfo why = ErrorInfo.of("dev.cairn.UnknownFunctionException", "fn");
            for (String id : List.of("x", "y")) {
                ExecutionRecord e = store.createExecution(new NewExecution(id, null, id.equals("x") ? "fx" : "fy",
                        "1", T0, NODE_A, l(30), null)).record();
                commitOne(checkpoint(e, List.of(), List.of(), List.of(), Transition.park(why), t(1)));
                assertEquals(ExecutionStatus.PARKED, get(id).status());
                assertEquals(why, get(id).error());
            }
            assertEquals(1, store.unpark(List.of("fx", "other"), t(9)));
            ExecutionRecord x = get("x");
            assertEquals(ExecutionStatus.PENDING, x.status());
            assertEquals(t(9), x.wakeAt());
            assertNull(x.error());
            assertEquals(ExecutionStatus.PARKED, get("y").status());
            assertEquals(0, store.unpark(List.of(), t(9)));
        }
    }

    @Nested
    class Committing {

        @Test
        void anEmptyBatchDoesNothing() {
            assertEquals(List.of(), store.commit(List.of()));
        }

        @Test
        void aGroupCommitFencesEachCheckpointOnItsOwn() {
            ExecutionRecord a = running("a");
            ExecutionRecord b = running("b");
            ExecutionRecord c = running("c");
            ExecutionRecord stale = new ExecutionRecord(b.id(), null, "fn", ExecutionStatus.RUNNING, null, null,
                    null, T0, T0, null, null, NODE_A, l(30), b.version() - 1, 0, null, null);
            List<CommitOutcome> outcomes = store.commit(List.of(
                    checkpoint(a, List.of(op("a", "1", OperationStatus.SUCCEEDED)), List.of(), List.of(), null,
                            t(2)),
                    checkpoint(stale, List.of(op("b", "1", OperationStatus.SUCCEEDED)), List.of(), List.of(),
                            Transition.succeed("\"b\""), t(2)),
                    checkpoint(c, List.of(op("c", "1", OperationStatus.SUCCEEDED)), List.of(), List.of(),
                            Transition.succeed("\"c\""), t(2)),
                    new Checkpoint("missing", 1, List.of(), List.of(), List.of(), null, t(2))));
            assertEquals(List.of(CommitOutcome.APPLIED, CommitOutcome.FENCED, CommitOutcome.APPLIED,
                    CommitOutcome.FENCED), outcomes);

            assertEquals(List.of(op("a", "1", OperationStatus.SUCCEEDED)), store.loadHistory("a").operations());
            assertEquals(ExecutionStatus.RUNNING, get("a").status());
            assertEquals(a.updatedAt(), get("a").updatedAt(), "checkpoints without a transition leave the row as it was");

            assertTrue(store.loadHistory("b").operations().isEmpty());
            assertEquals(b, get("b"));

            ExecutionRecord cRow = get("c");
            assertEquals(ExecutionStatus.SUCCEEDED, cRow.status());
            assertEquals("\"c\"", cRow.output());
            assertEquals(t(2), cRow.endedAt());
            assertEquals(t(2), cRow.updatedAt());
            assertNull(cRow.owner());
            assertNull(cRow.leaseUntil());
            assertEquals(1, store.loadHistory("c").operations().size());
        }

        @Test
        void aCheckpointCreatesTheExecutionsItsRunInvokes() {
            ExecutionRecord p = running("p");
            NewExecution child = new NewExecution("p/1", "p/1", "child-fn", "7", t(1), null, null, null, "p");
            Checkpoint cp = new Checkpoint("p", p.version(), List.of(op("p", "1", OperationStatus.STARTED)),
                    List.of(), List.of(), null, t(1), List.of(child));
            assertEquals(CommitOutcome.APPLIED, commitOne(cp));

            ExecutionRecord row = get("p/1");
            assertEquals(ExecutionStatus.PENDING, row.status());
            assertEquals("p", row.parentId());
            assertEquals("p/1", row.name());
            assertEquals("child-fn", row.function());
            assertEquals("7", row.input());
            assertEquals(t(1), row.createdAt());
            assertEquals(1, store.loadHistory("p").operations().size());

            // A replay that submits the child again, alone in its checkpoint, leaves the existing one as it is.
            assertEquals(CommitOutcome.APPLIED, commitOne(new Checkpoint("p", p.version(), List.of(), List.of(),
                    List.of(), null, t(5), List.of(new NewExecution("p/1", "p/1", "child-fn", "8", t(5), null, null,
                            null, "p")))));
            assertEquals(row, get("p/1"));
        }

        @Test
        void aFencedCheckpointCreatesNoChild() {
            ExecutionRecord p = running("p");
            ExecutionRecord stale = p.toBuilder().version(p.version() - 1).build();
            NewExecution child = new NewExecution("p/1", "p/1", "child-fn", "7", t(1), null, null, null, "p");
            assertEquals(CommitOutcome.FENCED, commitOne(new Checkpoint("p", stale.version(),
                    List.of(op("p", "1", OperationStatus.STARTED)), List.of(), List.of(), null, t(1),
                    List.of(child))));
            assertEquals(CommitOutcome.FENCED, commitOne(new Checkpoint("p", stale.version(), List.of(), List.of(),
                    List.of(), null, t(1), List.of(child))));
            assertTrue(store.findExecution("p/1").isEmpty(), "a run that lost its execution starts no child");
            assertTrue(store.loadHistory("p").operations().isEmpty());
        }

        @Test
        void aChildOfAnotherExecutionIsRefused() {
            NewExecution child = new NewExecution("q/1", "q/1", "child-fn", "7", t(1), null, null, null, "q");
            assertThrows(IllegalArgumentException.class, () -> new Checkpoint("p", 1, List.of(), List.of(),
                    List.of(), null, t(1), List.of(child)));
        }

        @Test
        void anEndedExecutionFencesLateCheckpoints() {
            ExecutionRecord e = running("e1");
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(), List.of(), List.of(),
                    Transition.end(ExecutionStatus.FAILED, ErrorInfo.of("java.lang.IllegalStateException", "x")),
                    t(1))));
            assertEquals(CommitOutcome.FENCED, commitOne(checkpoint(e,
                    List.of(op("e1", "9", OperationStatus.SUCCEEDED)), List.of(), List.of(), null, t(2))));
            assertTrue(store.loadHistory("e1").operations().isEmpty());
        }

        @Test
        void anOperationIsInsertedThenUpdatedWhole() {
            ExecutionRecord e = running("e1");
            OperationRecord started = new OperationRecord("e1", "1", null, OperationType.STEP, null, "charge",
                    OperationStatus.STARTED, 1, null, null, null, t(1), null);
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(started), List.of(), List.of(),
                    null, t(1))));
            assertEquals(List.of(started), store.loadHistory("e1").operations());

            OperationRecord retry = new OperationRecord("e1", "1", null, OperationType.STEP, null, "charge",
                    OperationStatus.RETRY_PENDING, 1, null, ErrorInfo.of(new IllegalStateException("boom")), t(10),
                    t(1), null);
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(), List.of(retry), List.of(),
                    null, t(2))));
            assertEquals(List.of(retry), store.loadHistory("e1").operations());

            OperationRecord done = new OperationRecord("e1", "1", null, OperationType.STEP, null, "charge",
                    OperationStatus.SUCCEEDED, 2, "42", null, null, t(1), t(11));
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(), List.of(done), List.of(),
                    null, t(11))));
            assertEquals(List.of(done), store.loadHistory("e1").operations());
        }

        @Test
        void aFailedBatchWritesNothing() {
            ExecutionRecord a = running("a");
            ExecutionRecord b = running("b");
            commitOne(checkpoint(b, List.of(op("b", "1", OperationStatus.STARTED)), List.of(), List.of(), null,
                    t(1)));
            ExecutionRecord bBefore = get("b");
            assertThrows(RuntimeException.class, () -> store.commit(List.of(
                    checkpoint(a, List.of(op("a", "1", OperationStatus.SUCCEEDED)), List.of(),
                            List.of(callback("cb-a", "a", null)), Transition.succeed("1"), t(2)),
                    checkpoint(b, List.of(op("b", "1", OperationStatus.SUCCEEDED)), List.of(), List.of(), null,
                            t(2)))), "operation b/1 is inserted twice");
            assertEquals(a, get("a"));
            assertTrue(store.loadHistory("a").operations().isEmpty());
            assertTrue(store.loadCallbacks("a").isEmpty());
            assertEquals(bBefore, get("b"));
            assertEquals(List.of(op("b", "1", OperationStatus.STARTED)), store.loadHistory("b").operations());
        }

        @Test
        void aSuspensionIsAppliedIfNoSignalArrived() {
            ExecutionRecord e = running("e1");
            OperationRecord wait = new OperationRecord("e1", "1", null, OperationType.WAIT, null, "nap",
                    OperationStatus.STARTED, 0, null, null, t(60), t(1), null);
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(wait), List.of(), List.of(),
                    Transition.suspend(t(60), 0), t(1))));
            ExecutionRecord row = get("e1");
            assertEquals(ExecutionStatus.SUSPENDED, row.status());
            assertEquals(t(60), row.wakeAt());
            assertEquals(t(1), row.updatedAt());
            assertEquals(1, row.version(), "a transition does not move the version; a claim does");
            assertNull(row.owner());
            assertNull(row.leaseUntil());
            assertNull(row.endedAt());
        }

        @Test
        void aSuspensionIsRefusedAsSignalledIfACallbackCompletedSinceTheRunBegan() {
            ExecutionRecord e = running("e1");
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(op("e1", "1",
                    OperationStatus.STARTED)), List.of(), List.of(callback("cb1", "e1", null)), null, t(1))));
            CallbackUpdate u = store.completeCallback(success("cb1", "\"yes\"", t(2)));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals(ExecutionStatus.RUNNING, u.executionStatus());
            assertEquals(1, get("e1").signals());

            OperationRecord other = op("e1", "2", OperationStatus.SUCCEEDED);
            assertEquals(CommitOutcome.SIGNALLED, commitOne(checkpoint(e, List.of(other), List.of(), List.of(),
                    Transition.suspend(null, 0), t(3))));
            ExecutionRecord row = get("e1");
            assertEquals(ExecutionStatus.RUNNING, row.status(), "the run goes on: it must replay");
            assertEquals(NODE_A, row.owner());
            assertEquals(2, store.loadHistory("e1").operations().size(), "the operation writes stay");

            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(), List.of(), List.of(),
                    Transition.suspend(null, 1), t(4))));
            assertEquals(ExecutionStatus.SUSPENDED, get("e1").status());
        }

        @Test
        void aPendingCancelRequestEndsTheExecutionAtItsNextCheckpoint() {
            ExecutionRecord e = running("e1");
            CancelResult r = store.cancel("e1", "customer asked", t(5));
            assertEquals(new CancelResult(CancelResult.Outcome.REQUESTED, ExecutionStatus.RUNNING), r);
            ExecutionRecord requested = get("e1");
            assertEquals("customer asked", requested.cancelReason());
            assertEquals(1, requested.signals());
            assertEquals(ExecutionStatus.RUNNING, requested.status());

            assertEquals(CommitOutcome.CANCELLED, commitOne(checkpoint(e,
                    List.of(op("e1", "1", OperationStatus.SUCCEEDED)), List.of(), List.of(),
                    Transition.succeed("\"too late\""), t(6))));
            ExecutionRecord row = get("e1");
            assertEquals(ExecutionStatus.CANCELLED, row.status());
            assertEquals("customer asked", row.error().message());
            assertEquals("Cancelled", row.error().type());
            assertNull(row.output());
            assertEquals(t(6), row.endedAt());
            assertNull(row.owner());
            assertNull(row.leaseUntil());
            assertTrue(store.loadHistory("e1").operations().isEmpty(), "nothing of the checkpoint is applied");
            assertEquals(CommitOutcome.FENCED, commitOne(checkpoint(e, List.of(), List.of(), List.of(), null,
                    t(7))));
        }

        @Test
        void aCancelRequestForAnotherVersionIsAFence() {
            ExecutionRecord e = running("e1");
            store.cancel("e1", "stop", t(5));
            ExecutionRecord stale = new ExecutionRecord("e1", null, "fn", ExecutionStatus.RUNNING, null, null, null,
                    T0, T0, null, null, NODE_A, l(30), 0, 0, null, null);
            assertEquals(CommitOutcome.FENCED, commitOne(checkpoint(stale, List.of(), List.of(), List.of(), null,
                    t(6))));
            assertEquals(ExecutionStatus.RUNNING, get("e1").status());
            assertEquals(CommitOutcome.CANCELLED, commitOne(checkpoint(e, List.of(), List.of(), List.of(), null,
                    t(6))));
        }

        @Test
        void terminalTransitionsRecordTheirResult() {
            ErrorInfo failure = ErrorInfo.of(new IllegalArgumentException("bad input"));
            ExecutionRecord f = running("f");
            ExecutionRecord s = running("s");
            ExecutionRecord to = running("to");
            assertEquals(List.of(CommitOutcome.APPLIED, CommitOutcome.APPLIED, CommitOutcome.APPLIED),
                    store.commit(List.of(
                            checkpoint(f, List.of(), List.of(), List.of(),
                                    Transition.end(ExecutionStatus.FAILED, failure), t(3)),
                            checkpoint(s, List.of(), List.of(), List.of(), Transition.succeed("{\"ok\":true}"),
                                    t(4)),
                            checkpoint(to, List.of(), List.of(), List.of(), Transition.end(
                                    ExecutionStatus.TIMED_OUT, ErrorInfo.of("Timeout", "ran past 1h")), t(5)))));
            assertEquals(ExecutionStatus.FAILED, get("f").status());
            assertEquals(failure, get("f").error());
            assertEquals(t(3), get("f").endedAt());
            assertNull(get("f").output());
            assertEquals("{\"ok\":true}", get("s").output());
            assertNull(get("s").error());
            assertEquals(t(4), get("s").endedAt());
            assertEquals(ExecutionStatus.TIMED_OUT, get("to").status());
            assertEquals(t(5), get("to").endedAt());
        }

        @Test
        void checkpointsOfOneExecutionInOneBatchApplyInOrder() {
            ExecutionRecord e = running("e1");
            List<CommitOutcome> outcomes = store.commit(List.of(
                    checkpoint(e, List.of(op("e1", "1", OperationStatus.STARTED)), List.of(), List.of(), null,
                            t(1)),
                    checkpoint(e, List.of(), List.of(op("e1", "1", OperationStatus.SUCCEEDED)), List.of(),
                            Transition.suspend(t(9), 0), t(2)),
                    checkpoint(e, List.of(op("e1", "2", OperationStatus.SUCCEEDED)), List.of(), List.of(), null,
                            t(3))));
            assertEquals(List.of(CommitOutcome.APPLIED, CommitOutcome.APPLIED, CommitOutcome.FENCED), outcomes);
            assertEquals(List.of(op("e1", "1", OperationStatus.SUCCEEDED)), store.loadHistory("e1").operations());
            assertEquals(ExecutionStatus.SUSPENDED, get("e1").status());
        }
    }

    @Nested
    class Callbacks {

        @Test
        void completingACallbackWakesItsSuspendedExecution() {
            suspendedOnCallback("e1", "cb1", null);
            CallbackUpdate u = store.completeCallback(success("cb1", "{\"approved\":true}", t(7)));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals(ExecutionStatus.PENDING, u.executionStatus());
            assertEquals(CallbackStatus.SUCCEEDED, u.callback().status());
            assertEquals("{\"approved\":true}", u.callback().result());
            assertEquals(t(7), u.callback().completedAt());
            assertEquals(u.callback(), callbackRow("cb1"));

            ExecutionRecord e = get("e1");
            assertEquals(ExecutionStatus.PENDING, e.status());
            assertEquals(t(7), e.wakeAt());
            assertEquals(1, e.signals());
            assertEquals(List.of(new DueExecution("e1", t(7))), store.findDue(t(7), 10));
        }

        @Test
        void aCompletionMadeFromTheCallbackClaimsTheExecutionItWakes() {
            suspendedOnCallback("e1", "cb1", null);
            List<CallbackRecord> seen = new ArrayList<>();
            CallbackUpdate u = store.completeCallback("cb1", cb -> {
                seen.add(cb);
                return success("cb1", "\"made from " + cb.operationId() + "\"", t(7));
            }, new Claimant(NODE_B, l(2), l(32)));
            assertEquals(CallbackStatus.PENDING, seen.get(seen.size() - 1).status(), "resolve sees the row as it was");
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals("\"made from 1\"", u.callback().result());
            assertEquals(u.callback(), callbackRow("cb1"));
            assertEquals(ExecutionStatus.RUNNING, u.executionStatus());
            ExecutionRecord row = get("e1");
            assertEquals(row, u.claimed());
            assertEquals(ExecutionStatus.RUNNING, row.status());
            assertEquals(NODE_B, row.owner());
            assertEquals(l(32), row.leaseUntil());
            assertEquals(2, row.version(), "claimed as a claim would: the next version");
            assertEquals(1, row.signals());
            assertNull(row.wakeAt());
            assertEquals(t(7), row.updatedAt());
            assertEquals(List.of(), store.findDue(t(100), 10));
            assertTrue(store.claim("e1", NODE_A, t(8), l(3), l(33)).isEmpty(), "NODE_B holds it");
        }

        @Test
        void aCompletionMadeFromTheCallbackChangesNothingIfItsResolverThrows() {
            suspendedOnCallback("e1", "cb1", null);
            IllegalStateException refused = new IllegalStateException("not that type");
            assertSame(refused, assertThrows(IllegalStateException.class, () -> store.completeCallback("cb1", cb -> {
                throw refused;
            }, new Claimant(NODE_B, l(2), l(32)))));
            assertEquals(CallbackStatus.PENDING, callbackRow("cb1").status());
            assertEquals(ExecutionStatus.SUSPENDED, get("e1").status());
            assertEquals(0, get("e1").signals());
        }

        @Test
        void aCompletionMadeFromTheCallbackClaimsNothingElse() {
            assertEquals(new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null),
                    store.completeCallback("nope", cb -> {
                        throw new AssertionError("resolved an unknown callback");
                    }, new Claimant(NODE_B, l(2), l(32))));

            ExecutionRecord e = running("e2");
            commitOne(checkpoint(e, List.of(), List.of(), List.of(callback("cb2", "e2", null)), null, t(1)));
            CallbackUpdate u = store.completeCallback("cb2", cb -> success("cb2", "1", t(2)),
                    new Claimant(NODE_B, l(2), l(32)));
            assertEquals(ExecutionStatus.RUNNING, u.executionStatus());
            assertNull(u.claimed(), "a running execution is only signalled");
            assertEquals(NODE_A, get("e2").owner());
            assertEquals(1, get("e2").version());

            suspendedOnCallback("e3", "cb3", null);
            CallbackUpdate unclaimed = store.completeCallback("cb3", cb -> success("cb3", "1", t(2)), null);
            assertNull(unclaimed.claimed());
            assertEquals(ExecutionStatus.PENDING, get("e3").status());
            CallbackUpdate again = store.completeCallback("cb3", cb -> success("cb3", "2", t(3)),
                    new Claimant(NODE_B, l(2), l(32)));
            assertEquals(CallbackUpdate.Outcome.ALREADY_COMPLETED, again.outcome());
            assertNull(again.claimed());
            assertEquals(ExecutionStatus.PENDING, get("e3").status());
        }

        @Test
        void failingACallbackRecordsTheError() {
            suspendedOnCallback("e1", "cb1", null);
            ErrorInfo error = new ErrorInfo("PaymentDeclined", "card expired", null);
            CallbackUpdate u = store.completeCallback(
                    new CallbackCompletion("cb1", CallbackStatus.FAILED, null, error, t(7)));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals(CallbackStatus.FAILED, u.callback().status());
            assertEquals(error, u.callback().error());
            assertNull(u.callback().result());
            assertEquals(u.callback(), callbackRow("cb1"));
        }

        @Test
        void theFirstCompletionWins() {
            suspendedOnCallback("e1", "cb1", null);
            store.completeCallback(success("cb1", "\"first\"", t(7)));
            CallbackUpdate second = store.completeCallback(success("cb1", "\"second\"", t(8)));
            assertEquals(CallbackUpdate.Outcome.ALREADY_COMPLETED, second.outcome());
            assertEquals("\"first\"", second.callback().result());
            assertEquals(ExecutionStatus.PENDING, second.executionStatus());
            assertEquals(1, get("e1").signals(), "a refused completion is no signal");
        }

        @Test
        void anUnknownCallbackIsNotFound() {
            CallbackUpdate u = store.completeCallback(success("nope", "1", t(1)));
            assertEquals(new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null), u);
            assertEquals(new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null),
                    store.heartbeatCallback("nope", t(1)));
            assertFalse(store.expireCallback("nope", ErrorInfo.of("Timeout", null), t(1)));
        }

        @Test
        void aCallbackOfAnEndedExecutionCannotBeCompleted() {
            suspendedOnCallback("e1", "cb1", Duration.ofSeconds(10));
            store.cancel("e1", "no longer needed", t(5));
            CallbackUpdate u = store.completeCallback(success("cb1", "1", t(6)));
            assertEquals(CallbackUpdate.Outcome.EXECUTION_ENDED, u.outcome());
            assertEquals(ExecutionStatus.CANCELLED, u.executionStatus());
            assertEquals(CallbackStatus.PENDING, u.callback().status());
            assertEquals(CallbackStatus.PENDING, callbackRow("cb1").status());
            assertEquals(CallbackUpdate.Outcome.EXECUTION_ENDED, store.heartbeatCallback("cb1", t(6)).outcome());
        }

        @Test
        void aCompletionWhileRunningOnlyCountsASignal() {
            ExecutionRecord e = running("e1");
            commitOne(checkpoint(e, List.of(), List.of(), List.of(callback("cb1", "e1", null)), null, t(1)));
            CallbackUpdate u = store.completeCallback(success("cb1", "1", t(2)));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals(ExecutionStatus.RUNNING, u.executionStatus());
            ExecutionRecord row = get("e1");
            assertEquals(ExecutionStatus.RUNNING, row.status());
            assertEquals(NODE_A, row.owner());
            assertEquals(1, row.signals());
            assertEquals(1, row.version());
        }

        @Test
        void aHeartbeatMovesTheDeadline() {
            suspendedOnCallback("e1", "cb1", Duration.ofSeconds(30));
            assertEquals(t(31), callbackRow("cb1").heartbeatDeadline());
            CallbackUpdate u = store.heartbeatCallback("cb1", t(20));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals(t(50), u.callback().heartbeatDeadline());
            assertEquals(ExecutionStatus.SUSPENDED, u.executionStatus());
            assertEquals(t(50), callbackRow("cb1").heartbeatDeadline());
            assertEquals(t(50), callbackRow("cb1").deadline());
            assertEquals(0, get("e1").signals(), "a heartbeat is no signal");
            assertEquals(ExecutionStatus.SUSPENDED, get("e1").status());
        }

        @Test
        void aHeartbeatWithoutHeartbeatTimeoutChangesNothing() {
            suspendedOnCallback("e1", "cb1", null);
            CallbackRecord before = callbackRow("cb1");
            CallbackUpdate u = store.heartbeatCallback("cb1", t(20));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals(before, u.callback());
            assertEquals(before, callbackRow("cb1"));
        }

        @Test
        void aHeartbeatAfterCompletionIsRefused() {
            suspendedOnCallback("e1", "cb1", Duration.ofSeconds(30));
            store.completeCallback(success("cb1", "1", t(5)));
            CallbackUpdate u = store.heartbeatCallback("cb1", t(6));
            assertEquals(CallbackUpdate.Outcome.ALREADY_COMPLETED, u.outcome());
            assertEquals(t(31), u.callback().heartbeatDeadline());
        }

        @Test
        void anExpiredCallbackCannotBeCompleted() {
            suspendedOnCallback("e1", "cb1", null);
            ErrorInfo timeout = ErrorInfo.of("dev.cairn.CallbackTimeoutException", "timed out");
            assertTrue(store.expireCallback("cb1", timeout, t(3600)));
            CallbackRecord row = callbackRow("cb1");
            assertEquals(CallbackStatus.TIMED_OUT, row.status());
            assertEquals(timeout, row.error());
            assertEquals(t(3600), row.completedAt());
            assertEquals(0, get("e1").signals(), "the owner expires callbacks itself: no signal");

            CallbackUpdate late = store.completeCallback(success("cb1", "1", t(3601)));
            assertEquals(CallbackUpdate.Outcome.ALREADY_COMPLETED, late.outcome());
            assertEquals(CallbackStatus.TIMED_OUT, late.callback().status());
            assertFalse(store.expireCallback("cb1", timeout, t(3602)));
        }

        /** A checkpoint of {@code e} at {@code version} that times out callback {@code callbackId} at {@code now}. */
        private Checkpoint timingOut(ExecutionRecord e, String callbackId, long version, Instant now) {
            return new Checkpoint(e.id(), version, List.of(), List.of(), List.of(), null, now, List.of(),
                    List.of(new CallbackTimeout(callbackId,
                            ErrorInfo.of("dev.cairn.CallbackTimeoutException", "timed out"))));
        }

        /** e1 RUNNING with callback cb1 pending, created at t(1) with a heartbeat timeout of 30 s. */
        private ExecutionRecord runningWithCallback() {
            ExecutionRecord e = running("e1");
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(op("e1", "1", OperationStatus.STARTED)),
                    List.of(), List.of(callback("cb1", "e1", Duration.ofSeconds(30))), null, t(1))));
            return e;
        }

        @Test
        void aCheckpointTimesOutItsCallbackOnlyOnceItIsOverdue() {
            ExecutionRecord e = runningWithCallback();
            assertEquals(CommitOutcome.APPLIED, commitOne(timingOut(e, "cb1", e.version(), t(30))));
            assertEquals(CallbackStatus.PENDING, callbackRow("cb1").status(), "the heartbeat deadline is t(31)");

            assertEquals(CommitOutcome.APPLIED, commitOne(timingOut(e, "cb1", e.version(), t(31))));
            CallbackRecord row = callbackRow("cb1");
            assertEquals(CallbackStatus.TIMED_OUT, row.status());
            assertEquals(ErrorInfo.of("dev.cairn.CallbackTimeoutException", "timed out"), row.error());
            assertEquals(t(31), row.completedAt());
            assertEquals(0, get("e1").signals(), "the run times out its own callbacks: no signal");
            assertEquals(ExecutionStatus.RUNNING, get("e1").status());
        }

        @Test
        void aFencedCheckpointTimesOutNoCallback() {
            ExecutionRecord e = runningWithCallback();
            assertEquals(CommitOutcome.FENCED, commitOne(timingOut(e, "cb1", e.version() - 1, t(3600))));
            assertEquals(CallbackStatus.PENDING, callbackRow("cb1").status(),
                    "a run that lost its execution times out nothing");
        }

        @Test
        void aCheckpointDoesNotTimeOutAnotherExecutionsCallbackOrACompletedOne() {
            runningWithCallback();
            ExecutionRecord other = running("e2");
            assertEquals(CommitOutcome.APPLIED, commitOne(timingOut(other, "cb1", other.version(), t(3600))));
            assertEquals(CallbackStatus.PENDING, callbackRow("cb1").status());

            store.completeCallback(success("cb1", "1", t(5)));
            ExecutionRecord e = get("e1");
            commitOne(timingOut(e, "cb1", e.version(), t(3600)));
            assertEquals(CallbackStatus.SUCCEEDED, callbackRow("cb1").status());
        }

        @Test
        void aCallbackCannotExpireBeforeItsDeadline() {
            suspendedOnCallback("e1", "cb1", Duration.ofSeconds(30));
            ErrorInfo timeout = ErrorInfo.of("dev.cairn.CallbackTimeoutException", "timed out");
            assertFalse(store.expireCallback("cb1", timeout, t(30)), "the heartbeat deadline is t(31)");
            store.heartbeatCallback("cb1", t(20));
            assertFalse(store.expireCallback("cb1", timeout, t(31)), "the heartbeat moved the deadline to t(50)");
            assertEquals(CallbackStatus.PENDING, callbackRow("cb1").status());
            assertTrue(store.expireCallback("cb1", timeout, t(50)));
            assertEquals(CallbackStatus.TIMED_OUT, callbackRow("cb1").status());
        }

        @Test
        void aCompletionAfterTheDeadlineTimesTheCallbackOutAndWakesItsExecution() {
            suspendedOnCallback("e1", "cb1", null);
            CallbackUpdate late = store.completeCallback(success("cb1", "\"late\"", t(3600)));
            assertEquals(CallbackUpdate.Outcome.ALREADY_COMPLETED, late.outcome());
            assertEquals(CallbackStatus.TIMED_OUT, late.callback().status());
            assertEquals("dev.cairn.CallbackTimeoutException", late.callback().error().type());
            assertTrue(late.callback().error().message().contains("cb1"), late.callback().error().message());
            CallbackRecord row = callbackRow("cb1");
            assertEquals(CallbackStatus.TIMED_OUT, row.status());
            assertNull(row.result());
            assertEquals(t(3600), row.completedAt());
            ExecutionRecord e = get("e1");
            assertEquals(ExecutionStatus.PENDING, e.status(), "woken to see the timeout");
            assertEquals(1, e.signals());
        }

        @Test
        void aHeartbeatAfterTheHeartbeatDeadlineTimesTheCallbackOut() {
            suspendedOnCallback("e1", "cb1", Duration.ofSeconds(30));
            CallbackUpdate late = store.heartbeatCallback("cb1", t(31));
            assertEquals(CallbackUpdate.Outcome.ALREADY_COMPLETED, late.outcome());
            assertEquals(CallbackStatus.TIMED_OUT, late.callback().status());
            assertTrue(late.callback().error().message().contains("heartbeat"), late.callback().error().message());
            assertEquals(CallbackStatus.TIMED_OUT, callbackRow("cb1").status());
        }

        @Test
        void aCallbackIsReadByIdWithTheTypeItsResultIsReadAs() {
            ExecutionRecord e = running("e1");
            CallbackRecord typed = new CallbackRecord("cb-typed", "e1", "1", CallbackStatus.PENDING, null, null, null,
                    null, null, t(1), null, "java.util.List<java.lang.Integer>");
            commitOne(checkpoint(e, List.of(op("e1", "1", OperationStatus.STARTED)), List.of(), List.of(typed), null,
                    t(1)));
            assertEquals(typed, store.findCallback("cb-typed").orElseThrow());
            assertEquals("java.util.List<java.lang.Integer>", store.loadCallbacks("e1").get(0).resultType());
            assertTrue(store.findCallback("nope").isEmpty());
        }

        @Test
        void aCompletedCallbackCannotExpire() {
            suspendedOnCallback("e1", "cb1", null);
            store.completeCallback(success("cb1", "1", t(5)));
            assertFalse(store.expireCallback("cb1", ErrorInfo.of("Timeout", null), t(6)));
            assertEquals(CallbackStatus.SUCCEEDED, callbackRow("cb1").status());
        }

        @Test
        void expiryAndCompletionRacingHaveOneWinnerEach() throws Exception {
            int count = 20;
            ExecutionRecord e = running("e1");
            List<CallbackRecord> cbs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                cbs.add(callback("cb" + i, "e1", null));
            }
            commitOne(checkpoint(e, List.of(), List.of(), cbs, null, t(1)));
            AtomicInteger completions = new AtomicInteger();
            AtomicInteger expiries = new AtomicInteger();
            race(2, thread -> {
                for (int i = 0; i < count; i++) {
                    if (thread == 0) {
                        if (store.completeCallback(success("cb" + i, "1", t(2))).outcome()
                                == CallbackUpdate.Outcome.APPLIED) {
                            completions.incrementAndGet();
                        }
                    } else if (store.expireCallback("cb" + i, ErrorInfo.of("Timeout", null), t(3600))) {
                        expiries.incrementAndGet();
                    }
                }
                return null;
            });
            assertEquals(count, completions.get() + expiries.get());
            assertEquals(completions.get(), get("e1").signals());
            long succeeded = store.loadCallbacks("e1").stream()
                    .filter(cb -> cb.status() == CallbackStatus.SUCCEEDED).count();
            assertEquals(completions.get(), succeeded);
        }

        @Test
        void concurrentCompletionsOfOneCallbackHaveOneWinner() throws Exception {
            suspendedOnCallback("e1", "cb1", null);
            List<CallbackUpdate> results = race(4, i -> store.completeCallback(success("cb1", "" + i, t(5))));
            assertEquals(1, results.stream().filter(u -> u.outcome() == CallbackUpdate.Outcome.APPLIED).count());
            assertEquals(1, get("e1").signals());
        }
    }

    @Nested
    class Cancelling {

        @Test
        void aSuspendedExecutionIsCancelledAtOnce() {
            suspendedOnCallback("e1", "cb1", null);
            CancelResult r = store.cancel("e1", "changed my mind", t(5));
            assertEquals(new CancelResult(CancelResult.Outcome.CANCELLED, ExecutionStatus.CANCELLED), r);
            ExecutionRecord e = get("e1");
            assertEquals(ExecutionStatus.CANCELLED, e.status());
            assertEquals("changed my mind", e.error().message());
            assertEquals("Cancelled", e.error().type());
            assertEquals(t(5), e.endedAt());
            assertNull(e.wakeAt());
            assertTrue(store.findDue(t(1_000_000), 10).isEmpty());
        }

        @Test
        void pendingAndParkedExecutionsAreCancelledAtOnce() {
            store.createExecution(pending("p"));
            ExecutionRecord parked = running("k");
            commitOne(checkpoint(parked, List.of(), List.of(), List.of(), Transition.park(ErrorInfo.of("X", "y")),
                    t(1)));
            assertEquals(CancelResult.Outcome.CANCELLED, store.cancel("p", "r", t(2)).outcome());
            assertEquals(CancelResult.Outcome.CANCELLED, store.cancel("k", "r", t(2)).outcome());
            assertEquals(ExecutionStatus.CANCELLED, get("p").status());
            assertEquals(ExecutionStatus.CANCELLED, get("k").status());
            assertTrue(store.claim("p", NODE_A, t(3), l(0), l(30)).isEmpty());
        }

        @Test
        void aRunningExecutionIsOnlyAskedToStop() {
            running("e1");
            assertEquals(new CancelResult(CancelResult.Outcome.REQUESTED, ExecutionStatus.RUNNING),
                    store.cancel("e1", "first", t(5)));
            assertEquals(new CancelResult(CancelResult.Outcome.REQUESTED, ExecutionStatus.RUNNING),
                    store.cancel("e1", "second", t(6)));
            ExecutionRecord e = get("e1");
            assertEquals("first", e.cancelReason());
            assertEquals(2, e.signals());
            assertEquals(NODE_A, e.owner());
        }

        @Test
        void anEndedOrUnknownExecutionIsNotCancelled() {
            ExecutionRecord e = running("e1");
            commitOne(checkpoint(e, List.of(), List.of(), List.of(), Transition.succeed("1"), t(1)));
            assertEquals(new CancelResult(CancelResult.Outcome.ALREADY_ENDED, ExecutionStatus.SUCCEEDED),
                    store.cancel("e1", "r", t(2)));
            assertEquals(ExecutionStatus.SUCCEEDED, get("e1").status());
            assertEquals(new CancelResult(CancelResult.Outcome.NOT_FOUND, null), store.cancel("nope", "r", t(2)));
        }
    }

    @Nested
    class ParentsAndChildren {

        /** Runs {@code parentId} until it suspends, then starts a child it invoked, running on NODE_B. */
        private ExecutionRecord suspendedParentWithRunningChild(String parentId, String childId) {
            ExecutionRecord parent = running(parentId);
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(parent, List.of(), List.of(), List.of(),
                    Transition.suspend(null, 0), t(1))));
            ExecutionRecord child = store.createExecution(new NewExecution(childId, null, "child", "1", t(1), NODE_B,
                    l(30), null, parentId)).record();
            assertEquals(parentId, child.parentId());
            assertEquals(child, get(childId));
            return child;
        }

        @Test
        void anExecutionRemembersItsParent() {
            store.createExecution(new NewExecution("c", null, "fn", "1", T0, null, null, null, "p"));
            assertEquals("p", get("c").parentId());
            store.createExecution(pending("orphan"));
            assertNull(get("orphan").parentId());
        }

        @Test
        void aChildThatEndsWakesItsSuspendedParent() {
            ExecutionRecord child = suspendedParentWithRunningChild("p", "c");
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(child, List.of(), List.of(), List.of(),
                    Transition.succeed("\"done\""), t(8))));
            ExecutionRecord parent = get("p");
            assertEquals(ExecutionStatus.PENDING, parent.status());
            assertEquals(t(8), parent.wakeAt());
            assertEquals(1, parent.signals());
            assertEquals(List.of(new DueExecution("p", t(8))), store.findDue(t(8), 10));
        }

        @Test
        void aChildThatGoesOnOrSuspendsDoesNotSignal() {
            ExecutionRecord child = suspendedParentWithRunningChild("p", "c");
            commitOne(checkpoint(child, List.of(op("c", "1", OperationStatus.SUCCEEDED)), List.of(), List.of(),
                    null, t(2)));
            commitOne(checkpoint(child, List.of(), List.of(), List.of(), Transition.suspend(t(9), 0), t(3)));
            assertEquals(ExecutionStatus.SUSPENDED, get("p").status());
            assertEquals(0, get("p").signals());
        }

        @Test
        void aChildThatEndsWhileItsParentRunsMakesTheParentsSuspensionSignalled() {
            ExecutionRecord parent = running("p");
            ExecutionRecord child = store.createExecution(new NewExecution("c", null, "child", "1", t(1), NODE_B,
                    l(30), null, "p")).record();
            commitOne(checkpoint(child, List.of(), List.of(), List.of(),
                    Transition.end(ExecutionStatus.FAILED, ErrorInfo.of("X", "failed")), t(2)));
            assertEquals(1, get("p").signals());
            assertEquals(ExecutionStatus.RUNNING, get("p").status());
            assertEquals(CommitOutcome.SIGNALLED, commitOne(checkpoint(parent, List.of(), List.of(), List.of(),
                    Transition.suspend(null, 0), t(3))));
        }

        @Test
        void cancellingAChildSignalsItsParent() {
            suspendedParentWithRunningChild("p", "running-child");
            store.cancel("running-child", "stop", t(2));
            assertEquals(ExecutionStatus.SUSPENDED, get("p").status(), "a cancel request is not an end");
            ExecutionRecord child = get("running-child");
            assertEquals(CommitOutcome.CANCELLED, commitOne(checkpoint(child, List.of(), List.of(), List.of(),
                    null, t(3))));
            assertEquals(ExecutionStatus.PENDING, get("p").status());
            assertEquals(t(3), get("p").wakeAt());

            ExecutionRecord q = running("q");
            commitOne(checkpoint(q, List.of(), List.of(), List.of(), Transition.suspend(null, 0), t(1)));
            store.createExecution(new NewExecution("pending-child", null, "child", "1", t(1), null, null, null, "q"));
            assertEquals(CancelResult.Outcome.CANCELLED, store.cancel("pending-child", "stop", t(4)).outcome());
            assertEquals(ExecutionStatus.PENDING, get("q").status());
            assertEquals(t(4), get("q").wakeAt());
            assertEquals(1, get("q").signals());
        }

        @Test
        void anEndedParentIsLeftAlone() {
            ExecutionRecord parent = running("p");
            ExecutionRecord child = store.createExecution(new NewExecution("c", null, "child", "1", t(1), NODE_B,
                    l(30), null, "p")).record();
            commitOne(checkpoint(parent, List.of(), List.of(), List.of(), Transition.succeed("1"), t(2)));
            ExecutionRecord ended = get("p");
            commitOne(checkpoint(child, List.of(), List.of(), List.of(), Transition.succeed("2"), t(3)));
            assertEquals(ended, get("p"));
        }

        @Test
        void childrenEndingInOneBatchSignalTheirParentOnceEach() {
            ExecutionRecord parent = running("p");
            commitOne(checkpoint(parent, List.of(), List.of(), List.of(), Transition.suspend(t(100), 0), t(1)));
            List<Checkpoint> ends = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ExecutionRecord child = store.createExecution(new NewExecution("c" + i, null, "child", "1", t(1),
                        NODE_B, l(30), null, "p")).record();
                ends.add(checkpoint(child, List.of(), List.of(), List.of(), Transition.succeed("" + i), t(5 + i)));
            }
            assertEquals(List.of(CommitOutcome.APPLIED, CommitOutcome.APPLIED, CommitOutcome.APPLIED),
                    store.commit(ends));
            ExecutionRecord p = get("p");
            assertEquals(ExecutionStatus.PENDING, p.status());
            assertEquals(3, p.signals());
            assertEquals(t(5), p.wakeAt(), "due at the first signal");
            assertEquals(t(7), p.updatedAt());
        }

        @Test
        void aParentSuspendingInTheBatchWhereItsChildEndsIsNotLeftAsleep() {
            ExecutionRecord parent = running("p");
            ExecutionRecord child = store.createExecution(new NewExecution("c", null, "child", "1", t(1), NODE_B,
                    l(30), null, "p")).record();
            for (boolean childFirst : new boolean[] {true, false}) {
                Checkpoint suspend = checkpoint(parent, List.of(), List.of(), List.of(),
                        Transition.suspend(null, parent.signals()), t(2));
                Checkpoint end = checkpoint(child, List.of(), List.of(), List.of(), Transition.succeed("1"), t(2));
                List<CommitOutcome> outcomes = store.commit(childFirst ? List.of(end, suspend)
                        : List.of(suspend, end));
                CommitOutcome parentOutcome = outcomes.get(childFirst ? 1 : 0);
                ExecutionRecord p = get("p");
                if (parentOutcome == CommitOutcome.SIGNALLED) {
                    assertEquals(ExecutionStatus.RUNNING, p.status());
                } else {
                    assertEquals(CommitOutcome.APPLIED, parentOutcome);
                    assertEquals(ExecutionStatus.PENDING, p.status());
                }
                // reset for the other order
                store.releaseAllRunning(t(3));
                parent = store.claim("p", NODE_A, t(3), l(0), l(30)).orElseThrow();
                child = store.createExecution(new NewExecution("c-" + childFirst, null, "child", "1", t(3), NODE_B,
                        l(30), null, "p")).record();
            }
        }
    }

    @Nested
    class Races {

        private static final int EXECUTIONS = 30;
        private static final int GROUP = 5;

        /** Starts {@link #EXECUTIONS} runs, each with a pending callback {@code cb<i>}, none suspended yet. */
        private List<ExecutionRecord> runsWithCallbacks() {
            List<ExecutionRecord> runs = new ArrayList<>();
            List<Checkpoint> creations = new ArrayList<>();
            for (int i = 0; i < EXECUTIONS; i++) {
                ExecutionRecord e = running("e" + i);
                runs.add(e);
                creations.add(checkpoint(e, List.of(op(e.id(), "1", OperationStatus.STARTED)), List.of(),
                        List.of(callback("cb" + i, e.id(), null)), null, t(1)));
            }
            assertTrue(store.commit(creations).stream().allMatch(o -> o == CommitOutcome.APPLIED));
            return runs;
        }

        /** Commits a suspension of every run, in groups of {@link #GROUP}; returns the outcomes by execution. */
        private Map<String, CommitOutcome> suspendAll(List<ExecutionRecord> runs) {
            Map<String, CommitOutcome> outcomes = new ConcurrentHashMap<>();
            for (int from = 0; from < runs.size(); from += GROUP) {
                List<ExecutionRecord> group = runs.subList(from, Math.min(runs.size(), from + GROUP));
                List<CommitOutcome> result = store.commit(group.stream().map(e -> checkpoint(e, List.of(),
                        List.of(), List.of(), Transition.suspend(null, 0), t(2))).toList());
                for (int k = 0; k < group.size(); k++) {
                    outcomes.put(group.get(k).id(), result.get(k));
                }
            }
            return outcomes;
        }

        @Test
        void noWakeUpIsLostBetweenASuspensionAndACallbackCompletion() throws Exception {
            List<ExecutionRecord> runs = runsWithCallbacks();
            Map<String, CommitOutcome> outcomes = new ConcurrentHashMap<>();
            race(2, thread -> {
                if (thread == 0) {
                    outcomes.putAll(suspendAll(runs));
                } else {
                    for (int i = EXECUTIONS - 1; i >= 0; i--) {
                        assertEquals(CallbackUpdate.Outcome.APPLIED,
                                store.completeCallback(success("cb" + i, "1", t(3))).outcome());
                    }
                }
                return null;
            });
            for (ExecutionRecord run : runs) {
                ExecutionRecord e = get(run.id());
                assertEquals(1, e.signals());
                switch (outcomes.get(run.id())) {
                    case APPLIED -> {
                        assertEquals(ExecutionStatus.PENDING, e.status(), "suspended, then woken: " + run.id());
                        assertEquals(t(3), e.wakeAt());
                    }
                    case SIGNALLED -> assertEquals(ExecutionStatus.RUNNING, e.status(), "must replay: " + run.id());
                    default -> throw new AssertionError(run.id() + ": " + outcomes.get(run.id()));
                }
            }
        }

        @Test
        void aCancelRacingASuspensionAlwaysEndsCancelled() throws Exception {
            List<ExecutionRecord> runs = runsWithCallbacks();
            Map<String, CommitOutcome> outcomes = new ConcurrentHashMap<>();
            Map<String, CancelResult.Outcome> cancels = new ConcurrentHashMap<>();
            race(2, thread -> {
                if (thread == 0) {
                    outcomes.putAll(suspendAll(runs));
                } else {
                    for (int i = EXECUTIONS - 1; i >= 0; i--) {
                        cancels.put("e" + i, store.cancel("e" + i, "stop", t(3)).outcome());
                    }
                }
                return null;
            });
            for (ExecutionRecord run : runs) {
                ExecutionRecord e = get(run.id());
                assertEquals(ExecutionStatus.CANCELLED, e.status(), run.id());
                assertEquals("stop", e.error().message());
                if (cancels.get(run.id()) == CancelResult.Outcome.REQUESTED) {
                    assertEquals(CommitOutcome.CANCELLED, outcomes.get(run.id()), run.id());
                } else {
                    assertEquals(CancelResult.Outcome.CANCELLED, cancels.get(run.id()), run.id());
                    assertEquals(CommitOutcome.APPLIED, outcomes.get(run.id()), run.id());
                }
            }
        }
    }

    @Nested
    class PropagatedContexts {

        /** A context as the engine encodes it, with text beyond ASCII. */
        static final String CONTEXT = "{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\","
                + "\"tenant\":\"Zürich ✓ 😀\"}";

        private NewExecution withContext(String id, String name, String owner, String context) {
            return new NewExecution(id, name, "fn", "1", T0, owner, owner == null ? null : l(30), null, null, context);
        }

        @Test
        void theContextIsWrittenOnceAndReturnedWithEveryReadOfTheRow() {
            ExecutionRecord created = store.createExecution(withContext("e1", "named", null, CONTEXT)).record();
            assertEquals(CONTEXT, created.propagatedContext());
            assertEquals(CONTEXT, get("e1").propagatedContext());
            assertEquals(CONTEXT, store.createExecution(withContext("e2", "named", null, null)).record()
                    .propagatedContext(), "a taken name returns the existing execution, context included");

            ExecutionRecord claimed = store.claim("e1", NODE_A, t(1), l(0), l(30)).orElseThrow();
            assertEquals(CONTEXT, claimed.propagatedContext());
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(claimed, List.of(op("e1", "1",
                    OperationStatus.SUCCEEDED)), List.of(), List.of(), Transition.suspend(t(10), claimed.signals()),
                    t(2))));
            assertEquals(CONTEXT, get("e1").propagatedContext(), "a checkpoint leaves the context as it was");

            List<ExecutionRecord> again = store.claimAll(List.of("e1"), NODE_B, t(10), l(1), l(31));
            assertEquals(1, again.size());
            assertEquals(CONTEXT, again.get(0).propagatedContext(), "a claim of several returns it too");
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(again.get(0), List.of(), List.of(), List.of(),
                    Transition.succeed("2"), t(11))));
            assertEquals(CONTEXT, get("e1").propagatedContext(), "an end leaves it as it was");
            assertEquals(List.of(CONTEXT), store.listExecutions(ExecutionStatus.SUCCEEDED, 10).stream()
                    .map(ExecutionRecord::propagatedContext).toList());
        }

        @Test
        void anExecutionWithoutAContextHasNone() {
            assertNull(store.createExecution(pending("e1")).record().propagatedContext());
            assertNull(get("e1").propagatedContext());
            assertNull(store.claim("e1", NODE_A, t(1), l(0), l(30)).orElseThrow().propagatedContext());
        }

        @Test
        void executionsCreatedTogetherKeepTheirOwnContexts() {
            List<ExecutionRecord> rows = store.createExecutions(List.of(withContext("g1", null, NODE_A, CONTEXT),
                    withContext("g2", null, null, null), withContext("g3", null, null, "{\"k\":\"v\"}")));
            assertEquals(java.util.Arrays.asList(CONTEXT, null, "{\"k\":\"v\"}"),
                    rows.stream().map(ExecutionRecord::propagatedContext).toList());
            assertEquals(CONTEXT, get("g1").propagatedContext());
            assertNull(get("g2").propagatedContext());
            assertEquals("{\"k\":\"v\"}", get("g3").propagatedContext());
        }

        @Test
        void aChildKeepsTheContextItsParentsCheckpointGaveIt() {
            ExecutionRecord p = running("p");
            NewExecution child = new NewExecution("p/1", "p/1", "child-fn", "7", t(1), null, null, null, "p",
                    CONTEXT);
            assertEquals(CommitOutcome.APPLIED, commitOne(new Checkpoint("p", p.version(),
                    List.of(op("p", "1", OperationStatus.STARTED)), List.of(), List.of(), null, t(1),
                    List.of(child))));
            assertEquals(CONTEXT, get("p/1").propagatedContext());
            assertNull(get("p").propagatedContext());
        }

        @Test
        void theExecutionACallbackCompletionClaimsCarriesItsContext() {
            ExecutionRecord e = store.createExecution(withContext("e1", null, NODE_A, CONTEXT)).record();
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, List.of(op("e1", "1",
                    OperationStatus.STARTED)), List.of(), List.of(callback("cb1", "e1", null)),
                    Transition.suspend(null, e.signals()), t(1))));
            CallbackUpdate u = store.completeCallback("cb1", cb -> success("cb1", "\"ok\"", t(7)),
                    new Claimant(NODE_B, l(2), l(32)));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            assertEquals(CONTEXT, u.claimed().propagatedContext());
        }
    }

    @Nested
    class Reading {

        @Test
        void theHistoryRoundTripsEveryField() {
            String big = bigText(100_000);
            ErrorInfo error = ErrorInfo.of(new IllegalStateException("failed with ünïcödé ✓ and 😀"));
            ExecutionRecord e = running("e1");
            List<OperationRecord> ops = List.of(
                    new OperationRecord("e1", "1", null, OperationType.STEP, null, null, OperationStatus.SUCCEEDED,
                            1, big, null, null, t(1), t(2)),
                    new OperationRecord("e1", "2", null, OperationType.CONTEXT, "WaitForCallback", "approval",
                            OperationStatus.STARTED, 0, null, null, null, t(3), null),
                    new OperationRecord("e1", "2-1", "2", OperationType.CALLBACK, null, "approval callback",
                            OperationStatus.STARTED, 0, null, null, t(3603), t(3), null),
                    new OperationRecord("e1", "3", null, OperationType.STEP, "Now", "ts",
                            OperationStatus.FAILED, 3, null, error, t(9), t(4), t(5)),
                    new OperationRecord("e1", "4", null, OperationType.WAIT, null, "nap",
                            OperationStatus.RETRY_PENDING, 2, null, new ErrorInfo("T", null, null), t(100), t(6),
                            null));
            List<CallbackRecord> cbs = List.of(
                    new CallbackRecord("Cb-Case-Sensitive", "e1", "2-1", CallbackStatus.PENDING, null, null, t(3603),
                            Duration.ofSeconds(45), t(48), t(3), null),
                    new CallbackRecord("cb-case-sensitive", "e1", "2-1", CallbackStatus.PENDING, null, null, null,
                            null, null, t(3), null));
            assertEquals(CommitOutcome.APPLIED, commitOne(checkpoint(e, ops, List.of(), cbs, null, t(6))));

            History h = store.loadHistory("e1");
            assertEquals(sorted(ops), sorted(h.operations()));
            assertEquals(Set.copyOf(cbs), Set.copyOf(h.callbacks()));
            assertEquals(Set.copyOf(cbs), Set.copyOf(store.loadCallbacks("e1")));
            assertEquals(big.length(), h.operations().stream().filter(o -> o.operationId().equals("1"))
                    .findFirst().orElseThrow().result().length());
            assertEquals(new History(List.of(), List.of()), store.loadHistory("other"));

            store.completeCallback(new CallbackCompletion("Cb-Case-Sensitive", CallbackStatus.FAILED, null, error,
                    t(10)));
            CallbackRecord failed = callbackRow("Cb-Case-Sensitive");
            assertEquals(new CallbackRecord("Cb-Case-Sensitive", "e1", "2-1", CallbackStatus.FAILED, null, error,
                    t(3603), Duration.ofSeconds(45), t(48), t(3), t(10)), failed);
            assertEquals(CallbackStatus.PENDING, callbackRow("cb-case-sensitive").status());
        }

        @Test
        void executionFieldsRoundTripIncludingLongText() {
            String big = bigText(100_000);
            store.createExecution(new NewExecution("e1", "Ünïque ✓", "fn", big, T0, null, null, t(7200)));
            ExecutionRecord claimed = store.claim("e1", NODE_A, t(1), l(0), l(30)).orElseThrow();
            assertEquals(big, claimed.input());
            assertEquals("Ünïque ✓", claimed.name());
            assertEquals(t(7200), claimed.timeoutAt());
            ErrorInfo longError = new ErrorInfo("x.Y", big, big);
            commitOne(checkpoint(claimed, List.of(), List.of(), List.of(),
                    Transition.end(ExecutionStatus.FAILED, longError), t(2)));
            ExecutionRecord row = get("e1");
            assertEquals(longError, row.error());
            assertEquals(big, row.error().message());
            assertEquals(ErrorInfo.MAX_STACK_TRACE_CHARS, row.error().stackTrace().indexOf("\n\t... (truncated)"));
            assertEquals(T0, row.createdAt());
            assertEquals(t(2), row.updatedAt());
        }

        @Test
        void executionsAreListedNewestFirstAndCounted() {
            store.createExecution(pending("old", null, t(1)));
            store.createExecution(pending("mid", null, t(2)));
            store.createExecution(pending("new", null, t(3)));
            ExecutionRecord r = store.createExecution(new NewExecution("run", null, "fn", "1", t(4), NODE_A, l(30),
                    null)).record();
            commitOne(checkpoint(r, List.of(), List.of(), List.of(), Transition.succeed("1"), t(5)));

            assertEquals(List.of("run", "new", "mid", "old"),
                    store.listExecutions(null, 10).stream().map(ExecutionRecord::id).toList());
            assertEquals(List.of("new", "mid"),
                    store.listExecutions(ExecutionStatus.PENDING, 2).stream().map(ExecutionRecord::id).toList());
            assertEquals(List.of("run"),
                    store.listExecutions(ExecutionStatus.SUCCEEDED, 10).stream().map(ExecutionRecord::id).toList());
            assertEquals(List.of(), store.listExecutions(ExecutionStatus.FAILED, 10));

            Map<ExecutionStatus, Long> counts = store.countByStatus();
            assertEquals(3L, counts.getOrDefault(ExecutionStatus.PENDING, 0L));
            assertEquals(1L, counts.getOrDefault(ExecutionStatus.SUCCEEDED, 0L));
            assertEquals(0L, counts.getOrDefault(ExecutionStatus.FAILED, 0L));
            assertEquals(4L, counts.values().stream().mapToLong(Long::longValue).sum());
        }

        @Test
        void anEmptyStoreCountsNothing() {
            assertEquals(0L, store.countByStatus().values().stream().mapToLong(Long::longValue).sum());
            assertEquals(List.of(), store.listExecutions(null, 10));
            assertEquals(List.of(), store.findDue(t(1_000_000), 10));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    protected interface ThreadBody<T> {
        T run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads released at the same moment; returns their results. */
    protected static <T> List<T> race(int threads, ThreadBody<T> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                Callable<T> task = () -> {
                    ready.countDown();
                    go.await();
                    return body.run(thread);
                };
                futures.add(pool.submit(task));
            }
            ready.await();
            go.countDown();
            List<T> results = Collections.synchronizedList(new ArrayList<>());
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** About {@code chars} characters of varied text, with some beyond ASCII and beyond the BMP. */
    protected static String bigText(int chars) {
        StringBuilder sb = new StringBuilder(chars + 64);
        int i = 0;
        while (sb.length() < chars) {
            sb.append("line ").append(i++).append(": é ✓ 😀 \"quoted\" \\ back\n");
        }
        return sb.toString();
    }
}
