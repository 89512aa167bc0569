package dev.cairn.jdbc;

import static dev.cairn.jdbc.Rows.CALLBACK_COLUMNS;
import static dev.cairn.jdbc.Rows.bindCallback;
import static dev.cairn.jdbc.Rows.checkBatch;
import static dev.cairn.jdbc.Rows.forEachRow;
import static dev.cairn.jdbc.Rows.ms;
import static dev.cairn.jdbc.Rows.readCallback;
import static dev.cairn.jdbc.Rows.setError;
import static dev.cairn.jdbc.Rows.setInstant;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.StoreRules;
import dev.cairn.spi.StoreRules.CallbackCheck;
import dev.cairn.spi.StoreRules.Signalled;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The SQL of the callbacks table: reads, the group commit's inserts, and completions, heartbeats and timeouts
 * from outside, which signal the waiting execution in the same transaction.
 */
final class CallbacksTable {

    private final Tx tx;
    private final String callbacks;
    private final ExecutionsTable executions;
    private final String insertSql;
    private final String fencedInsertSql;

    private final EventsTable events;

    CallbacksTable(Tx tx, String prefix, ExecutionsTable executions, EventsTable events) {
        this.events = events;
        this.tx = tx;
        this.callbacks = prefix + "callbacks";
        this.executions = executions;
        this.insertSql = "INSERT INTO " + callbacks + " (" + CALLBACK_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        this.fencedInsertSql = "INSERT INTO " + callbacks + " (" + CALLBACK_COLUMNS
                + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + executions.fence();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reads

    Optional<CallbackRecord> find(String callbackId) {
        return tx.read("read callback " + StoreRules.quote(callbackId), c -> select(c, callbackId, false));
    }

    List<CallbackRecord> loadAll(String executionId) {
        return tx.read("load the callbacks of " + executionId, c -> selectAll(c, executionId));
    }

    private Optional<CallbackRecord> select(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CALLBACK_COLUMNS + " FROM " + callbacks
                + " WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readCallback(rs)) : Optional.empty();
            }
        }
    }

    /** The callbacks of an execution, in creation order. */
    List<CallbackRecord> selectAll(Connection c, String executionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CALLBACK_COLUMNS + " FROM " + callbacks
                + " WHERE execution_id = ? ORDER BY created_at, id")) {
            ps.setString(1, executionId);
            List<CallbackRecord> list = new ArrayList<>();
            forEachRow(ps, rs -> list.add(readCallback(rs)));
            return List.copyOf(list);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Writes

    /** Inserts {@code newCallbacks}, in one batch, unfenced: for checkpoints whose fence this transaction holds. */
    void insert(Connection c, List<CallbackRecord> newCallbacks) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            for (CallbackRecord cb : newCallbacks) {
                bindCallback(ps, cb);
                ps.addBatch();
            }
            checkBatch(ps.executeBatch(), "insert callbacks");
        }
    }

    /**
     * Inserts {@code newCallbacks}, in one batch, each only if the fence of its checkpoint holds ({@link
     * ExecutionsTable#fence}), which it locks.
     *
     * @param versions the version of each callback's checkpoint
     * @return the update count of each insert: 1 if the fence held, 0 if not, or what the driver reports when it
     *         does not know
     */
    int[] insertFenced(Connection c, List<CallbackRecord> newCallbacks, long[] versions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(fencedInsertSql)) {
            for (int k = 0; k < newCallbacks.size(); k++) {
                CallbackRecord cb = newCallbacks.get(k);
                bindCallback(ps, cb);
                ps.setString(15, cb.executionId());
                ps.setLong(16, versions[k]);
                Rows.add(ps, newCallbacks.size());
            }
            return Rows.execute(ps, newCallbacks.size());
        }
    }

    CallbackUpdate complete(CallbackCompletion completion) {
        StoreRules.checkCompletion(completion);
        String id = completion.callbackId();
        return tx.inTransaction("complete callback " + StoreRules.quote(id),
                c -> complete(c, select(c, id, true).orElse(null), completion, null));
    }

    /**
     * Completes a callback with the completion {@code resolve} makes from its locked row, and claims the execution
     * for {@code claimant} (if not null) when the completion leaves it PENDING: one transaction, whose statements
     * are those of a completion alone; the claim rides on the signal's update.
     */
    CallbackUpdate complete(String callbackId, Function<CallbackRecord, CallbackCompletion> resolve,
                            Claimant claimant) {
        Objects.requireNonNull(resolve, "resolve");
        return tx.inTransaction("complete callback " + StoreRules.quote(callbackId), c -> {
            CallbackRecord callback = select(c, callbackId, true).orElse(null);
            if (callback == null) {
                return new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null);
            }
            CallbackCompletion completion = resolve.apply(callback);
            StoreRules.checkCompletion(completion);
            if (!callbackId.equals(completion.callbackId())) {
                throw new IllegalArgumentException("the completion of callback " + StoreRules.quote(callbackId)
                        + " is for callback " + StoreRules.quote(completion.callbackId()));
            }
            return complete(c, callback, completion, claimant);
        });
    }

    /** Completes a locked callback (or finds it missing, done, or overdue), in the transaction of {@code c}. */
    private CallbackUpdate complete(Connection c, CallbackRecord callback, CallbackCompletion completion,
                                    Claimant claimant) throws SQLException {
        ExecutionRecord execution = callback == null ? null
                : executions.select(c, callback.executionId(), true).orElse(null);
        ExecutionStatus status = execution == null ? null : execution.status();
        CallbackCheck check = StoreRules.checkCallback(callback, status, completion.now());
        if (check == CallbackCheck.TIME_OUT) {
            return timeOut(c, callback, execution, completion.now());
        }
        if (check != CallbackCheck.APPLY) {
            return check.unchanged(callback, status);
        }
        CallbackRecord done = StoreRules.completed(callback, completion, ms(completion.now()));
        updateOutcome(c, done);
        if (claimant != null
                && Signalled.of(execution).signal(completion.now()).status() == ExecutionStatus.PENDING) {
            ExecutionRecord claimed = executions.signalAndClaim(c, execution, ms(completion.now()), claimant);
            return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, done, claimed.status(), claimed);
        }
        ExecutionStatus after = executions.signal(c, execution, completion.now());
        return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, done, after);
    }

    CallbackUpdate heartbeat(String callbackId, Instant now) {
        Objects.requireNonNull(now, "now");
        return tx.inTransaction("heartbeat callback " + StoreRules.quote(callbackId), c -> {
            CallbackRecord callback = select(c, callbackId, true).orElse(null);
            // The execution is locked only if the callback is overdue: then it may be signalled, as it times out.
            ExecutionRecord execution = callback == null ? null
                    : executions.select(c, callback.executionId(), callback.isOverdue(now)).orElse(null);
            ExecutionStatus status = execution == null ? null : execution.status();
            CallbackCheck check = StoreRules.checkCallback(callback, status, now);
            if (check == CallbackCheck.TIME_OUT) {
                return timeOut(c, callback, execution, now);
            }
            if (check != CallbackCheck.APPLY) {
                return check.unchanged(callback, status);
            }
            events.insert(c, List.of(StoreRules.heartbeat(callback, now)));
            if (callback.heartbeatTimeout() == null) {
                return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, callback, status);
            }
            Instant deadline = now.plus(callback.heartbeatTimeout());
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + callbacks
                    + " SET heartbeat_deadline = ? WHERE id = ?")) {
                setInstant(ps, 1, deadline);
                ps.setString(2, callbackId);
                ps.executeUpdate();
            }
            return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED,
                    callback.toBuilder().heartbeatDeadline(ms(deadline)).build(), status);
        });
    }

    /**
     * Times out a locked callback that a completion or a heartbeat found past its deadline, and signals its
     * locked execution so that it wakes to see it.
     */
    private CallbackUpdate timeOut(Connection c, CallbackRecord callback, ExecutionRecord execution, Instant now)
            throws SQLException {
        CallbackRecord timedOut = callback.timedOut(ms(now));
        updateOutcome(c, timedOut);
        ExecutionStatus after = executions.signal(c, execution, now);
        return new CallbackUpdate(CallbackUpdate.Outcome.ALREADY_COMPLETED, timedOut, after);
    }

    private void updateOutcome(Connection c, CallbackRecord cb) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + callbacks + " SET status = ?, result = ?,"
                + " error_type = ?, error_message = ?, error_stack = ?, completed_at = ? WHERE id = ?")) {
            ps.setString(1, cb.status().name());
            ps.setString(2, cb.result());
            setError(ps, 3, cb.error());
            setInstant(ps, 6, cb.completedAt());
            ps.setString(7, cb.id());
            ps.executeUpdate();
        }
    }

    boolean expire(String callbackId, ErrorInfo error, Instant now) {
        Objects.requireNonNull(now, "now");
        return tx.inTransaction("expire callback " + StoreRules.quote(callbackId),
                c -> expire(c, callbackId, null, error, now));
    }

    /**
     * Times out a callback if it is still pending and past its timeout or heartbeat deadline at {@code now}.
     *
     * @param executionId the execution it must belong to, or null for any
     * @return whether it timed out
     */
    boolean expire(Connection c, String callbackId, String executionId, ErrorInfo error, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + callbacks + " SET status = 'TIMED_OUT',"
                + " result = NULL, error_type = ?, error_message = ?, error_stack = ?, completed_at = ?"
                + " WHERE id = ? AND status = 'PENDING' AND (timeout_at <= ? OR heartbeat_deadline <= ?)"
                + (executionId == null ? "" : " AND execution_id = ?"))) {
            setError(ps, 1, error);
            setInstant(ps, 4, now);
            ps.setString(5, callbackId);
            setInstant(ps, 6, now);
            setInstant(ps, 7, now);
            if (executionId != null) {
                ps.setString(8, executionId);
            }
            return ps.executeUpdate() == 1;
        }
    }
}
