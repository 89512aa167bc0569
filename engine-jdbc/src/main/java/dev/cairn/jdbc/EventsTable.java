package dev.cairn.jdbc;

import static dev.cairn.jdbc.Rows.checkBatch;
import static dev.cairn.jdbc.Rows.forEachRow;
import static dev.cairn.jdbc.Rows.getError;
import static dev.cairn.jdbc.Rows.getInstant;
import static dev.cairn.jdbc.Rows.setError;
import static dev.cairn.jdbc.Rows.setInstant;

import dev.cairn.HistoryEventType;
import dev.cairn.spi.EventRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the events table: the history events appended with checkpoints and heartbeats ({@link EventRecord}),
 * read back in the order they were appended (by their generated id).
 */
final class EventsTable {

    private static final String COLUMNS = "execution_id, type, event_at, operation_id, attempt, scheduled_at,"
            + " error_type, error_message, error_stack";

    private final Tx tx;
    private final String events;
    private final String insertSql;

    EventsTable(Tx tx, String prefix) {
        this.tx = tx;
        this.events = prefix + "events";
        this.insertSql = "INSERT INTO " + events + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /** Appends {@code rows}, in order, in one batch, in the caller's transaction. */
    void insert(Connection c, List<EventRecord> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            for (EventRecord e : rows) {
                ps.setString(1, e.executionId());
                ps.setString(2, e.type().name());
                setInstant(ps, 3, e.at());
                ps.setString(4, e.operationId());
                ps.setInt(5, e.attempt());
                setInstant(ps, 6, e.scheduledAt());
                setError(ps, 7, e.error());
                ps.addBatch();
            }
            checkBatch(ps.executeBatch(), "append history events");
        }
    }

    /** The events of an execution, in the order they were appended. */
    List<EventRecord> select(String executionId) {
        return tx.read("load the history events of " + executionId, c -> {
            List<EventRecord> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + events
                    + " WHERE execution_id = ? ORDER BY id")) {
                ps.setString(1, executionId);
                forEachRow(ps, rs -> rows.add(new EventRecord(rs.getString(1), HistoryEventType.valueOf(rs.getString(2)),
                        getInstant(rs, 3), rs.getString(4), rs.getInt(5), getInstant(rs, 6), getError(rs, 7))));
            }
            return List.copyOf(rows);
        });
    }
}
