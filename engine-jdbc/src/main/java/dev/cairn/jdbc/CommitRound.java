package dev.cairn.jdbc;

import dev.cairn.ExecutionStatus;
import dev.cairn.jdbc.ExecutionsTable.FenceRow;
import dev.cairn.jdbc.ExecutionsTable.SignalUpdate;
import dev.cairn.jdbc.ExecutionsTable.TransitionGuard;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackTimeout;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.StoreRules.Signalled;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One round of a {@link GroupCommit}: the k-th checkpoint of each execution in the batch, so that its checkpoints
 * touch distinct execution rows. It runs the round's statements kind by kind, in execution id order, learns from
 * their update counts whether each checkpoint's fence held, and decides each checkpoint's outcome.
 */
final class CommitRound {

    /** What is known of a checkpoint's fence as its statements run. */
    private enum Fence {
        /** No statement has said yet (or the driver did not say). */
        UNKNOWN,
        /** A statement wrote: the fence holds, and this transaction holds the row's lock. */
        HOLDS,
        /** A statement wrote nothing where it must have written if the fence held: read the row to learn why. */
        FAILED,
        /** The checkpoint's outcome is decided; its remaining statements are skipped. */
        DECIDED
    }

    private final ExecutionsTable executions;
    private final OperationsTable operations;
    private final CallbacksTable callbacks;
    private final EventsTable events;
    /** Whether inserts carry the fence; if not, the rows are locked first ({@link Dialect#batchesInsertSelect}). */
    private final boolean fencedInserts;
    private final Connection c;
    private final List<Checkpoint> batch;
    /** The round's checkpoints, by index into the batch, in execution id order. */
    private final List<Integer> order;
    private final CommitOutcome[] outcomes;
    private final Map<Integer, Fence> fence = new HashMap<>();
    /** Checkpoints whose execution has a cancel request pending: they end here as CANCELLED. */
    private final List<Integer> toCancel = new ArrayList<>();
    /** The parents of executions that end here, by child id. */
    private final Map<String, String> parentOf = new HashMap<>();

    CommitRound(ExecutionsTable executions, OperationsTable operations, CallbacksTable callbacks, EventsTable events,
                boolean fencedInserts, Connection c, List<Checkpoint> batch, List<Integer> round,
                CommitOutcome[] outcomes) {
        this.executions = executions;
        this.operations = operations;
        this.callbacks = callbacks;
        this.events = events;
        this.fencedInserts = fencedInserts;
        this.c = c;
        this.batch = batch;
        this.outcomes = outcomes;
        this.order = new ArrayList<>(round);
        this.order.sort(Comparator.comparing(i -> batch.get(i).executionId()));
        for (int i : order) {
            fence.put(i, Fence.UNKNOWN);
        }
    }

    void commit() throws SQLException {
        lockParents();
        if (!fencedInserts) {
            lockTheRest();
        }
        insertOperations();
        updateOperations();
        insertCallbacks();
        timeOutCallbacks();
        insertChildren();
        applyTransitions();
        resolveTheRest();
        cancel();
        signalParents();
        appendEvents();
    }

    private Checkpoint cp(int i) {
        return batch.get(i);
    }

    private boolean live(int i) {
        Fence f = fence.get(i);
        return f == Fence.UNKNOWN || f == Fence.HOLDS;
    }

    private static boolean ends(Checkpoint cp) {
        return cp.transition() != null && cp.transition().status().isTerminal();
    }

    /** Whether a checkpoint ends its execution with a transition alone. */
    private boolean endsAlone(int i) {
        Checkpoint cp = cp(i);
        return ends(cp) && cp.operationInserts().isEmpty() && cp.operationUpdates().isEmpty()
                && cp.callbacks().isEmpty() && cp.callbackTimeouts().isEmpty();
    }

    /**
     * An execution that ends signals the execution that invoked it, whose row this transaction then locks. A
     * parent is locked before its child, as everywhere in this store (a cancel locks both). A checkpoint that
     * ends its execution with a transition alone tries it first on the condition that there is no parent, and
     * locks nothing if there is ({@link #endWithParent}). For one that writes more, the parent is looked up,
     * and it and its child locked in id order, before any other statement runs.
     */
    private void lockParents() throws SQLException {
        Set<String> toLock = new TreeSet<>();
        for (int i : order) {
            if (ends(cp(i)) && !endsAlone(i)) {
                String parent = executions.parentOf(c, cp(i).executionId());
                if (parent != null) {
                    parentOf.put(cp(i).executionId(), parent);
                    toLock.add(parent);
                    toLock.add(cp(i).executionId());
                }
            }
        }
        if (toLock.isEmpty()) {
            return;
        }
        Map<String, FenceRow> rows = executions.lockFences(c, toLock);
        for (int i : order) {
            if (parentOf.containsKey(cp(i).executionId())) {
                decide(i, rows.get(cp(i).executionId()));
            }
        }
    }

    /** Locks the rows of the checkpoints not decided yet with one statement, and decides. */
    private void lockTheRest() throws SQLException {
        List<String> ids = new ArrayList<>();
        for (int i : order) {
            if (fence.get(i) == Fence.UNKNOWN) {
                ids.add(cp(i).executionId());
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Map<String, FenceRow> rows = executions.lockFencesListed(c, ids);
        for (int i : order) {
            if (fence.get(i) == Fence.UNKNOWN) {
                decide(i, rows.get(cp(i).executionId()));
            }
        }
    }

    /** Decides from its locked row whether a checkpoint passes its fence (FENCED, to cancel, or HOLDS). */
    private void decide(int i, FenceRow row) {
        if (row == null || !row.heldAt(cp(i).version())) {
            outcomes[i] = CommitOutcome.FENCED;
            fence.put(i, Fence.DECIDED);
        } else if (row.cancelReason() != null) {
            toCancel.add(i);
            fence.put(i, Fence.DECIDED);
        } else {
            fence.put(i, Fence.HOLDS);
        }
    }

    /** Reads the locked row of a checkpoint whose statement wrote nothing, and decides. */
    private FenceRow resolve(int i) throws SQLException {
        FenceRow row = executions.lockFence(c, cp(i).executionId());
        decide(i, row);
        return row;
    }

    /** Records what the update counts of one batch say of the fences of their checkpoints. */
    private void learn(List<Integer> owners, int[] counts) {
        for (int k = 0; k < counts.length; k++) {
            int i = owners.get(k);
            if (counts[k] == 0) {
                fence.put(i, Fence.FAILED);
            } else if (counts[k] > 0 && fence.get(i) == Fence.UNKNOWN) {
                fence.put(i, Fence.HOLDS);
            }
        }
    }

    private void insertOperations() throws SQLException {
        List<OperationRecord> ops = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i : order) {
            if (live(i)) {
                for (OperationRecord op : cp(i).operationInserts()) {
                    ops.add(op);
                    owners.add(i);
                }
            }
        }
        if (ops.isEmpty()) {
            return;
        }
        if (fencedInserts) {
            learn(owners, operations.insertFenced(c, ops, versions(owners)));
        } else {
            operations.insert(c, ops); // every fence was read and holds
        }
    }

    /** Updates whole operation rows by key; a row that is not there yet is inserted. */
    private void updateOperations() throws SQLException {
        List<OperationRecord> ops = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i : order) {
            if (live(i)) {
                for (OperationRecord op : cp(i).operationUpdates()) {
                    ops.add(op);
                    owners.add(i);
                }
            }
        }
        if (ops.isEmpty()) {
            return;
        }
        int[] counts = operations.updateFenced(c, ops, versions(owners));
        // An update that wrote nothing either failed its fence or found no row: if the fence holds, the row is
        // inserted.
        List<OperationRecord> missing = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            int i = owners.get(k);
            if (counts[k] > 0) {
                if (fence.get(i) == Fence.UNKNOWN) {
                    fence.put(i, Fence.HOLDS);
                }
            } else if (counts[k] == 0) {
                if (fence.get(i) == Fence.UNKNOWN) {
                    resolve(i);
                }
                if (fence.get(i) == Fence.HOLDS) {
                    missing.add(ops.get(k));
                }
            }
        }
        operations.insert(c, missing);
    }

    private void insertCallbacks() throws SQLException {
        List<CallbackRecord> rows = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i : order) {
            if (live(i)) {
                for (CallbackRecord cb : cp(i).callbacks()) {
                    rows.add(cb);
                    owners.add(i);
                }
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        if (fencedInserts) {
            learn(owners, callbacks.insertFenced(c, rows, versions(owners)));
        } else {
            callbacks.insert(c, rows); // every fence was read and holds
        }
    }

    /** Whether the fence of a live checkpoint holds, reading its locked row if no statement has said yet. */
    private boolean holds(int i) throws SQLException {
        if (!live(i)) {
            return false;
        }
        if (fence.get(i) == Fence.UNKNOWN) {
            resolve(i);
        }
        return fence.get(i) == Fence.HOLDS;
    }

    /** The callbacks the round's runs found overdue, timed out once the fence of their checkpoint holds. */
    private void timeOutCallbacks() throws SQLException {
        for (int i : order) {
            if (cp(i).callbackTimeouts().isEmpty() || !holds(i)) {
                continue;
            }
            for (CallbackTimeout timeout : cp(i).callbackTimeouts()) {
                callbacks.expire(c, timeout.callbackId(), cp(i).executionId(), timeout.error(), cp(i).now());
            }
        }
    }

    /**
     * The executions the round's runs invoke, each inserted once the fence of its parent's checkpoint is known to
     * hold (the parent's row is then locked by this transaction, so no other writer creates the same child).
     */
    private void insertChildren() throws SQLException {
        for (int i : order) {
            if (cp(i).children().isEmpty() || !holds(i)) {
                continue;
            }
            for (NewExecution child : cp(i).children()) {
                executions.createChild(c, child);
            }
        }
    }

    /** The transitions, whose statements are fenced too. A suspension only applies if no signal arrived. */
    private void applyTransitions() throws SQLException {
        List<Integer> suspensions = new ArrayList<>();
        List<Integer> parentless = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i : order) {
            if (live(i) && cp(i).transition() != null) {
                if (cp(i).transition().status() == ExecutionStatus.SUSPENDED) {
                    suspensions.add(i);
                } else if (endsAlone(i) && !parentOf.containsKey(cp(i).executionId())) {
                    parentless.add(i);
                } else {
                    others.add(i);
                }
            }
        }
        apply(others, TransitionGuard.NONE);
        apply(parentless, TransitionGuard.NO_PARENT);
        apply(suspensions, TransitionGuard.NO_SIGNAL);
    }

    private void apply(List<Integer> checkpoints, TransitionGuard guard) throws SQLException {
        if (checkpoints.isEmpty()) {
            return;
        }
        int[] counts = executions.transition(c, checkpoints(checkpoints), guard);
        for (int k = 0; k < counts.length; k++) {
            int i = checkpoints.get(k);
            boolean applied = counts[k] > 0 || (counts[k] < 0 && shows(i)); // < 0: the driver did not say
            if (applied) {
                outcomes[i] = CommitOutcome.APPLIED;
                fence.put(i, Fence.DECIDED);
            } else if (guard == TransitionGuard.NO_PARENT) {
                endWithParent(i);
            } else {
                // The fence failed, or (for a suspension) a signal arrived since the run began.
                resolve(i);
                if (fence.get(i) == Fence.HOLDS) {
                    outcomes[i] = guard == TransitionGuard.NO_SIGNAL ? CommitOutcome.SIGNALLED
                            : CommitOutcome.FENCED;
                    fence.put(i, Fence.DECIDED);
                }
            }
        }
    }

    /** Whether the execution's row shows the checkpoint's transition applied. */
    private boolean shows(int i) throws SQLException {
        Checkpoint cp = cp(i);
        Optional<ExecutionRecord> row = executions.select(c, cp.executionId(), true);
        return row.isPresent() && row.get().version() == cp.version()
                && row.get().status() == cp.transition().status();
    }

    /**
     * An end that was tried on the condition that the execution has no parent, and did not apply: the fence
     * failed, or there is a parent. If there is, the parent and then the child are locked, and the end applied
     * if the fence holds; the parent is signalled below.
     */
    private void endWithParent(int i) throws SQLException {
        String child = cp(i).executionId();
        String parent = executions.parentOf(c, child);
        if (parent == null) {
            resolve(i);
            if (fence.get(i) == Fence.HOLDS) {
                outcomes[i] = CommitOutcome.FENCED; // cannot be: the statement would have applied
                fence.put(i, Fence.DECIDED);
            }
            return;
        }
        parentOf.put(child, parent);
        Map<String, FenceRow> rows = executions.lockFences(c, Set.of(parent, child));
        decide(i, rows.get(child));
        if (fence.get(i) == Fence.HOLDS) {
            int[] counts = executions.transition(c, List.of(cp(i)), TransitionGuard.NONE);
            outcomes[i] = counts[0] != 0 ? CommitOutcome.APPLIED : CommitOutcome.FENCED;
            fence.put(i, Fence.DECIDED);
        }
    }

    /**
     * The checkpoints without an outcome yet: those that go on and whose statements wrote (APPLIED), those
     * that carried no statement or whose driver did not say (their row is read), those whose statement wrote
     * nothing (read to learn why).
     */
    private void resolveTheRest() throws SQLException {
        for (int i : order) {
            Fence f = fence.get(i);
            if (f == Fence.DECIDED) {
                continue;
            }
            if (f == Fence.HOLDS) {
                outcomes[i] = CommitOutcome.APPLIED;
            } else if (f == Fence.UNKNOWN) {
                resolve(i);
                if (fence.get(i) == Fence.HOLDS) {
                    outcomes[i] = CommitOutcome.APPLIED;
                }
            } else {
                // A statement wrote nothing, so its fence failed when it ran: the row may have changed since
                // (a cancel request is the only change a fenced execution can see), but this checkpoint was
                // not written.
                FenceRow row = executions.lockFence(c, cp(i).executionId());
                if (row != null && row.heldAt(cp(i).version()) && row.cancelReason() != null) {
                    toCancel.add(i);
                } else {
                    outcomes[i] = CommitOutcome.FENCED;
                }
            }
            fence.put(i, Fence.DECIDED);
        }
    }

    /** Ends the executions with a pending cancel request as CANCELLED. */
    private void cancel() throws SQLException {
        if (toCancel.isEmpty()) {
            return;
        }
        toCancel.sort(Comparator.comparing(i -> cp(i).executionId()));
        for (int i : toCancel) {
            outcomes[i] = CommitOutcome.CANCELLED;
        }
        executions.cancelRequested(c, checkpoints(toCancel));
    }

    /**
     * Signals the parents of the executions that this transaction ended, as a callback completion does: once
     * per ended child, at the child's commit time. The parents of executions that ended by their transition
     * were locked first; those of executions cancelled here are looked up and locked now, after their child:
     * a cancel request found while a run checkpoints is rare, and if that order ever meets the opposite one
     * the database breaks the deadlock and the transaction is run again.
     */
    private void signalParents() throws SQLException {
        List<Integer> ended = new ArrayList<>();
        for (int i : order) {
            if (outcomes[i] == CommitOutcome.CANCELLED
                    || (outcomes[i] == CommitOutcome.APPLIED && ends(cp(i)))) {
                ended.add(i);
            }
        }
        Map<String, List<Instant>> signalsByParent = new TreeMap<>();
        for (int i : ended) {
            String child = cp(i).executionId();
            // An end's parent is known by now (looked up, or known to be none); a cancel's is looked up.
            String parent = parentOf.containsKey(child) || outcomes[i] == CommitOutcome.APPLIED
                    ? parentOf.get(child) : executions.parentOf(c, child);
            if (parent != null) {
                signalsByParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(cp(i).now());
            }
        }
        if (signalsByParent.isEmpty()) {
            return;
        }
        List<SignalUpdate> signals = new ArrayList<>();
        for (Map.Entry<String, List<Instant>> entry : signalsByParent.entrySet()) {
            // Read again: the parent may have checkpointed in this round (a suspension, say) since it was locked.
            FenceRow row = executions.lockFence(c, entry.getKey());
            if (row == null || row.status().isTerminal()) {
                continue;
            }
            Signalled state = row.signalled();
            for (Instant now : entry.getValue()) {
                state = state.signal(now);
            }
            List<Instant> nows = entry.getValue();
            signals.add(new SignalUpdate(entry.getKey(), nows.size(), state, nows.get(nows.size() - 1)));
        }
        executions.signal(c, signals);
    }

    /** The history events of the checkpoints whose writes were applied, in one batch, once every outcome is known. */
    private void appendEvents() throws SQLException {
        List<dev.cairn.spi.EventRecord> rows = new ArrayList<>();
        for (int i : order) {
            rows.addAll(cp(i).eventsApplied(outcomes[i]));
        }
        events.insert(c, rows);
    }

    private List<Checkpoint> checkpoints(List<Integer> indexes) {
        List<Checkpoint> list = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            list.add(cp(i));
        }
        return list;
    }

    private long[] versions(List<Integer> owners) {
        long[] versions = new long[owners.size()];
        for (int k = 0; k < versions.length; k++) {
            versions[k] = cp(owners.get(k)).version();
        }
        return versions;
    }
}
