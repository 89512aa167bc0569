package dev.cairn.jdbc;

import static dev.cairn.jdbc.Rows.EXECUTION_COLUMNS;
import static dev.cairn.jdbc.Rows.forEachRow;
import static dev.cairn.jdbc.Rows.getInstant;
import static dev.cairn.jdbc.Rows.readExecution;

import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionStatus;
import dev.cairn.ExecutionSummary;
import dev.cairn.spi.ExecutionRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The reads of the executions table that list and count executions, for {@code listExecutions},
 * {@code countByStatus} and the stores' own listing by status. They only read; what writes the table is
 * {@link ExecutionsTable}'s.
 */
final class ExecutionListing {

    private final Tx tx;
    private final Dialect dialect;
    private final String executions;

    ExecutionListing(Tx tx, Dialect dialect, String prefix) {
        this.tx = tx;
        this.dialect = dialect;
        this.executions = prefix + "executions";
    }

    List<ExecutionRecord> list(ExecutionStatus status, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return tx.read("list executions", c -> {
            String where = status == null ? "" : " WHERE status = ?";
            try (PreparedStatement ps = c.prepareStatement(dialect.limit("SELECT " + EXECUTION_COLUMNS + " FROM "
                    + executions + where + " ORDER BY created_at DESC, id DESC"))) {
                int i = 1;
                if (status != null) {
                    ps.setString(i++, status.name());
                }
                ps.setInt(i, limit);
                List<ExecutionRecord> rows = new ArrayList<>();
                forEachRow(ps, rs -> rows.add(readExecution(rs)));
                return List.copyOf(rows);
            }
        });
    }

    /**
     * The executions a query lists, at most {@code query.limit() + 1}, newest first. The position is a keyset
     * bound with a plain range on {@code created_at} that every dialect's planner can use on the listing indexes;
     * several statuses are read as one sorted, limited branch per status, merged, so that each branch walks an
     * index in order instead of sorting every match.
     */
    List<ExecutionSummary> list(ExecutionQuery query) {
        return tx.read("list executions", c -> {
            List<Object> params = new ArrayList<>();
            String sql;
            int limit = query.limit() + 1;
            if (query.statuses() == null || query.statuses().size() == 1) {
                sql = listBranch(query, query.statuses() == null ? null : query.statuses().iterator().next(), params);
                params.add(limit);
            } else {
                StringBuilder union = new StringBuilder("SELECT * FROM (");
                String sep = "";
                for (ExecutionStatus status : new java.util.TreeSet<>(query.statuses())) {
                    union.append(sep).append('(').append(listBranch(query, status, params)).append(')');
                    params.add(limit);
                    sep = " UNION ALL ";
                }
                union.append(") listed ORDER BY created_at DESC, id DESC");
                sql = dialect.limit(union.toString());
                params.add(limit);
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    Object p = params.get(i);
                    if (p instanceof Integer n) {
                        ps.setInt(i + 1, n);
                    } else if (p instanceof Long n) {
                        ps.setLong(i + 1, n);
                    } else {
                        ps.setString(i + 1, (String) p);
                    }
                }
                List<ExecutionSummary> rows = new ArrayList<>();
                forEachRow(ps, rs -> rows.add(new ExecutionSummary(rs.getString(1), rs.getString(2), rs.getString(3),
                        ExecutionStatus.valueOf(rs.getString(4)), getInstant(rs, 5), getInstant(rs, 6),
                        getInstant(rs, 7), rs.getString(8), rs.getString(9))));
                return List.copyOf(rows);
            }
        });
    }

    /** One sorted, limited SELECT of {@link #list}, for one status or all; its parameters are added to {@code params}. */
    private String listBranch(ExecutionQuery q, ExecutionStatus status, List<Object> params) {
        StringBuilder where = new StringBuilder();
        if (q.function() != null) {
            where.append(" AND function_name = ?");
            params.add(q.function());
        }
        if (status != null) {
            where.append(" AND status = ?");
            params.add(status.name());
        }
        if (q.namePrefix() != null) {
            where.append(" AND name LIKE ? ESCAPE '!'");
            params.add(q.namePrefix().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        if (q.createdAfter() != null) {
            where.append(" AND created_at >= ?");
            params.add(q.createdAfter().toEpochMilli());
        }
        if (q.createdBefore() != null) {
            where.append(" AND created_at < ?");
            params.add(q.createdBefore().toEpochMilli());
        }
        if (q.parentId() != null) {
            where.append(" AND parent_id = ?");
            params.add(q.parentId());
        }
        if (q.after() != null) {
            long at = q.after().createdAt().toEpochMilli();
            where.append(" AND created_at <= ? AND (created_at < ? OR id < ?)");
            params.add(at);
            params.add(at);
            params.add(q.after().id());
        }
        return dialect.limit("SELECT id, name, function_name, status, created_at, ended_at, wake_at, parent_id,"
                + " error_type FROM " + executions + (where.length() == 0 ? "" : " WHERE" + where.substring(4))
                + " ORDER BY created_at DESC, id DESC");
    }

    Map<ExecutionStatus, Long> countByStatus() {
        return tx.read("count executions", c -> {
            Map<ExecutionStatus, Long> counts = new EnumMap<>(ExecutionStatus.class);
            for (ExecutionStatus s : ExecutionStatus.values()) {
                counts.put(s, 0L);
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM " + executions + " GROUP BY status")) {
                while (rs.next()) {
                    counts.put(ExecutionStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }
}
