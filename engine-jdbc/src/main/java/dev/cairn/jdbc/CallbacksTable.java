package dev.cairn.jdbc;

import static dev.cairn.jdbc.Rows.CALLBACK_COLUMNS;
import static dev.cairn.jdbc.Rows.bindCallback;
import static dev.cairn.jdbc.Rows.checkBatch;
import static dev.cairn.jdbc.Rows.forEachRow;
import static dev.cairn.jdbc.Rows.ms;
import static dev.cairn.jdbc.Rows.readCallback;
import static dev.cairn.jdbc.Rows.setError;
import static dev.cairn.jdbc.Rows.setInstant;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.internal.UserText;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.ExecutionRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SQL of the callbacks table: reads, the group commit's inserts, and completions, heartbeats and timeouts
 * from outside, which signal the waiting execution in the same transaction.
 */
final class CallbacksTable {

    private final Tx tx;
    private final String callbacks;
    private final ExecutionsTable executions;

    CallbacksTable(Tx tx, String prefix, ExecutionsTable executions) {
        this.tx = tx;
        this.callbacks = prefix + "callbacks";
        this.executions = executions;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reads

    Optional<CallbackRecord> find(String callbackId) {
        return tx.inTransaction("read callback " + UserText.quote(callbackId), c -> select(c, callbackId, false));
    }

    List<CallbackRecord> loadAll(String executionId) {
        return tx.inTransaction("load the callbacks of " + executionId, c -> selectAll(c, executionId));
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

    /** Inserts {@code newCallbacks}, in one batch. */
    void insert(Connection c, List<CallbackRecord> newCallbacks) throws SQLException {
        if (newCallbacks.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + callbacks + " (" + CALLBACK_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (CallbackRecord cb : newCallbacks) {
                bindCallback(ps, cb);
                ps.addBatch();
            }
            checkBatch(ps.executeBatch(), "insert callbacks");
        }
    }

    CallbackUpdate complete(CallbackCompletion completion) {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(completion.now(), "completion.now");
        if (completion.status() != CallbackStatus.SUCCEEDED && completion.status() != CallbackStatus.FAILED) {
            throw new IllegalArgumentException("a callback completes SUCCEEDED or FAILED, not " + completion.status());
        }
        String id = completion.callbackId();
        return tx.inTransaction("complete callback " + UserText.quote(id), c -> {
            Optional<CallbackRecord> found = select(c, id, true);
            if (found.isEmpty()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null);
            }
            CallbackRecord callback = found.get();
            Optional<ExecutionRecord> execution = executions.select(c, callback.executionId(), true);
            ExecutionStatus status = execution.map(ExecutionRecord::status).orElse(null);
            if (callback.status() != CallbackStatus.PENDING) {
                return new CallbackUpdate(CallbackUpdate.Outcome.ALREADY_COMPLETED, callback, status);
            }
            if (status == null || status.isTerminal()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.EXECUTION_ENDED, callback, status);
            }
            if (callback.isOverdue(completion.now())) {
                return timeOut(c, callback, execution.get(), completion.now());
            }
            boolean succeeded = completion.status() == CallbackStatus.SUCCEEDED;
            CallbackRecord done = callback.toBuilder()
                    .status(completion.status())
                    .result(succeeded ? completion.result() : null)
                    .error(succeeded ? null : completion.error())
                    .completedAt(ms(completion.now()))
                    .build();
            updateOutcome(c, done);
            ExecutionStatus after = executions.signal(c, execution.get(), completion.now());
            return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, done, after);
        });
    }

    CallbackUpdate heartbeat(String callbackId, Instant now) {
        Objects.requireNonNull(now, "now");
        return tx.inTransaction("heartbeat callback " + UserText.quote(callbackId), c -> {
            Optional<CallbackRecord> found = select(c, callbackId, true);
            if (found.isEmpty()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null);
            }
            CallbackRecord callback = found.get();
            Optional<ExecutionRecord> execution = executions.select(c, callback.executionId(),
                    callback.isOverdue(now));
            ExecutionStatus status = execution.map(ExecutionRecord::status).orElse(null);
            if (callback.status() != CallbackStatus.PENDING) {
                return new CallbackUpdate(CallbackUpdate.Outcome.ALREADY_COMPLETED, callback, status);
            }
            if (status == null || status.isTerminal()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.EXECUTION_ENDED, callback, status);
            }
            if (callback.isOverdue(now)) {
                return timeOut(c, callback, execution.get(), now);
            }
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
        return tx.inTransaction("expire callback " + UserText.quote(callbackId), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + callbacks + " SET status = 'TIMED_OUT',"
                    + " result = NULL, error_type = ?, error_message = ?, error_stack = ?, completed_at = ?"
                    + " WHERE id = ? AND status = 'PENDING' AND (timeout_at <= ? OR heartbeat_deadline <= ?)")) {
                setError(ps, 1, error);
                setInstant(ps, 4, now);
                ps.setString(5, callbackId);
                setInstant(ps, 6, now);
                setInstant(ps, 7, now);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
