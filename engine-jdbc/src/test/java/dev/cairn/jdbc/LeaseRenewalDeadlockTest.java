package dev.cairn.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lease renewal and group commits lock the same execution rows at the same time: a node's scheduler renews the
 * leases of all its RUNNING executions in one transaction while its checkpoint writers fence (lock) subsets of
 * them. If the two took the rows in different orders they would deadlock, and the database would kill one of
 * them. This must never happen.
 *
 * <p>The store is built on a data source that observes every {@link SQLException} its statements throw, so that
 * deadlocks are counted even when the store's own retries hide them from the caller. The executions' ids are
 * inserted in random order, so that their physical order in the table differs from their id order. Two threads
 * renew: on PostgreSQL an update writes a new version of the row, often elsewhere in the table, so the order in
 * which a scan meets the rows changes from one statement's snapshot to the next; two renewals keep the rows
 * moving enough for an inconsistent order to show within seconds (and two renewals of one owner at once must not
 * deadlock either).
 *
 * <p>Subclasses name the database.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class LeaseRenewalDeadlockTest {

    private static final String NODE = "node-a";
    private static final int EXECUTIONS = 300;
    private static final int COMMITTERS = 6;
    private static final int RENEWERS = 2;
    private static final Duration LOAD = Duration.ofSeconds(6);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    /** A pool on the database under test, with room for {@value #COMMITTERS} + {@value #RENEWERS} connections. */
    protected abstract HikariDataSource openPool();

    private HikariDataSource pool;
    private String prefix;
    private final ConcurrentLinkedQueue<Failure> statementFailures = new ConcurrentLinkedQueue<>();
    private JdbcExecutionStore store;

    @BeforeEach
    void createStore() {
        pool = openPool();
        prefix = TestDatabases.randomPrefix();
        store = JdbcExecutionStore.builder(observed(pool)).tablePrefix(prefix).build();
        store.initialize();
        // Migrating probes for the version table of a prefix that has none yet: a failure by design.
        statementFailures.clear();
    }

    @AfterEach
    void dropTables() {
        TestDatabases.dropTables(pool, prefix);
        pool.close();
    }

    @Test
    void renewingLeasesWhileGroupCommitsFenceTheSameExecutionsNeverDeadlocks() throws Exception {
        renewWhileCommitting(false);
    }

    /**
     * The same, with group commits whose checkpoints are of several kinds: some insert an operation, others only
     * update one. A group commit runs one batch per kind of statement, so it meets the rows of its checkpoints in
     * id order within each batch but not across them. Each committer owns a share of the executions, as each
     * writer of an engine does: the checkpoints of one execution come from one writer.
     */
    @Test
    void renewingLeasesWhileGroupCommitsOfInsertsAndUpdatesFenceTheSameExecutionsNeverDeadlocks() throws Exception {
        renewWhileCommitting(true);
    }

    private void renewWhileCommitting(boolean withUpdates) throws Exception {
        Instant leaseUntil = Instant.now().plus(Duration.ofHours(1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EXECUTIONS; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        Collections.sort(ids);
        List<String> insertionOrder = new ArrayList<>(ids);
        Collections.shuffle(insertionOrder);
        for (String id : insertionOrder) {
            store.createExecution(new NewExecution(id, null, "fn", "\"in\"", T0, NODE, leaseUntil, null));
        }
        AtomicLong operationsInserted = new AtomicLong();
        if (withUpdates) {
            // One operation per execution, for the checkpoints that update rather than insert.
            List<Checkpoint> first = new ArrayList<>();
            for (String id : ids) {
                first.add(new Checkpoint(id, 1, List.of(step(id, "updated")), List.of(), List.of(), null, T0));
            }
            store.commit(first);
            operationsInserted.addAndGet(ids.size());
        }

        AtomicLong operationIds = new AtomicLong();
        AtomicLong checkpointsApplied = new AtomicLong();
        AtomicLong groupCommits = new AtomicLong();
        AtomicLong renewals = new AtomicLong();
        ConcurrentLinkedQueue<String> thrown = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + LOAD.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(COMMITTERS + RENEWERS);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < COMMITTERS; t++) {
                // Checkpoints with updates come from writers that each own a share of the executions, as an
                // engine's writers do; inserts alone may come from any committer for any execution.
                List<String> mine = new ArrayList<>();
                for (int k = 0; k < ids.size(); k++) {
                    if (!withUpdates || k % COMMITTERS == t) {
                        mine.add(ids.get(k));
                    }
                }
                futures.add(threads.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() < deadline) {
                        List<String> subset = new ArrayList<>(mine);
                        Collections.shuffle(subset, random);
                        List<Checkpoint> batch = new ArrayList<>();
                        int inserts = 0;
                        for (String id : subset.subList(0, Math.min(subset.size(), random.nextInt(10, 51)))) {
                            if (withUpdates && random.nextBoolean()) {
                                batch.add(new Checkpoint(id, 1, List.of(), List.of(step(id, "updated")),
                                        List.of(), null, T0.plusSeconds(1)));
                            } else {
                                batch.add(new Checkpoint(id, 1, List.of(step(id, "op-" + operationIds.incrementAndGet())),
                                        List.of(), List.of(), null, T0.plusSeconds(1)));
                                inserts++;
                            }
                        }
                        try {
                            List<CommitOutcome> outcomes = store.commit(batch);
                            groupCommits.incrementAndGet();
                            operationsInserted.addAndGet(inserts);
                            for (CommitOutcome outcome : outcomes) {
                                if (outcome == CommitOutcome.APPLIED) {
                                    checkpointsApplied.incrementAndGet();
                                } else {
                                    thrown.add("commit: a checkpoint of a RUNNING execution at its version was " + outcome);
                                }
                            }
                        } catch (RuntimeException e) {
                            thrown.add("commit: " + batch.size() + " checkpoints failed: " + causes(e));
                        }
                    }
                }));
            }
            for (int t = 0; t < RENEWERS; t++) {
                futures.add(threads.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        try {
                            int renewed = store.renewLeases(NODE, ids, leaseUntil).size();
                            renewals.incrementAndGet();
                            if (renewed != EXECUTIONS) {
                                thrown.add("renewLeases: renewed " + renewed + " of " + EXECUTIONS + " leases");
                            }
                        } catch (RuntimeException e) {
                            thrown.add("renewLeases: " + causes(e));
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(LOAD.toSeconds() + 40, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        List<Failure> deadlocks = statementFailures.stream().filter(Failure::isDeadlock).toList();
        Map<String, Long> deadlocksByStatement = deadlocks.stream()
                .collect(Collectors.groupingBy(f -> f.kind() + " " + f.sqlState(), TreeMap::new, Collectors.counting()));
        String summary = store + ": " + EXECUTIONS + " executions, " + LOAD.toSeconds() + " s of " + COMMITTERS
                + " committing and " + RENEWERS + " renewing threads: " + groupCommits + " group commits ("
                + checkpointsApplied + " checkpoints), " + renewals + " renewals; deadlocks seen by statements "
                + deadlocks.size() + " " + deadlocksByStatement + ", failures thrown to callers " + thrown.size()
                + " " + thrown.stream().collect(Collectors.groupingBy(m -> m.substring(0, m.indexOf(':')), TreeMap::new,
                        Collectors.counting()))
                + ", other statement failures " + (statementFailures.size() - deadlocks.size());
        System.out.println(summary);
        if (!thrown.isEmpty() || !statementFailures.isEmpty()) {
            fail(summary + "\nthrown to callers (first 5):\n  " + thrown.stream().limit(5)
                    .collect(Collectors.joining("\n  ")) + "\nstatement failures (first 5):\n  "
                    + statementFailures.stream().limit(5).map(Failure::toString).collect(Collectors.joining("\n  ")));
        }
        assertTrue(groupCommits.get() > 0 && renewals.get() > 0, "no load was applied: " + summary);
        assertEquals(withUpdates ? operationsInserted.get() : checkpointsApplied.get(), countOperations(),
                "operation rows after the acknowledged checkpoints");
    }

    private static OperationRecord step(String executionId, String operationId) {
        return new OperationRecord(executionId, operationId, null, OperationType.STEP, null, "step",
                OperationStatus.SUCCEEDED, 1, "\"done\"", null, T0, T0, T0.plusSeconds(1));
    }

    private long countOperations() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix + "operations")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The messages and SQLStates of an exception's causes. */
    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(sb.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName());
            if (t instanceof SQLException s) {
                sb.append('[').append(s.getSQLState()).append(']');
            }
            sb.append(' ').append(t.getMessage());
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Observing the statements' failures

    /** A failure of one statement (or of a commit), as the driver threw it. */
    record Failure(String sqlState, int errorCode, String kind, String message) {

        /**
         * A deadlock: 40P01 on PostgreSQL; 40001 on MariaDB (error 1213) and H2. PostgreSQL's 40001, a
         * serialization failure, cannot happen at READ COMMITTED, which the store uses there.
         */
        boolean isDeadlock() {
            return "40P01".equals(sqlState) || "40001".equals(sqlState);
        }
    }

    /**
     * The pool, seen through proxies that record every {@link SQLException} its connections and statements throw,
     * with what kind of statement threw it, before the store sees (and perhaps retries) it.
     */
    private DataSource observed(DataSource target) {
        return proxy(DataSource.class, target, null);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, Object target, String sql) {
        InvocationHandler handler = (self, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException s) {
                    record(s, sql != null ? sql : method.getName());
                }
                throw cause;
            }
            Class<?> returned = method.getReturnType();
            if (result != null && returned.isInterface()
                    && (returned == Connection.class || Statement.class.isAssignableFrom(returned))) {
                String text = args != null && args.length > 0 && args[0] instanceof String s ? s : sql;
                return proxy(returned, result, text);
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
    }

    private void record(SQLException e, String sql) {
        // A batch reports the failure of its statement as the next exception of a BatchUpdateException.
        SQLException found = e;
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null && x.getSQLState().startsWith("40")) {
                found = x;
                break;
            }
        }
        statementFailures.add(new Failure(found.getSQLState(), found.getErrorCode(), kind(sql), found.getMessage()));
    }

    private static String kind(String sql) {
        if (sql.contains("SET lease_until")) {
            return "lease renewal";
        }
        if (sql.startsWith("INSERT INTO") && sql.contains("operations")) {
            return "operation insert";
        }
        if (sql.startsWith("UPDATE") && sql.contains("operations")) {
            return "operation update";
        }
        if (sql.contains("FOR UPDATE")) {
            return "fence read";
        }
        return sql.length() > 60 ? sql.substring(0, 60) + "..." : sql;
    }
}
