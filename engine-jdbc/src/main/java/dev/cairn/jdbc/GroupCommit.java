package dev.cairn.jdbc;

import dev.cairn.ExecutionStatus;
import dev.cairn.jdbc.ExecutionsTable.FenceRow;
import dev.cairn.jdbc.ExecutionsTable.SignalUpdate;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.StoreRules.Signalled;
import dev.cairn.spi.Transition;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The group commit: a batch of checkpoints applied in one transaction, with one JDBC batch per kind of statement
 * (see {@link JdbcExecutionStore#commit}). The statements are those of the {@link ExecutionsTable}, the
 * {@link OperationsTable} and the {@link CallbacksTable}; this class decides which checkpoints pass the fence,
 * in which order the statements run, and what each checkpoint's outcome is.
 */
final class GroupCommit {

    private final Tx tx;
    private final ExecutionsTable executions;
    private final OperationsTable operations;
    private final CallbacksTable callbacks;

    GroupCommit(Tx tx, ExecutionsTable executions, OperationsTable operations, CallbacksTable callbacks) {
        this.tx = tx;
        this.executions = executions;
        this.operations = operations;
        this.callbacks = callbacks;
    }

    List<CommitOutcome> commit(List<Checkpoint> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        for (Checkpoint checkpoint : batch) {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
        // Round k holds the k-th checkpoint of each execution: the checkpoints of one round touch distinct rows.
        List<List<Integer>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            int round = seen.merge(batch.get(i).executionId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(i);
        }
        return tx.inTransaction("commit " + batch.size() + " checkpoint(s)", c -> {
            CommitOutcome[] outcomes = new CommitOutcome[batch.size()];
            for (List<Integer> round : rounds) {
                commitRound(c, batch, round, outcomes);
            }
            return List.of(outcomes);
        });
    }

    private void commitRound(Connection c, List<Checkpoint> batch, List<Integer> round, CommitOutcome[] outcomes)
            throws SQLException {
        // 1. Fences: lock the executions' rows, in id order so that concurrent group commits lock in the same order,
        // and check that each is still RUNNING at the checkpoint's version with no cancel request. A lock rather than
        // an update: it writes less, and no claim can slip in before the commit. The transitions below check the
        // version again as they write.
        List<Integer> order = new ArrayList<>(round);
        order.sort(Comparator.comparing(i -> batch.get(i).executionId()));
        List<Integer> accepted = new ArrayList<>();
        List<Integer> toCancel = new ArrayList<>();
        // The parents of executions that end here are signalled below: lock them now, with the rest and in the
        // same order, rather than after (a parent's id sorts before its children's).
        Set<String> toLock = new TreeSet<>();
        List<String> ending = new ArrayList<>();
        for (int i : order) {
            Checkpoint cp = batch.get(i);
            toLock.add(cp.executionId());
            if (cp.transition() != null && cp.transition().status().isTerminal()) {
                ending.add(cp.executionId());
            }
        }
        Map<String, String> parentOf = executions.parentsOf(c, ending);
        toLock.addAll(parentOf.values());
        Map<String, FenceRow> rows = executions.lockFenceRows(c, toLock);
        for (int i : order) {
            Checkpoint cp = batch.get(i);
            FenceRow row = rows.get(cp.executionId());
            if (row == null || row.status() != ExecutionStatus.RUNNING || row.version() != cp.version()) {
                outcomes[i] = CommitOutcome.FENCED;
            } else if (row.cancelReason() != null) {
                toCancel.add(i);
            } else {
                accepted.add(i);
            }
        }
        // 2. Cancellations of fenced executions with a pending cancel request.
        if (!toCancel.isEmpty()) {
            List<Checkpoint> cancelled = new ArrayList<>();
            for (int i : toCancel) {
                cancelled.add(batch.get(i));
                outcomes[i] = CommitOutcome.CANCELLED;
            }
            executions.cancelRequested(c, cancelled);
        }
        if (accepted.isEmpty()) {
            signalParents(c, batch, toCancel, parentOf);
            return;
        }
        accepted.sort(Comparator.naturalOrder());

        // 3. Operation inserts.
        List<OperationRecord> inserts = new ArrayList<>();
        for (int i : accepted) {
            inserts.addAll(batch.get(i).operationInserts());
        }
        operations.insert(c, inserts);

        // 4. Operation updates, whole rows by key; a row that is not there yet is inserted.
        List<OperationRecord> updates = new ArrayList<>();
        for (int i : accepted) {
            updates.addAll(batch.get(i).operationUpdates());
        }
        if (!updates.isEmpty()) {
            List<OperationRecord> missing = operations.update(c, updates);
            operations.insert(c, missing);
        }

        // 5. Callback inserts.
        List<CallbackRecord> newCallbacks = new ArrayList<>();
        for (int i : accepted) {
            newCallbacks.addAll(batch.get(i).callbacks());
        }
        callbacks.insert(c, newCallbacks);

        // 6. Transitions. A suspension only applies if no signal arrived since the run began.
        List<Integer> suspensions = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i : accepted) {
            Transition t = batch.get(i).transition();
            if (t == null) {
                outcomes[i] = CommitOutcome.APPLIED;
            } else if (t.status() == ExecutionStatus.SUSPENDED) {
                suspensions.add(i);
            } else {
                others.add(i);
            }
        }
        if (!others.isEmpty()) {
            List<Integer> unknown = new ArrayList<>();
            int[] counts = executions.transition(c, checkpoints(batch, others), false);
            for (int k = 0; k < counts.length; k++) {
                int i = others.get(k);
                if (counts[k] == 1) {
                    outcomes[i] = CommitOutcome.APPLIED;
                } else if (counts[k] == 0) {
                    outcomes[i] = CommitOutcome.FENCED; // claimed away since the fence was read
                } else {
                    unknown.add(i);
                }
            }
            for (int i : unknown) {
                Optional<ExecutionRecord> row = executions.select(c, batch.get(i).executionId(), false);
                outcomes[i] = row.isPresent() && row.get().status() == batch.get(i).transition().status()
                        && row.get().version() == batch.get(i).version() ? CommitOutcome.APPLIED : CommitOutcome.FENCED;
            }
        }
        if (!suspensions.isEmpty()) {
            List<Integer> unknown = new ArrayList<>();
            int[] counts = executions.transition(c, checkpoints(batch, suspensions), true);
            for (int k = 0; k < counts.length; k++) {
                int i = suspensions.get(k);
                if (counts[k] == 1) {
                    outcomes[i] = CommitOutcome.APPLIED;
                } else {
                    unknown.add(i);
                }
            }
            // Nothing changed (or the driver would not say): a signal arrived, or the execution was claimed away.
            for (int i : unknown) {
                Checkpoint cp = batch.get(i);
                Optional<ExecutionRecord> row = executions.select(c, cp.executionId(), false);
                if (row.isEmpty() || row.get().version() != cp.version()) {
                    outcomes[i] = CommitOutcome.FENCED;
                } else if (row.get().status() == ExecutionStatus.SUSPENDED) {
                    outcomes[i] = CommitOutcome.APPLIED;
                } else if (row.get().status() == ExecutionStatus.RUNNING) {
                    outcomes[i] = CommitOutcome.SIGNALLED;
                } else {
                    outcomes[i] = CommitOutcome.FENCED;
                }
            }
        }

        // 7. Executions that ended signal the executions that invoked them.
        List<Integer> ended = new ArrayList<>(toCancel);
        for (int i : others) {
            if (outcomes[i] == CommitOutcome.APPLIED && batch.get(i).transition().status().isTerminal()) {
                ended.add(i);
            }
        }
        signalParents(c, batch, ended, parentOf);
    }

    private static List<Checkpoint> checkpoints(List<Checkpoint> batch, List<Integer> indexes) {
        List<Checkpoint> checkpoints = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            checkpoints.add(batch.get(i));
        }
        return checkpoints;
    }

    /**
     * Signals the parents of the executions of {@code ended} checkpoints, which this transaction ended: as a
     * callback completion does, once per ended child, at the child's commit time. {@code known} holds the parents
     * read with the fence. Parents are locked in id order.
     */
    private void signalParents(Connection c, List<Checkpoint> batch, List<Integer> ended, Map<String, String> known)
            throws SQLException {
        if (ended.isEmpty()) {
            return;
        }
        List<Integer> order = new ArrayList<>(ended);
        order.sort(Comparator.naturalOrder());
        // The parents of executions that ended by a transition were read (and locked) with the fence; those of
        // executions ended by a cancel request are read now.
        Map<String, String> parentOf = new HashMap<>(known);
        List<String> unknown = new ArrayList<>();
        for (int i : order) {
            if (batch.get(i).transition() == null || !batch.get(i).transition().status().isTerminal()) {
                unknown.add(batch.get(i).executionId());
            }
        }
        parentOf.putAll(executions.parentsOf(c, unknown));
        if (parentOf.isEmpty()) {
            return;
        }
        Map<String, List<Instant>> signalsByParent = new TreeMap<>();
        for (int i : order) {
            String parent = parentOf.get(batch.get(i).executionId());
            if (parent != null) {
                signalsByParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(batch.get(i).now());
            }
        }
        Map<String, Signalled> parents = executions.lockForSignal(c, List.copyOf(signalsByParent.keySet()));
        List<SignalUpdate> signals = new ArrayList<>();
        for (Map.Entry<String, List<Instant>> entry : signalsByParent.entrySet()) {
            Signalled state = parents.get(entry.getKey());
            if (state == null || state.status().isTerminal()) {
                continue;
            }
            for (Instant now : entry.getValue()) {
                state = state.signal(now);
            }
            List<Instant> nows = entry.getValue();
            signals.add(new SignalUpdate(entry.getKey(), nows.size(), state, nows.get(nows.size() - 1)));
        }
        executions.signal(c, signals);
    }
}
