package dev.cairn.jdbc;

import dev.cairn.ExecutionStatus;
import dev.cairn.jdbc.ExecutionsTable.TransitionGuard;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The group commit: a batch of checkpoints applied in one transaction, with one JDBC batch per kind of statement
 * (see {@link JdbcExecutionStore#commit}). The statements are those of the {@link ExecutionsTable}, the
 * {@link OperationsTable} and the {@link CallbacksTable}; this class decides in which order they run and what
 * each checkpoint's outcome is; a {@link CommitRound} applies the k-th checkpoint of each execution.
 *
 * <p>There is no separate fence read: each statement of a checkpoint carries the fence ({@link
 * ExecutionsTable#fence}) and writes only if it holds, locking the execution's row as it does. Its update count
 * tells whether the fence held. Only when a statement wrote nothing does the commit read the row (one locking
 * single-row read) to learn why: the execution was claimed away or ended (FENCED), or a cancel request is pending
 * (the execution is cancelled here), or, for a suspension, a signal arrived (SIGNALLED). A checkpoint of a run
 * that goes on therefore costs its inserts alone, in the batch it shares with the other runs' checkpoints.
 */
final class GroupCommit {

    private final Tx tx;
    private final ExecutionsTable executions;
    private final OperationsTable operations;
    private final CallbacksTable callbacks;
    private final EventsTable events;
    /** Whether inserts carry the fence; if not, the rows are locked first ({@link Dialect#batchesInsertSelect}). */
    private final boolean fencedInserts;

    GroupCommit(Tx tx, ExecutionsTable executions, OperationsTable operations, CallbacksTable callbacks,
                EventsTable events, boolean fencedInserts) {
        this.tx = tx;
        this.executions = executions;
        this.operations = operations;
        this.callbacks = callbacks;
        this.events = events;
        this.fencedInserts = fencedInserts;
    }

    List<CommitOutcome> commit(List<Checkpoint> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        for (Checkpoint checkpoint : batch) {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
        if (batch.size() == 1 && isOneStatement(batch.get(0))) {
            CommitOutcome outcome = tx.inAutoCommit("commit a checkpoint of " + batch.get(0).executionId(),
                    c -> alone(c, batch.get(0)));
            if (outcome != null) {
                return List.of(outcome);
            }
            // The statement wrote nothing: the transaction below finds out why, and does what follows from it.
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
                new CommitRound(executions, operations, callbacks, events, fencedInserts, c, batch, round, outcomes).commit();
            }
            return List.of(outcomes);
        });
    }

    /**
     * Whether a checkpoint is one statement: one operation inserted or updated, or a transition alone that is not
     * a terminal one with a parent to signal (as far as the checkpoint tells). A batch of one such checkpoint, the
     * common case of a run that goes step by step, is committed in auto-commit mode: one round trip.
     */
    private static boolean isOneStatement(Checkpoint cp) {
        int statements = cp.operationInserts().size() + cp.operationUpdates().size() + cp.callbacks().size()
                + (cp.transition() == null ? 0 : 1);
        return statements == 1 && cp.callbacks().isEmpty() && cp.children().isEmpty()
                && cp.callbackTimeouts().isEmpty() && cp.events().isEmpty();
    }

    /**
     * Commits a checkpoint of one statement, alone in its transaction: APPLIED if the statement wrote, or {@code
     * null} if it wrote nothing (the fence failed, a signal arrived, or the execution has a parent to signal), and
     * then nothing was written.
     */
    private CommitOutcome alone(Connection c, Checkpoint cp) throws SQLException {
        long[] version = {cp.version()};
        int[] count;
        if (!cp.operationInserts().isEmpty()) {
            count = operations.insertFenced(c, cp.operationInserts(), version);
        } else if (!cp.operationUpdates().isEmpty()) {
            count = operations.updateFenced(c, cp.operationUpdates(), version);
        } else {
            count = executions.transition(c, List.of(cp), guard(cp));
        }
        return count[0] == 1 ? CommitOutcome.APPLIED : null;
    }

    /** The guard of a transition alone in its checkpoint. */
    private static TransitionGuard guard(Checkpoint cp) {
        ExecutionStatus status = cp.transition().status();
        return status == ExecutionStatus.SUSPENDED ? TransitionGuard.NO_SIGNAL
                : status.isTerminal() ? TransitionGuard.NO_PARENT : TransitionGuard.NONE;
    }

}
