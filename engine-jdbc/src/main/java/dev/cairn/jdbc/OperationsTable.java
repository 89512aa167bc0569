package dev.cairn.jdbc;

import static dev.cairn.jdbc.Rows.OPERATION_COLUMNS;
import static dev.cairn.jdbc.Rows.checkBatch;
import static dev.cairn.jdbc.Rows.forEachRow;
import static dev.cairn.jdbc.Rows.name;
import static dev.cairn.jdbc.Rows.readOperation;
import static dev.cairn.jdbc.Rows.setError;
import static dev.cairn.jdbc.Rows.setInstant;

import dev.cairn.spi.History;
import dev.cairn.spi.OperationRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The SQL of the operations table: the history of an execution, and the group commit's inserts and updates. */
final class OperationsTable {

    private final Tx tx;
    private final String operations;
    private final CallbacksTable callbacks;
    private final String insertSql;
    private final String fencedInsertSql;
    private final String fencedUpdateSql;

    OperationsTable(Tx tx, String prefix, ExecutionsTable executions, CallbacksTable callbacks) {
        this.tx = tx;
        this.operations = prefix + "operations";
        this.callbacks = callbacks;
        this.insertSql = "INSERT INTO " + operations + " (" + OPERATION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        this.fencedInsertSql = "INSERT INTO " + operations + " (" + OPERATION_COLUMNS
                + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + executions.fence();
        this.fencedUpdateSql = "UPDATE " + operations + " SET parent_id = ?, type = ?, sub_type = ?, name = ?,"
                + " status = ?, attempt = ?, result = ?, error_type = ?, error_message = ?, error_stack = ?,"
                + " scheduled_at = ?, started_at = ?, ended_at = ? WHERE execution_id = ? AND operation_id = ?"
                + " AND EXISTS (SELECT 1" + executions.fence() + ")";
    }

    /**
     * Every operation and callback of an execution. Two reads, not necessarily of one snapshot: the operations of an
     * execution are written by the run that holds it alone, and a callback completed after it was read signals the
     * execution, whose run then reads its callbacks again.
     */
    History loadHistory(String executionId) {
        return tx.read("load the history of " + executionId, c -> {
            List<OperationRecord> ops = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + OPERATION_COLUMNS + " FROM " + operations
                    + " WHERE execution_id = ?")) {
                ps.setString(1, executionId);
                forEachRow(ps, rs -> ops.add(readOperation(rs)));
            }
            return new History(ops, callbacks.selectAll(c, executionId));
        });
    }

    /** Inserts {@code ops}, in one batch, unfenced: for a checkpoint whose fence this transaction holds. */
    void insert(Connection c, List<OperationRecord> ops) throws SQLException {
        if (ops.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            for (OperationRecord op : ops) {
                bindRow(ps, op);
                ps.addBatch();
            }
            checkBatch(ps.executeBatch(), "insert operations");
        }
    }

    /**
     * Inserts {@code ops}, in one batch, each only if the fence of its checkpoint holds ({@link
     * ExecutionsTable#fence}), which it locks.
     *
     * @param versions the version of each operation's checkpoint
     * @return the update count of each insert: 1 if the fence held, 0 if not, or what the driver reports when it
     *         does not know
     */
    int[] insertFenced(Connection c, List<OperationRecord> ops, long[] versions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(fencedInsertSql)) {
            for (int k = 0; k < ops.size(); k++) {
                OperationRecord op = ops.get(k);
                bindRow(ps, op);
                ps.setString(16, op.executionId());
                ps.setLong(17, versions[k]);
                Rows.add(ps, ops.size());
            }
            return Rows.execute(ps, ops.size());
        }
    }

    private static void bindRow(PreparedStatement ps, OperationRecord op) throws SQLException {
        ps.setString(1, op.executionId());
        ps.setString(2, op.operationId());
        ps.setString(3, op.parentId());
        ps.setString(4, name(op.type()));
        ps.setString(5, op.subType());
        ps.setString(6, op.name());
        ps.setString(7, name(op.status()));
        ps.setInt(8, op.attempt());
        ps.setString(9, op.result());
        setError(ps, 10, op.error());
        setInstant(ps, 13, op.scheduledAt());
        setInstant(ps, 14, op.startedAt());
        setInstant(ps, 15, op.endedAt());
    }

    /**
     * Updates whole rows by key, in one batch, each only if the fence of its checkpoint holds ({@link
     * ExecutionsTable#fence}), which it locks.
     *
     * @param versions the version of each operation's checkpoint
     * @return the update count of each update: 1 if the fence held and the row is there, 0 if the fence failed or
     *         the row is not there (yet), or what the driver reports when it does not know
     */
    int[] updateFenced(Connection c, List<OperationRecord> ops, long[] versions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(fencedUpdateSql)) {
            for (int k = 0; k < ops.size(); k++) {
                OperationRecord op = ops.get(k);
                ps.setString(1, op.parentId());
                ps.setString(2, name(op.type()));
                ps.setString(3, op.subType());
                ps.setString(4, op.name());
                ps.setString(5, name(op.status()));
                ps.setInt(6, op.attempt());
                ps.setString(7, op.result());
                setError(ps, 8, op.error());
                setInstant(ps, 11, op.scheduledAt());
                setInstant(ps, 12, op.startedAt());
                setInstant(ps, 13, op.endedAt());
                ps.setString(14, op.executionId());
                ps.setString(15, op.operationId());
                ps.setString(16, op.executionId());
                ps.setLong(17, versions[k]);
                Rows.add(ps, ops.size());
            }
            return Rows.execute(ps, ops.size());
        }
    }
}
