package dev.cairn.jdbc;

import static dev.cairn.jdbc.Rows.EXECUTION_COLUMNS;
import static dev.cairn.jdbc.Rows.bindExecution;
import static dev.cairn.jdbc.Rows.chunks;
import static dev.cairn.jdbc.Rows.forEachRow;
import static dev.cairn.jdbc.Rows.getInstant;
import static dev.cairn.jdbc.Rows.ms;
import static dev.cairn.jdbc.Rows.placeholders;
import static dev.cairn.jdbc.Rows.readExecution;
import static dev.cairn.jdbc.Rows.setError;
import static dev.cairn.jdbc.Rows.setInstant;

import dev.cairn.ExecutionStatus;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore.CreateResult;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.StoreRules;
import dev.cairn.spi.StoreRules.Signalled;
import dev.cairn.spi.Transition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL of the executions table: creating executions, claims and leases, reads, cancel, signals, and the locks
 * and conditional updates the {@linkplain GroupCommit group commit} is made of. The listings and counts are
 * {@link ExecutionListing}'s.
 *
 * <p>Every statement that reads or writes given executions names one row by its primary key, so that its plan is
 * an index lookup whatever the table's size and statistics: several rows are several statements, in a JDBC batch
 * where the statement allows it. A transaction that locks several given rows locks them in id order.
 *
 * <p>It is long because it is the SQL that reads and writes given rows of one table, kept together so that a change
 * to the table's columns is made and reviewed in one place; the logic that decides which statement runs lives
 * elsewhere.
 */
final class ExecutionsTable {

    // The status and wake-up after a signal are computed in Java (StoreRules.Signalled) from a locked row, not in
    // SQL, whose SET clauses MySQL evaluates in order.
    private static final String SIGNAL_SQL = "UPDATE {executions}"
            + " SET signals = signals + ?, wake_at = ?, updated_at = ?, status = ? WHERE id = ?";

    private final Tx tx;
    private final Dialect dialect;
    private final String executions;
    private final String insertSql;
    /** The transition statement for each {@link TransitionGuard}, by ordinal. */
    private final String[] transitionSql;
    private final String claimSql;
    /** The columns of {@link Rows#EXECUTION_COLUMNS}, for a statement that returns the rows it updated. */
    private static final String[] EXECUTION_COLUMN_NAMES = EXECUTION_COLUMNS.split(", ");

    /**
     * Which rows a claim may take (see {@link dev.cairn.spi.ExecutionStore#claim}); its parameters are the
     * engine's now, the lease clock's now and the claiming owner.
     */
    private static final String CLAIMABLE = "(status = 'PENDING' OR (status = 'SUSPENDED' AND wake_at <= ?)"
            + " OR (status = 'RUNNING' AND (lease_until < ? OR owner = ?)))";

    /**
     * "The row is RUNNING", for statements that find their row by id. Written so that no index on {@code status} can
     * serve it: on a table without statistics (a new deployment, or one whose database never analyzes it) a planner
     * may otherwise pick an index led by {@code status} over the primary key, and read every running execution to
     * find the one it wants, on every checkpoint.
     */
    private static final String IS_RUNNING = "CONCAT(status, '') = 'RUNNING'";

    ExecutionsTable(Tx tx, Dialect dialect, String prefix) {
        this.tx = tx;
        this.dialect = dialect;
        this.executions = prefix + "executions";
        String transition = "UPDATE " + executions + " SET status = ?, wake_at = ?, output = ?, error_type = ?,"
                + " error_message = ?, error_stack = ?, owner = NULL, lease_until = NULL, ended_at = ?,"
                + " updated_at = ? WHERE id = ? AND version = ? AND " + IS_RUNNING + " AND cancel_reason IS NULL";
        this.insertSql = "INSERT INTO " + executions + " (" + EXECUTION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        this.transitionSql = new String[] {transition, transition + " AND signals = ?",
            transition + " AND parent_id IS NULL"};
        String claimSet = "UPDATE " + executions + " SET status = 'RUNNING', owner = ?, lease_until = ?,"
                + " version = version + 1, wake_at = NULL, updated_at = ?";
        this.claimSql = claimSet + " WHERE id = ? AND " + CLAIMABLE;
    }

    /**
     * The fence a checkpoint's statements carry, as the tail of an {@code INSERT ... SELECT} or the body of an
     * {@code EXISTS}: it selects the execution's row, and locks it until the commit, only if the execution is still
     * RUNNING at the version the run claimed with no cancel request. Its two parameters are the execution id and
     * that version. A statement with this fence writes nothing unless the fence holds, so it needs no separate read.
     */
    String fence() {
        return " FROM " + executions + " WHERE id = ? AND version = ? AND " + IS_RUNNING
                + " AND cancel_reason IS NULL FOR UPDATE";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Creating executions

    CreateResult create(NewExecution execution) {
        ExecutionRecord row = newRow(execution);
        CreateResult result = tx.inTransaction("create execution " + execution.id(), c -> {
            if (row.name() != null) {
                Optional<ExecutionRecord> existing = selectByName(c, row.name());
                if (existing.isPresent()) {
                    return new CreateResult(existing.get(), false);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                bindExecution(ps, row);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (row.name() != null && dialect.isUniqueViolation(e)) {
                    c.rollback();
                    return null; // most likely the name, taken concurrently: read it in a new transaction
                }
                throw e;
            }
            return new CreateResult(row, true);
        });
        if (result != null) {
            return result;
        }
        return tx.read("read execution named " + row.name(), c -> selectByName(c, row.name())
                .map(existing -> new CreateResult(existing, false))
                .orElseThrow(() -> new StoreException("could not insert execution " + row.id()
                        + ": a unique constraint failed, but no execution is named " + row.name())));
    }

    List<ExecutionRecord> createAll(List<NewExecution> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<ExecutionRecord> rows = new ArrayList<>(batch.size());
        for (NewExecution execution : batch) {
            if (execution.name() != null) {
                throw new IllegalArgumentException("createExecutions takes unnamed executions; " + execution.id()
                        + " is named " + execution.name());
            }
            rows.add(newRow(execution));
        }
        Tx.Work<List<ExecutionRecord>> insert = c -> {
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                for (ExecutionRecord row : rows) {
                    bindExecution(ps, row);
                    Rows.add(ps, rows.size());
                }
                Rows.execute(ps, rows.size());
            }
            return List.copyOf(rows);
        };
        String what = "create " + rows.size() + " execution(s)";
        // One insert is its own transaction: no round trip for a commit.
        return rows.size() == 1 ? tx.inAutoCommit(what, insert) : tx.inTransaction(what, insert);
    }

    /**
     * Inserts, in a group commit that holds the parent's row lock, an execution invoked by the parent's run, unless
     * one with its id or name exists (a replay of the invoke submits it again).
     */
    void createChild(Connection c, NewExecution child) throws SQLException {
        ExecutionRecord row = newRow(child);
        if (select(c, row.id(), false).isPresent()
                || (row.name() != null && selectByName(c, row.name()).isPresent())) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            bindExecution(ps, row);
            ps.executeUpdate();
        }
    }

    /** The row a new execution starts as. */
    private static ExecutionRecord newRow(NewExecution execution) {
        return StoreRules.newExecution(execution, Rows::ms);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Claims and leases

    Optional<ExecutionRecord> find(String executionId) {
        return tx.read("read execution " + StoreRules.quote(executionId),
                c -> select(c, executionId, false));
    }

    Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
                                    Instant leaseUntil) {
        Objects.requireNonNull(executionId, "executionId");
        if (dialect.returnsUpdatedRows()) {
            List<ExecutionRecord> claimed = claimAll(List.of(executionId), owner, now, leaseNow, leaseUntil);
            return claimed.isEmpty() ? Optional.empty() : Optional.of(claimed.get(0));
        }
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseNow, "leaseNow");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        return tx.inTransaction("claim execution " + StoreRules.quote(executionId), c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(claimSql)) {
                bindClaim(ps, executionId, owner, now, leaseNow, leaseUntil);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                return Optional.<ExecutionRecord>empty();
            }
            return select(c, executionId, false);
        });
    }

    /**
     * Claims several executions at once: a batch of the single-row claims by primary key, in id order. Where a
     * batch returns the rows it updated (PostgreSQL), that is one round trip in auto-commit mode, each claim its
     * own; elsewhere, one transaction that then reads each row that was claimed.
     */
    List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now, Instant leaseNow,
                                   Instant leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseNow, "leaseNow");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        List<String> ids = List.copyOf(new TreeSet<>(executionIds));
        if (ids.isEmpty()) {
            return List.of();
        }
        String what = ids.size() == 1 ? "claim execution " + StoreRules.quote(ids.get(0))
                : "claim " + ids.size() + " executions";
        if (dialect.returnsUpdatedRows()) {
            return tx.inAutoCommit(what, c -> {
                try (PreparedStatement ps = c.prepareStatement(claimSql, EXECUTION_COLUMN_NAMES)) {
                    for (String id : ids) {
                        bindClaim(ps, id, owner, now, leaseNow, leaseUntil);
                        Rows.add(ps, ids.size());
                    }
                    Rows.execute(ps, ids.size());
                    List<ExecutionRecord> rows = new ArrayList<>();
                    try (ResultSet rs = ps.getGeneratedKeys()) {
                        while (rs.next()) {
                            rows.add(readExecution(rs));
                        }
                    }
                    rows.sort(java.util.Comparator.comparing(ExecutionRecord::id));
                    return List.copyOf(rows);
                }
            });
        }
        return tx.inTransaction(what, c -> {
            int[] counts;
            try (PreparedStatement ps = c.prepareStatement(claimSql)) {
                for (String id : ids) {
                    bindClaim(ps, id, owner, now, leaseNow, leaseUntil);
                    Rows.add(ps, ids.size());
                }
                counts = Rows.execute(ps, ids.size());
            }
            List<ExecutionRecord> rows = new ArrayList<>();
            for (int k = 0; k < ids.size(); k++) {
                if (counts[k] == 0) {
                    continue;
                }
                Optional<ExecutionRecord> row = select(c, ids.get(k), false);
                // A count the driver did not give: the row says whether this claim took it.
                if (row.isPresent() && (counts[k] > 0 || (row.get().status() == ExecutionStatus.RUNNING
                        && owner.equals(row.get().owner()) && ms(leaseUntil).equals(row.get().leaseUntil())))) {
                    rows.add(row.get());
                }
            }
            return List.copyOf(rows);
        });
    }

    private static void bindClaim(PreparedStatement ps, String executionId, String owner, Instant now,
                                  Instant leaseNow, Instant leaseUntil) throws SQLException {
        ps.setString(1, owner);
        setInstant(ps, 2, leaseUntil);
        setInstant(ps, 3, now);
        ps.setString(4, executionId);
        setInstant(ps, 5, now);
        setInstant(ps, 6, leaseNow);
        ps.setString(7, owner);
    }

    List<DueExecution> findDue(Instant until, int limit) {
        return due(null, until, limit);
    }

    List<DueExecution> findDueBetween(Instant from, Instant until, int limit) {
        Objects.requireNonNull(from, "from");
        return due(from, until, limit);
    }

    /**
     * The due executions with {@code from <= wake_at <= until} (no lower bound if {@code from} is null), earliest
     * first: one query per due status, each a range of the (status, wake_at) index read in its order and cut at
     * {@code limit} rows, so that neither reads the rest of the range nor sorts it. (One query for both statuses
     * would read the two ranges whole and sort them: an index on (status, wake_at) is in wake_at order within one
     * status only.)
     */
    private List<DueExecution> due(Instant from, Instant until, int limit) {
        Objects.requireNonNull(until, "until");
        if (limit <= 0) {
            return List.of();
        }
        String range = (from == null ? "" : " AND wake_at >= ?") + " AND wake_at <= ?";
        String pending = dialect.limit("SELECT id, wake_at FROM " + executions + " WHERE status = 'PENDING'" + range
                + " ORDER BY status, wake_at");
        String suspended = dialect.limit("SELECT id, wake_at FROM " + executions + " WHERE status = 'SUSPENDED'"
                + range + " ORDER BY status, wake_at");
        return tx.read("find due executions", c -> {
            try (PreparedStatement ps = c.prepareStatement("(" + pending + ") UNION ALL (" + suspended + ")")) {
                int i = 1;
                for (int k = 0; k < 2; k++) {
                    if (from != null) {
                        setInstant(ps, i++, from);
                    }
                    setInstant(ps, i++, until);
                    ps.setInt(i++, limit);
                }
                List<DueExecution> due = new ArrayList<>();
                forEachRow(ps, rs -> due.add(new DueExecution(rs.getString(1), getInstant(rs, 2))));
                due.sort(DueExecution.ORDER);
                return List.copyOf(due.size() > limit ? due.subList(0, limit) : due);
            }
        });
    }

    List<String> findExpiredLeases(Instant leaseNow, int limit) {
        Objects.requireNonNull(leaseNow, "leaseNow");
        if (limit <= 0) {
            return List.of();
        }
        return tx.read("find expired leases", c -> {
            try (PreparedStatement ps = c.prepareStatement(dialect.limit("SELECT id FROM " + executions
                    + " WHERE status = 'RUNNING' AND lease_until < ? ORDER BY lease_until, id"))) {
                setInstant(ps, 1, leaseNow);
                ps.setInt(2, limit);
                List<String> ids = new ArrayList<>();
                forEachRow(ps, rs -> ids.add(rs.getString(1)));
                return List.copyOf(ids);
            }
        });
    }

    /**
     * Renews the leases of those of {@code executionIds} that {@code owner} still holds: one batch of single-row
     * updates by primary key, in id order, whose plans cannot degrade however large the table grows. The caller
     * keeps renewals and group commits of one store apart (see {@link JdbcExecutionStore#renewLeases}).
     */
    Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        List<String> ids = List.copyOf(new TreeSet<>(executionIds));
        if (ids.isEmpty()) {
            return Set.of();
        }
        return tx.inTransaction("renew the leases of " + owner, c -> {
            Set<String> renewed = new LinkedHashSet<>();
            List<String> unsure = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions + " SET lease_until = ?"
                    + " WHERE id = ? AND " + IS_RUNNING + " AND owner = ?")) {
                for (String id : ids) {
                    setInstant(ps, 1, leaseUntil);
                    ps.setString(2, id);
                    ps.setString(3, owner);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] > 0) {
                        renewed.add(ids.get(k));
                    } else if (counts[k] != 0) {
                        unsure.add(ids.get(k)); // the driver did not say: read the row
                    }
                }
            }
            for (String id : unsure) {
                Optional<ExecutionRecord> row = select(c, id, false);
                if (row.isPresent() && row.get().status() == ExecutionStatus.RUNNING
                        && owner.equals(row.get().owner()) && leaseUntil.equals(row.get().leaseUntil())) {
                    renewed.add(id);
                }
            }
            return Set.copyOf(renewed);
        });
    }

    int releaseOwned(String owner, Instant now) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        return tx.inTransaction("release the executions of " + owner, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                    + " SET status = 'PENDING', wake_at = ?, owner = NULL, lease_until = NULL, updated_at = ?"
                    + " WHERE status = 'RUNNING' AND owner = ?")) {
                setInstant(ps, 1, now);
                setInstant(ps, 2, now);
                ps.setString(3, owner);
                return ps.executeUpdate();
            }
        });
    }

    int releaseAllRunning(Instant now) {
        Objects.requireNonNull(now, "now");
        return tx.inTransaction("release running executions", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                    + " SET status = 'PENDING', wake_at = ?, owner = NULL, lease_until = NULL, updated_at = ?"
                    + " WHERE status = 'RUNNING'")) {
                setInstant(ps, 1, now);
                setInstant(ps, 2, now);
                return ps.executeUpdate();
            }
        });
    }

    int unpark(Collection<String> functions, Instant now) {
        Objects.requireNonNull(now, "now");
        List<String> names = List.copyOf(new LinkedHashSet<>(functions));
        if (names.isEmpty()) {
            return 0;
        }
        return tx.inTransaction("unpark executions", c -> {
            int count = 0;
            for (List<String> chunk : chunks(names)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                        + " SET status = 'PENDING', wake_at = ?, error_type = NULL, error_message = NULL,"
                        + " error_stack = NULL, updated_at = ? WHERE status = 'PARKED' AND function_name IN ("
                        + placeholders(chunk.size()) + ")")) {
                    setInstant(ps, 1, now);
                    setInstant(ps, 2, now);
                    int i = 3;
                    for (String name : chunk) {
                        ps.setString(i++, name);
                    }
                    count += ps.executeUpdate();
                }
            }
            return count;
        });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Cancel

    CancelResult cancel(String executionId, String reason, Instant now) {
        Objects.requireNonNull(now, "now");
        String why = StoreRules.cancelReason(reason);
        return tx.inTransaction("cancel execution " + StoreRules.quote(executionId), c -> {
            // The parent (signalled below) sorts before its child: lock both now, in id order.
            Set<String> toLock = new TreeSet<>();
            String invoker = parentOf(c, executionId);
            if (invoker != null) {
                toLock.add(invoker);
            }
            toLock.add(executionId);
            lockFences(c, toLock);
            // A locking read, so that it sees the row as it is now: a plain read may see the snapshot of the
            // transaction's first read (MySQL and MariaDB), taken before the lock.
            Optional<ExecutionRecord> found = select(c, executionId, true);
            CancelResult result = StoreRules.cancel(found.map(ExecutionRecord::status).orElse(null));
            if (result.outcome() == CancelResult.Outcome.REQUESTED) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                        + " SET cancel_reason = COALESCE(cancel_reason, ?), signals = signals + 1, updated_at = ?"
                        + " WHERE id = ?")) {
                    ps.setString(1, why);
                    setInstant(ps, 2, now);
                    ps.setString(3, executionId);
                    ps.executeUpdate();
                }
            } else if (result.outcome() == CancelResult.Outcome.CANCELLED) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                        + " SET signals = signals + 1, output = NULL, error_type = ?, error_message = ?,"
                        + " error_stack = NULL, wake_at = NULL, owner = NULL, lease_until = NULL, ended_at = ?,"
                        + " updated_at = ?, status = 'CANCELLED' WHERE id = ?")) {
                    ps.setString(1, StoreRules.CANCELLED_ERROR_TYPE);
                    ps.setString(2, why);
                    setInstant(ps, 3, now);
                    setInstant(ps, 4, now);
                    ps.setString(5, executionId);
                    ps.executeUpdate();
                }
                String parentId = found.get().parentId();
                if (parentId != null) {
                    Optional<ExecutionRecord> parent = select(c, parentId, true);
                    if (parent.isPresent() && !parent.get().status().isTerminal()) {
                        signal(c, parent.get(), now);
                    }
                }
            }
            return result;
        });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading and locking rows, within a transaction

    Optional<ExecutionRecord> select(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + EXECUTION_COLUMNS + " FROM " + executions
                + " WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readExecution(rs)) : Optional.empty();
            }
        }
    }

    private Optional<ExecutionRecord> selectByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + EXECUTION_COLUMNS + " FROM " + executions
                + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readExecution(rs)) : Optional.empty();
            }
        }
    }

    /**
     * The execution that started {@code childId} by {@code invoke}, or {@code null}. A parent id never changes, so
     * it is read without a lock.
     */
    String parentOf(Connection c, String childId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT parent_id FROM " + executions + " WHERE id = ?")) {
            ps.setString(1, childId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The fence columns of a locked execution row, and its wake-up (what a signal needs). */
    record FenceRow(ExecutionStatus status, long version, String cancelReason, Instant wakeAt) {

        /** Whether a checkpoint of a run that claimed {@code claimed} may be applied, cancel requests aside. */
        boolean heldAt(long claimed) {
            return status == ExecutionStatus.RUNNING && version == claimed;
        }

        Signalled signalled() {
            return new Signalled(status, wakeAt);
        }
    }

    /**
     * Locks the row of {@code id} and reads its fence columns, or returns {@code null} if there is no such row. A
     * single-row statement by primary key: its plan is an index lookup whatever the table's size or statistics.
     */
    FenceRow lockFence(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, version, cancel_reason, wake_at FROM "
                + executions + " WHERE id = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new FenceRow(ExecutionStatus.valueOf(rs.getString(1)), rs.getLong(2),
                        rs.getString(3), getInstant(rs, 4)) : null;
            }
        }
    }

    /**
     * Locks the rows of {@code ids} with one statement per {@value Rows#IN_LIST_CHUNK} ids, in id order ({@code
     * ORDER BY id FOR UPDATE} locks each row as it is returned), and reads their fence columns, by id. Only for a
     * database that plans each statement as it runs it ({@link Dialect#batchesInsertSelect}): a plan cached for
     * one length of list could not serve another.
     */
    Map<String, FenceRow> lockFencesListed(Connection c, Collection<String> ids) throws SQLException {
        Map<String, FenceRow> rows = new HashMap<>();
        for (List<String> chunk : chunks(List.copyOf(new TreeSet<>(ids)))) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status, version, cancel_reason, wake_at FROM "
                    + executions + " WHERE id IN (" + placeholders(chunk.size()) + ") ORDER BY id FOR UPDATE")) {
                int k = 1;
                for (String id : chunk) {
                    ps.setString(k++, id);
                }
                forEachRow(ps, rs -> rows.put(rs.getString(1), new FenceRow(ExecutionStatus.valueOf(rs.getString(2)),
                        rs.getLong(3), rs.getString(4), getInstant(rs, 5))));
            }
        }
        return rows;
    }

    /**
     * Locks the rows of {@code ids} one by one, in id order, and reads their fence columns, by id: a parent before
     * the executions it invoked (a child's id extends its parent's), the order in which every transaction of this
     * store that locks several given execution rows takes them.
     */
    Map<String, FenceRow> lockFences(Connection c, Collection<String> ids) throws SQLException {
        Map<String, FenceRow> rows = new HashMap<>();
        for (String id : new TreeSet<>(ids)) {
            FenceRow row = lockFence(c, id);
            if (row != null) {
                rows.put(id, row);
            }
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Signals

    /** {@code count} signals counted on execution {@code id}, which they leave as {@code state}, at {@code now}. */
    record SignalUpdate(String id, int count, Signalled state, Instant now) {
    }

    /** Counts one signal on a locked execution row (see {@link Signalled}). @return the status after it */
    ExecutionStatus signal(Connection c, ExecutionRecord e, Instant now) throws SQLException {
        Signalled state = Signalled.of(e).signal(now);
        try (PreparedStatement ps = c.prepareStatement(SIGNAL_SQL.replace("{executions}", executions))) {
            bindSignal(ps, new SignalUpdate(e.id(), 1, state, now));
            ps.executeUpdate();
        }
        return state.status();
    }

    /**
     * Counts one signal on a locked execution row that it leaves PENDING, and claims the execution for {@code
     * claimant} in the same statement, as {@link #claim} would right after it. @return the claimed row
     */
    ExecutionRecord signalAndClaim(Connection c, ExecutionRecord e, Instant now, Claimant claimant)
            throws SQLException {
        Claimant at = new Claimant(claimant.owner(), claimant.leaseNow(), ms(claimant.leaseUntil()));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions + " SET signals = signals + 1,"
                + " status = 'RUNNING', owner = ?, lease_until = ?, version = version + 1, wake_at = NULL,"
                + " updated_at = ? WHERE id = ?")) {
            ps.setString(1, at.owner());
            setInstant(ps, 2, at.leaseUntil());
            setInstant(ps, 3, now);
            ps.setString(4, e.id());
            ps.executeUpdate();
        }
        return StoreRules.claimed(e.toBuilder().signals(e.signals() + 1).build(), at, now);
    }

    /** Applies {@code updates} to locked execution rows, in one batch. */
    void signal(Connection c, List<SignalUpdate> updates) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SIGNAL_SQL.replace("{executions}", executions))) {
            for (SignalUpdate update : updates) {
                bindSignal(ps, update);
                ps.addBatch();
            }
            if (!updates.isEmpty()) {
                ps.executeBatch();
            }
        }
    }

    private static void bindSignal(PreparedStatement ps, SignalUpdate update) throws SQLException {
        ps.setInt(1, update.count());
        setInstant(ps, 2, update.state().wakeAt());
        setInstant(ps, 3, update.now());
        ps.setString(4, update.state().status().name());
        ps.setString(5, update.id());
    }

    // ------------------------------------------------------------------------------------------------------------
    // The group commit's updates

    /**
     * Ends the fenced executions of {@code checkpoints}, which have a pending cancel request, as CANCELLED with
     * their cancel reason, in one batch.
     */
    void cancelRequested(Connection c, List<Checkpoint> checkpoints) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                + " SET status = 'CANCELLED', output = NULL, error_type = ?, error_message = cancel_reason,"
                + " error_stack = NULL, wake_at = NULL, owner = NULL, lease_until = NULL, ended_at = ?,"
                + " updated_at = ? WHERE id = ? AND version = ? AND " + IS_RUNNING)) {
            for (Checkpoint cp : checkpoints) {
                ps.setString(1, StoreRules.CANCELLED_ERROR_TYPE);
                setInstant(ps, 2, cp.now());
                setInstant(ps, 3, cp.now());
                ps.setString(4, cp.executionId());
                ps.setLong(5, cp.version());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Which executions a batch of transitions applies to, beyond its fence. */
    enum TransitionGuard {
        /** Any. */
        NONE,
        /** Suspensions: only if no signal arrived since the run began (the signal count is unchanged). */
        NO_SIGNAL,
        /** Ends: only if no execution invoked this one, so that there is no parent to signal. */
        NO_PARENT
    }

    /**
     * Applies the transitions of {@code checkpoints}, in one batch, where the execution is still RUNNING at the
     * checkpoint's version with no cancel request, and {@code guard} holds: each statement is its own fence.
     *
     * @return the update count of each checkpoint's statement, as the driver reports it
     */
    int[] transition(Connection c, List<Checkpoint> checkpoints, TransitionGuard guard) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(transitionSql[guard.ordinal()])) {
            for (Checkpoint cp : checkpoints) {
                bindTransition(ps, cp);
                ps.setLong(10, cp.version());
                if (guard == TransitionGuard.NO_SIGNAL) {
                    ps.setLong(11, cp.transition().signals());
                }
                Rows.add(ps, checkpoints.size());
            }
            return Rows.execute(ps, checkpoints.size());
        }
    }

    private static void bindTransition(PreparedStatement ps, Checkpoint cp) throws SQLException {
        Transition t = cp.transition();
        boolean terminal = t.status().isTerminal();
        boolean due = t.status() == ExecutionStatus.SUSPENDED || t.status() == ExecutionStatus.PENDING;
        ps.setString(1, t.status().name());
        setInstant(ps, 2, due ? t.wakeAt() : null);
        ps.setString(3, t.output());
        setError(ps, 4, t.error());
        setInstant(ps, 7, terminal ? cp.now() : null);
        setInstant(ps, 8, cp.now());
        ps.setString(9, cp.executionId());
    }
}
