package dev.cairn.jdbc.crash;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.StartOptions;
import dev.cairn.StepContext;
import dev.cairn.StepFailedException;
import dev.cairn.StepInterruptedException;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.spi.ExecutionRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The child JVM of {@link CrashRecoveryTest}: opens the H2 file database, starts (idempotently) {@code count}
 * executions of {@link CrashWorkflow} and runs until all of them have ended, unless the test kills it first.
 *
 * <p>Arguments: {@code <db file without .mv.db> <run number> <exclusive: true|false> <count> <max seconds>}.
 *
 * <p>Stdout protocol read by the test: {@code STARTED ...} once the engine has started, {@code STATUS ...} lines
 * every 100 ms, {@code ALL DONE} once every execution has ended (then the process exits 0).
 */
public final class CrashWorker {

    /** The marker printed once the engine has started. */
    static final String STARTED = "STARTED";
    /** The marker printed once every execution has ended. */
    static final String ALL_DONE = "ALL DONE";
    /** Printed by a shutdown hook: must never appear in the output of a killed child. */
    static final String SHUTDOWN_HOOK = "SHUTDOWN HOOK RAN";

    static final Duration LEASE = Duration.ofSeconds(2);
    /** Worker threads: fewer than executions, so that work queues up and lasts across several kills. */
    static final int CONCURRENCY = 8;

    private CrashWorker() {
    }

    // ------------------------------------------------------------------------------------------ the plan

    /** What kind of operation each entry of the plan is. */
    enum Kind {
        /** AT_LEAST_ONCE_PER_RETRY step (the default semantics). */
        ALO,
        /** AT_MOST_ONCE_PER_RETRY step with {@code RetryStrategies.none()}. */
        AMO_ONCE,
        /** AT_MOST_ONCE_PER_RETRY step with retries. */
        AMO_RETRY,
        /** A durable wait. */
        WAIT;

        boolean atMostOnce() {
            return this == AMO_ONCE || this == AMO_RETRY;
        }
    }

    /**
     * One operation of the workflow.
     *
     * @param index  its position (1-based) among the steps, used for the step's value
     * @param name   its name
     * @param kind   what it is
     * @param config the step's config (null for a wait)
     * @param flakyModulo the first attempt throws for inputs {@code i % flakyModulo == flakyRemainder} (0: never)
     */
    record Op(int index, String name, Kind kind, StepConfig config, int flakyModulo, int flakyRemainder) {
        boolean flaky(int input) {
            return flakyModulo > 0 && input % flakyModulo == flakyRemainder;
        }
    }

    static final StepConfig ALO_DEFAULT = StepConfig.defaults();
    static final StepConfig ALO_FLAKY = StepConfig.builder()
            .retryStrategy(RetryStrategies.fixedDelay(4, Duration.ofMillis(50))).build();
    static final StepConfig AMO_ONCE = StepConfig.builder().semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY)
            .retryStrategy(RetryStrategies.none()).build();
    static final StepConfig AMO_RETRY = StepConfig.builder().semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY)
            .retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofMillis(50))).build();
    static final StepConfig AMO_RETRY_FAST = StepConfig.builder().semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY)
            .retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofMillis(30))).build();

    /** The workflow: 8 steps and 2 waits. */
    static final List<Op> PLAN = List.of(
            new Op(1, "s1-alo", Kind.ALO, ALO_DEFAULT, 0, 0),
            new Op(2, "s2-amo-once", Kind.AMO_ONCE, AMO_ONCE, 0, 0),
            new Op(0, "w1", Kind.WAIT, null, 0, 0),
            new Op(3, "s3-alo-flaky", Kind.ALO, ALO_FLAKY, 3, 0),
            new Op(4, "s4-amo-retry", Kind.AMO_RETRY, AMO_RETRY, 0, 0),
            new Op(5, "s5-alo", Kind.ALO, ALO_DEFAULT, 0, 0),
            new Op(0, "w2", Kind.WAIT, null, 0, 0),
            new Op(6, "s6-amo-once", Kind.AMO_ONCE, AMO_ONCE, 0, 0),
            new Op(7, "s7-amo-retry-flaky", Kind.AMO_RETRY, AMO_RETRY_FAST, 4, 1),
            new Op(8, "s8-alo", Kind.ALO, ALO_DEFAULT, 0, 0));

    static String executionName(int input) {
        return "exec-" + input;
    }

    static int stepValue(int input, Op op) {
        return input * 100 + op.index();
    }

    static long waitMillis(int input, Op op) {
        return op.name().equals("w1") ? 50 + (input * 37L) % 250 : 50 + (input * 53L) % 250;
    }

    /** The result an execution must end with, given which at-most-once steps failed (were interrupted). */
    static String expectedResult(int input, Collection<String> interrupted) {
        long sum = 0;
        for (Op op : PLAN) {
            if (op.kind() != Kind.WAIT && !interrupted.contains(op.name())) {
                sum += stepValue(input, op);
            }
        }
        return executionName(input) + " sum=" + sum + " interrupted=" + new TreeSet<>(interrupted);
    }

    /** The H2 URL, with the same durability options as {@code JdbcExecutionStore.h2(...)}. */
    static String url(Path dbFile) {
        return "jdbc:h2:file:" + dbFile.toAbsolutePath()
                + ";WRITE_DELAY=0"
                + ";DB_CLOSE_ON_EXIT=FALSE"
                + ";LOCK_TIMEOUT=10000";
    }

    /** A pool on the H2 file, shared by the store and the side-effect tables. */
    static HikariDataSource openPool(Path dbFile, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDriverClassName("org.h2.Driver");
        config.setJdbcUrl(url(dbFile));
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(1);
        config.setMaxLifetime(0);
        return new HikariDataSource(config);
    }

    static void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS side_effects ("
                    + " seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " execution VARCHAR(64) NOT NULL, step_name VARCHAR(64) NOT NULL, attempt INT NOT NULL,"
                    + " run_no INT NOT NULL, at_ms BIGINT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS acks ("
                    + " execution VARCHAR(64) NOT NULL, step_name VARCHAR(64) NOT NULL, ack_seq BIGINT NOT NULL,"
                    + " outcome VARCHAR(16) NOT NULL, run_no INT NOT NULL, at_ms BIGINT NOT NULL,"
                    + " PRIMARY KEY (execution, step_name))");
        }
    }

    // ------------------------------------------------------------------------------------------ the workflow

    /** The durable function under test. */
    public static final class CrashWorkflow implements DurableFunction<Integer, String> {

        private final DataSource dataSource;
        private final int runNo;

        CrashWorkflow(DataSource dataSource, int runNo) {
            this.dataSource = dataSource;
            this.runNo = runNo;
        }

        @Override
        public String handle(Integer input, DurableContext ctx) throws Exception {
            int i = input;
            String exec = executionName(i);
            List<String> interrupted = new ArrayList<>();
            for (Op op : PLAN) {
                if (op.kind() == Kind.WAIT) {
                    ctx.wait(op.name(), Duration.ofMillis(waitMillis(i, op)));
                    continue;
                }
                try {
                    int value = ctx.step(op.name(), Integer.class, step -> body(exec, i, op, step), op.config());
                    if (value != stepValue(i, op)) {
                        throw new IllegalStateException("step " + op.name() + " of " + exec + " returned " + value
                                + ", expected " + stepValue(i, op));
                    }
                    ack(exec, op.name(), "ok");
                } catch (StepFailedException e) {
                    if (!op.kind().atMostOnce() || !StepInterruptedException.class.getName().equals(e.error().type())) {
                        throw e; // not what this test expects: let the execution fail visibly
                    }
                    interrupted.add(op.name());
                    ack(exec, op.name(), "interrupted");
                }
            }
            return expectedResult(i, interrupted);
        }

        private Integer body(String exec, int input, Op op, StepContext step) throws Exception {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO side_effects (execution, step_name, attempt,"
                         + " run_no, at_ms) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, exec);
                ps.setString(2, op.name());
                ps.setInt(3, step.attempt());
                ps.setInt(4, runNo);
                ps.setLong(5, System.currentTimeMillis());
                ps.executeUpdate();
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(10, 151));
            if (op.flaky(input) && step.attempt() == 1) {
                throw new IllegalStateException("flaky first attempt of " + op.name() + " of " + exec);
            }
            return stepValue(input, op);
        }

        /** Records, once, that the step's outcome reached the workflow code, with the highest seq at that time. */
        private void ack(String exec, String stepName, String outcome) throws SQLException {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO acks (execution, step_name, ack_seq, outcome,"
                         + " run_no, at_ms) SELECT ?, ?, (SELECT COALESCE(MAX(seq), 0) FROM side_effects), ?, ?, ?"
                         + " WHERE NOT EXISTS (SELECT 1 FROM acks WHERE execution = ? AND step_name = ?)")) {
                ps.setString(1, exec);
                ps.setString(2, stepName);
                ps.setString(3, outcome);
                ps.setInt(4, runNo);
                ps.setLong(5, System.currentTimeMillis());
                ps.setString(6, exec);
                ps.setString(7, stepName);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) { // a duplicate is fine: the first ack stands
                    throw e;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ main

    public static void main(String[] args) throws Exception {
        Path dbFile = Path.of(args[0]);
        int runNo = Integer.parseInt(args[1]);
        boolean exclusive = Boolean.parseBoolean(args[2]);
        int count = Integer.parseInt(args[3]);
        long maxSeconds = Long.parseLong(args[4]);
        long t0 = System.nanoTime();
        long pid = ProcessHandle.current().pid();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> out(SHUTDOWN_HOOK)));

        HikariDataSource ds = openPool(dbFile, "crash-worker-" + runNo);
        try (Connection c = ds.getConnection()) {
            createTables(c);
        }
        JdbcExecutionStore store = exclusive
                ? JdbcExecutionStore.builder(ds).exclusive(true).build()
                : JdbcExecutionStore.create(ds);
        DurableEngine engine = DurableEngine.builder()
                .store(store)
                .register(new CrashWorkflow(ds, runNo))
                .leaseDuration(LEASE)
                .concurrency(CONCURRENCY)
                .tick(Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(100))
                .shutdownGrace(Duration.ofSeconds(1))
                .nodeId("run" + runNo + "-pid" + pid)
                .build();
        engine.start();
        out(STARTED + " run=" + runNo + " pid=" + pid + " exclusive=" + store.isExclusive() + " after "
                + ms(t0) + " ms at=" + System.currentTimeMillis());

        Thread status = new Thread(() -> {
            while (true) {
                try {
                    out("STATUS t=" + ms(t0) + " " + statusLine(store, ds));
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | SQLException e) {
                    out("STATUS failed: " + e);
                }
            }
        }, "crash-status");
        status.setDaemon(true);
        status.start();
        if (Boolean.getBoolean("crash.threads")) { // diagnostics: where the engine's threads are, without the DB
            Thread threads = new Thread(() -> {
                while (true) {
                    out("THREADS t=" + ms(t0) + " " + threadLine());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "crash-threads");
            threads.setDaemon(true);
            threads.start();
        }

        // Idempotent starts; a pause after each new one spreads them out, so that kills also land among them.
        for (int i = 0; i < count; i++) {
            boolean existed = exists(ds, executionName(i));
            engine.startExecution(CrashWorkflow.class, i, StartOptions.named(executionName(i)));
            if (!existed) {
                Thread.sleep(20);
            }
        }
        out("ALL STARTED after " + ms(t0) + " ms");

        long deadline = t0 + Duration.ofSeconds(maxSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            Map<ExecutionStatus, Long> counts = store.countByStatus();
            long ended = counts.entrySet().stream().filter(e -> e.getKey().isTerminal())
                    .mapToLong(Map.Entry::getValue).sum();
            if (ended >= count) {
                out("STATUS t=" + ms(t0) + " " + statusLine(store, ds));
                out(ALL_DONE + " after " + ms(t0) + " ms");
                status.interrupt();
                engine.close();
                store.close();
                ds.close();
                System.exit(0);
            }
            Thread.sleep(50);
        }
        // Not finished in time: say what is left, for the test's failure message.
        out("TIMEOUT: not every execution ended within " + maxSeconds + " s: " + statusLine(store, ds));
        for (ExecutionStatus s : new ExecutionStatus[] {ExecutionStatus.PENDING, ExecutionStatus.RUNNING,
                ExecutionStatus.SUSPENDED, ExecutionStatus.PARKED}) {
            for (ExecutionRecord r : store.listExecutions(s, 100)) {
                out("  LEFT " + r.name() + " " + r.id() + " " + r.status() + " owner=" + r.owner() + " lease="
                        + r.leaseUntil() + " wakeAt=" + r.wakeAt() + " version=" + r.version());
                try {
                    ExecutionDescription d = engine.describe(r.id());
                    for (OperationDescription op : d.operations()) {
                        out("    op " + op.id() + " " + op.name() + " " + op.status() + " attempt="
                                + op.attempts() + " scheduled=" + op.scheduledAt());
                    }
                } catch (RuntimeException e) {
                    out("    describe failed: " + e);
                }
            }
        }
        System.exit(3);
    }

    private static boolean exists(DataSource ds, String name) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM cairn_executions WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static String statusLine(JdbcExecutionStore store, DataSource ds) throws SQLException {
        Map<ExecutionStatus, Long> counts = store.countByStatus();
        long effects;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM side_effects")) {
            rs.next();
            effects = rs.getLong(1);
        }
        long ended = counts.entrySet().stream().filter(e -> e.getKey().isTerminal())
                .mapToLong(Map.Entry::getValue).sum();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        return "total=" + total + " ended=" + ended + " counts=" + counts + " effects=" + effects;
    }

    /** Where each engine thread is, by its topmost frame in dev.cairn code or the JDBC driver (diagnostics). */
    private static String threadLine() {
        Map<String, Integer> where = new java.util.TreeMap<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String name = e.getKey().getName();
            if (!name.startsWith("cairn-")) {
                continue;
            }
            String kind = name.replaceAll("-run\\d+-pid\\d+.*", "");
            String frame = "idle";
            for (StackTraceElement f : e.getValue()) {
                String c = f.getClassName();
                boolean library = c.startsWith("org.h2.") || c.startsWith("com.zaxxer.");
                if (frame.equals("idle") && (library || c.startsWith("dev.cairn."))) {
                    frame = c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber();
                    if (!library) {
                        break;
                    }
                } else if (!frame.equals("idle") && c.startsWith("dev.cairn.")) {
                    frame += "<" + c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":"
                            + f.getLineNumber();
                    break;
                }
            }
            where.merge(kind + "@" + frame, 1, Integer::sum);
        }
        return where.toString();
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static synchronized void out(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
