package dev.cairn.jdbc;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.OperationRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The column lists of the three tables, and how records are bound to statements and read from result sets:
 * instants as epoch milliseconds and durations as milliseconds, in {@code BIGINT} columns; an error as three
 * columns (type, message, stack trace).
 */
final class Rows {

    /** The most ids one IN list carries; longer lists are split into {@link #chunks}. */
    static final int IN_LIST_CHUNK = 500;

    static final String EXECUTION_COLUMNS = "id, name, function_name, status, input, output, error_type, "
            + "error_message, error_stack, created_at, updated_at, ended_at, wake_at, owner, lease_until, version, "
            + "signals, cancel_reason, timeout_at, parent_id, propagated_context";
    static final String OPERATION_COLUMNS = "execution_id, operation_id, parent_id, type, sub_type, name, "
            + "status, attempt, result, error_type, error_message, error_stack, scheduled_at, started_at, ended_at";
    static final String CALLBACK_COLUMNS = "id, execution_id, operation_id, status, result, error_type, "
            + "error_message, error_stack, timeout_at, heartbeat_timeout_ms, heartbeat_deadline, created_at, "
            + "completed_at, result_type";

    private Rows() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading rows

    /** What is done with each row of a result. */
    @FunctionalInterface
    interface RowAction {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Runs the query of {@code ps} and hands each row of its result to {@code action}. */
    static void forEachRow(PreparedStatement ps, RowAction action) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                action.accept(rs);
            }
        }
    }

    static ExecutionRecord readExecution(ResultSet rs) throws SQLException {
        return new ExecutionRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                ExecutionStatus.valueOf(rs.getString(4)),
                rs.getString(5),
                rs.getString(6),
                getError(rs, 7),
                getInstant(rs, 10),
                getInstant(rs, 11),
                getInstant(rs, 12),
                getInstant(rs, 13),
                rs.getString(14),
                getInstant(rs, 15),
                rs.getLong(16),
                rs.getLong(17),
                rs.getString(18),
                getInstant(rs, 19),
                rs.getString(20),
                rs.getString(21));
    }

    static OperationRecord readOperation(ResultSet rs) throws SQLException {
        return new OperationRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                OperationType.valueOf(rs.getString(4)),
                rs.getString(5),
                rs.getString(6),
                OperationStatus.valueOf(rs.getString(7)),
                rs.getInt(8),
                rs.getString(9),
                getError(rs, 10),
                getInstant(rs, 13),
                getInstant(rs, 14),
                getInstant(rs, 15));
    }

    static CallbackRecord readCallback(ResultSet rs) throws SQLException {
        long timeoutMs = rs.getLong(10);
        Duration heartbeatTimeout = rs.wasNull() ? null : Duration.ofMillis(timeoutMs);
        return new CallbackRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                CallbackStatus.valueOf(rs.getString(4)),
                rs.getString(5),
                getError(rs, 6),
                getInstant(rs, 9),
                heartbeatTimeout,
                getInstant(rs, 11),
                getInstant(rs, 12),
                getInstant(rs, 13),
                rs.getString(14));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Binding values

    static void bindExecution(PreparedStatement ps, ExecutionRecord e) throws SQLException {
        ps.setString(1, e.id());
        ps.setString(2, e.name());
        ps.setString(3, e.function());
        ps.setString(4, e.status().name());
        ps.setString(5, e.input());
        ps.setString(6, e.output());
        setError(ps, 7, e.error());
        setInstant(ps, 10, e.createdAt());
        setInstant(ps, 11, e.updatedAt());
        setInstant(ps, 12, e.endedAt());
        setInstant(ps, 13, e.wakeAt());
        ps.setString(14, e.owner());
        setInstant(ps, 15, e.leaseUntil());
        ps.setLong(16, e.version());
        ps.setLong(17, e.signals());
        ps.setString(18, e.cancelReason());
        setInstant(ps, 19, e.timeoutAt());
        ps.setString(20, e.parentId());
        ps.setString(21, e.propagatedContext());
    }

    static void bindCallback(PreparedStatement ps, CallbackRecord cb) throws SQLException {
        ps.setString(1, cb.id());
        ps.setString(2, cb.executionId());
        ps.setString(3, cb.operationId());
        ps.setString(4, name(cb.status()));
        ps.setString(5, cb.result());
        setError(ps, 6, cb.error());
        setInstant(ps, 9, cb.timeoutAt());
        if (cb.heartbeatTimeout() == null) {
            ps.setNull(10, Types.BIGINT);
        } else {
            ps.setLong(10, cb.heartbeatTimeout().toMillis());
        }
        setInstant(ps, 11, cb.heartbeatDeadline());
        setInstant(ps, 12, cb.createdAt());
        setInstant(ps, 13, cb.completedAt());
        ps.setString(14, cb.resultType());
    }

    /** Binds an error to three parameters: type, message, stack trace. */
    static void setError(PreparedStatement ps, int index, ErrorInfo error) throws SQLException {
        ps.setString(index, error == null ? null : error.type());
        ps.setString(index + 1, error == null ? null : error.message());
        ps.setString(index + 2, error == null ? null : error.stackTrace());
    }

    static ErrorInfo getError(ResultSet rs, int index) throws SQLException {
        String type = rs.getString(index);
        if (type == null) {
            return null;
        }
        return new ErrorInfo(type, rs.getString(index + 1), rs.getString(index + 2));
    }

    static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, instant.toEpochMilli());
        }
    }

    static Instant getInstant(ResultSet rs, int index) throws SQLException {
        long millis = rs.getLong(index);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    /** {@code instant} at the precision it is stored with: milliseconds. */
    static Instant ms(Instant instant) {
        return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli());
    }

    static String name(Enum<?> value) {
        return Objects.requireNonNull(value, "status or type").name();
    }

    /**
     * Adds the parameters bound to {@code ps} to its batch, unless the batch is of one statement: that one is run
     * alone ({@link #execute}). A driver may send a batch in a way a statement alone does not need (MariaDB's bulk
     * protocol, which refuses {@code INSERT ... SELECT}).
     */
    static void add(PreparedStatement ps, int size) throws SQLException {
        if (size > 1) {
            ps.addBatch();
        }
    }

    /** Runs the batch that {@link #add} built, of {@code size} statements; @return their update counts */
    static int[] execute(PreparedStatement ps, int size) throws SQLException {
        return size == 1 ? new int[] {ps.executeUpdate()} : ps.executeBatch();
    }

    /** Fails if a statement of a batch of inserts changed no row. */
    static void checkBatch(int[] counts, String what) throws SQLException {
        for (int count : counts) {
            if (count == Statement.EXECUTE_FAILED || count == 0) {
                throw new SQLException(what + ": a statement of the batch changed no row");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // IN lists

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static <T> List<List<T>> chunks(List<T> list) {
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i += IN_LIST_CHUNK) {
            result.add(list.subList(i, Math.min(list.size(), i + IN_LIST_CHUNK)));
        }
        return result;
    }
}
