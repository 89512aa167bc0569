package dev.cairn.jdbc.crash;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.BatchItem;
import dev.cairn.BatchItemStatus;
import dev.cairn.BatchResult;
import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CompletionReason;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.StartOptions;
import dev.cairn.UnknownCallbackException;
import dev.cairn.config.BatchConfig;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The child JVM of {@link MapCrashRecoveryTest}: opens the H2 file database, starts (idempotently)
 * {@link #EXECUTIONS} executions of {@link MapWorkflow}, each a {@code map} over {@link #ITEMS} items whose every
 * item waits on a callback, and plays the external system that completes those callbacks. It runs until every
 * execution has ended, unless the test kills it first.
 *
 * <p>Arguments: {@code <db file without .mv.db> <run number> <exclusive: true|false> <max seconds>}.
 *
 * <p>Stdout protocol read by the test: {@code STARTED ...} once the engine has started, {@code STATUS ...} lines
 * every 100 ms, {@code ALL DONE} once every execution has ended (then the process exits 0).
 *
 * <p>Operation ids of one execution: the map is {@code 1}; item {@code k} (from 0) is {@code 1-(k+1)}, and in it
 * the step {@code before} is {@code 1-(k+1)-1}, the {@code waitForCallback} {@code 1-(k+1)-2} (its callback
 * {@code -2-1}, its submitter step {@code -2-2}), the step {@code after} {@code 1-(k+1)-3}.
 */
public final class MapCrashWorker {

    static final String STARTED = "STARTED";
    static final String ALL_DONE = "ALL DONE";
    /** Printed by a shutdown hook: must never appear in the output of a killed child. */
    static final String SHUTDOWN_HOOK = "SHUTDOWN HOOK RAN";

    static final int EXECUTIONS = 3;
    static final int ITEMS = 24;
    static final int MAX_CONCURRENCY = 3;
    static final Duration LEASE = Duration.ofSeconds(2);
    static final int CONCURRENCY = 8;
    /** How long nothing may change in the database before the child reports a stall and exits. */
    static final Duration STALL = Duration.ofSeconds(30);
    /** The exit value of a stalled child. */
    static final int STALL_EXIT = 4;

    /** Delay of the external system before it completes a callback it was handed. */
    static final int MIN_CALLBACK_DELAY_MS = 150;
    static final int MAX_CALLBACK_DELAY_MS = 1000;

    /** Pause after starting a new execution. */
    static final int START_SPACING_MS = 300;

    static final String MAP_NAME = "items";
    static final String BEFORE = "before";
    static final String CALLBACK = "approval";
    static final String SUBMIT = "submit " + CALLBACK;
    static final String AFTER = "after";

    private MapCrashWorker() {
    }

    // ------------------------------------------------------------------------------------------ the plan

    static String executionName(int e) {
        return "map-exec-" + e;
    }

    /** The value the step {@code before} of item {@code item} returns. */
    static int beforeValue(int e, int item) {
        return e * 1000 + item;
    }

    /** The result the external system gives the callback of item {@code item}. */
    static String answer(int item) {
        return "answer-" + item;
    }

    /** The item's final result, returned by its step {@code after}. */
    static String itemResult(int e, int item, int before, String answer) {
        return "e" + e + "i" + item + "=" + before + "+" + answer;
    }

    static String expectedItemResult(int e, int item) {
        return itemResult(e, item, beforeValue(e, item), answer(item));
    }

    /** The result each execution must end with: every item's result, in input order. */
    static String expectedResult(int e) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < ITEMS; k++) {
            parts.add(expectedItemResult(e, k));
        }
        return String.join(",", parts);
    }

    static void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // every body run of a step: kind is before, submit or after
            s.execute("CREATE TABLE IF NOT EXISTS map_side_effects ("
                    + " seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " execution VARCHAR(64) NOT NULL, item INT NOT NULL, kind VARCHAR(16) NOT NULL,"
                    + " callback_id VARCHAR(255), val VARCHAR(255), attempt INT NOT NULL,"
                    + " run_no INT NOT NULL, at_ms BIGINT NOT NULL)");
            // the first time an outcome reached the workflow code, with the highest side-effect seq at that moment
            s.execute("CREATE TABLE IF NOT EXISTS map_acks ("
                    + " execution VARCHAR(64) NOT NULL, item INT NOT NULL, what VARCHAR(16) NOT NULL,"
                    + " ack_seq BIGINT NOT NULL, val VARCHAR(255), run_no INT NOT NULL, at_ms BIGINT NOT NULL,"
                    + " PRIMARY KEY (execution, item, what))");
            // the external system's inbox: callback ids handed out by submitters
            s.execute("CREATE TABLE IF NOT EXISTS pending_callbacks ("
                    + " callback_id VARCHAR(255) NOT NULL PRIMARY KEY,"
                    + " execution VARCHAR(64) NOT NULL, item INT NOT NULL, run_no INT NOT NULL,"
                    + " created_ms BIGINT NOT NULL, done BOOLEAN DEFAULT FALSE NOT NULL, done_run INT)");
            // every completeCallback call the external system made, and how it ended
            s.execute("CREATE TABLE IF NOT EXISTS callback_completions ("
                    + " seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " callback_id VARCHAR(255) NOT NULL, execution VARCHAR(64) NOT NULL, item INT NOT NULL,"
                    + " attempt_kind VARCHAR(16) NOT NULL, val VARCHAR(255) NOT NULL, outcome VARCHAR(32) NOT NULL,"
                    + " detail VARCHAR(1000), run_no INT NOT NULL, at_ms BIGINT NOT NULL)");
        }
    }

    // ------------------------------------------------------------------------------------------ the workflow

    /** The durable function under test: a map whose items each run a step, wait on a callback, run a step. */
    public static final class MapWorkflow implements DurableFunction<Integer, String> {

        private final DataSource ds;
        private final int runNo;

        MapWorkflow(DataSource ds, int runNo) {
            this.ds = ds;
            this.runNo = runNo;
        }

        @Override
        public String handle(Integer input, DurableContext ctx) throws Exception {
            int e = input;
            List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
            BatchResult<String> result = ctx.map(MAP_NAME, items, String.class,
                    (item, index, c) -> item(e, item, c),
                    BatchConfig.builder().maxConcurrency(MAX_CONCURRENCY).build());
            if (result.completionReason() != CompletionReason.ALL_COMPLETED || result.successCount() != ITEMS) {
                StringBuilder sb = new StringBuilder("map of " + executionName(e) + " ended " + result.completionReason()
                        + " with " + result.successCount() + " successes:");
                for (BatchItem<String> item : result.items()) {
                    if (item.status() != BatchItemStatus.SUCCEEDED) {
                        sb.append(" [").append(item.index()).append(' ').append(item.status()).append(' ')
                                .append(item.error()).append(']');
                    }
                }
                throw new IllegalStateException(sb.toString());
            }
            return String.join(",", result.results());
        }

        private String item(int e, int item, DurableContext c) throws Exception {
            String exec = executionName(e);
            int before = c.step(BEFORE, Integer.class, step -> {
                effect(exec, item, BEFORE, null, Integer.toString(beforeValue(e, item)), step.attempt());
                Thread.sleep(ThreadLocalRandom.current().nextInt(50, 251));
                return beforeValue(e, item);
            });
            if (before != beforeValue(e, item)) {
                throw new IllegalStateException(exec + " item " + item + ": before returned " + before);
            }
            ack(exec, item, BEFORE, Integer.toString(before));

            String answer = c.waitForCallback(CALLBACK, String.class, (callbackId, step) -> {
                effect(exec, item, "submit", callbackId, null, step.attempt());
                submit(callbackId, exec, item);
            });
            if (!answer(item).equals(answer)) {
                throw new IllegalStateException(exec + " item " + item + ": callback result " + answer + ", expected "
                        + answer(item));
            }
            ack(exec, item, "callback", answer);

            String result = c.step(AFTER, String.class, step -> {
                String value = itemResult(e, item, before, answer);
                effect(exec, item, AFTER, null, value, step.attempt());
                Thread.sleep(ThreadLocalRandom.current().nextInt(20, 81));
                return value;
            });
            ack(exec, item, AFTER, result);
            return result;
        }

        private void effect(String exec, int item, String kind, String callbackId, String value, int attempt)
                throws SQLException {
            try (Connection con = ds.getConnection();
                 PreparedStatement ps = con.prepareStatement("INSERT INTO map_side_effects (execution, item, kind,"
                         + " callback_id, val, attempt, run_no, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, exec);
                ps.setInt(2, item);
                ps.setString(3, kind);
                ps.setString(4, callbackId);
                ps.setString(5, value);
                ps.setInt(6, attempt);
                ps.setInt(7, runNo);
                ps.setLong(8, System.currentTimeMillis());
                ps.executeUpdate();
            }
        }

        /** Hands the callback id to the external system: one row per callback id (a re-run submitter adds none). */
        private void submit(String callbackId, String exec, int item) throws SQLException {
            try (Connection con = ds.getConnection();
                 PreparedStatement ps = con.prepareStatement("INSERT INTO pending_callbacks (callback_id, execution,"
                         + " item, run_no, created_ms) SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS"
                         + " (SELECT 1 FROM pending_callbacks WHERE callback_id = ?)")) {
                ps.setString(1, callbackId);
                ps.setString(2, exec);
                ps.setInt(3, item);
                ps.setInt(4, runNo);
                ps.setLong(5, System.currentTimeMillis());
                ps.setString(6, callbackId);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }

        /** Records, once, that an outcome reached the workflow code, with the highest side-effect seq then. */
        private void ack(String exec, int item, String what, String value) throws SQLException {
            try (Connection con = ds.getConnection();
                 PreparedStatement ps = con.prepareStatement("INSERT INTO map_acks (execution, item, what, ack_seq,"
                         + " val, run_no, at_ms) SELECT ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) FROM map_side_effects),"
                         + " ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM map_acks WHERE execution = ? AND item = ?"
                         + " AND what = ?)")) {
                ps.setString(1, exec);
                ps.setInt(2, item);
                ps.setString(3, what);
                ps.setString(4, value);
                ps.setInt(5, runNo);
                ps.setLong(6, System.currentTimeMillis());
                ps.setString(7, exec);
                ps.setInt(8, item);
                ps.setString(9, what);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) { // a duplicate is fine: the first ack stands
                    throw e;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the external system

    /**
     * Polls {@code pending_callbacks} and completes each callback after a random delay. Some callbacks are
     * completed by two threads at once (same value: exactly one may be applied), and some are completed again
     * afterwards with a different value (must be rejected: the first result stands). Every call is logged in
     * {@code callback_completions}.
     */
    static final class ExternalSystem {
        private final DurableEngine engine;
        private final DataSource ds;
        private final int runNo;
        private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "external-system");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean stopped;
        private final Thread poller;

        ExternalSystem(DurableEngine engine, DataSource ds, int runNo) {
            this.engine = engine;
            this.ds = ds;
            this.runNo = runNo;
            this.poller = new Thread(this::poll, "external-poller");
            this.poller.setDaemon(true);
        }

        void start() {
            poller.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            poller.interrupt();
            poller.join(2000);
            timers.shutdownNow();
            timers.awaitTermination(2, TimeUnit.SECONDS);
        }

        private void poll() {
            while (!stopped) {
                try {
                    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT callback_id, execution, item FROM pending_callbacks"
                                 + " WHERE done = FALSE ORDER BY created_ms")) {
                        while (rs.next()) {
                            String id = rs.getString(1);
                            String exec = rs.getString(2);
                            int item = rs.getInt(3);
                            if (scheduled.add(id)) {
                                long delay = ThreadLocalRandom.current().nextInt(MIN_CALLBACK_DELAY_MS,
                                        MAX_CALLBACK_DELAY_MS + 1);
                                timers.schedule(() -> deliver(id, exec, item), delay, TimeUnit.MILLISECONDS);
                            }
                        }
                    }
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (SQLException | RuntimeException e) {
                    if (!stopped) {
                        out("EXTERNAL poll failed: " + e);
                    }
                }
            }
        }

        private void deliver(String id, String exec, int item) {
            if (stopped) {
                return;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String outcome;
            if (random.nextInt(4) == 0) {
                // Two completions at once, from two threads, with the same value: exactly one is applied.
                CountDownLatch go = new CountDownLatch(1);
                String[] outcomes = new String[2];
                Thread[] racers = new Thread[2];
                for (int r = 0; r < 2; r++) {
                    int slot = r;
                    racers[r] = new Thread(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        outcomes[slot] = complete(id, exec, item, "race", answer(item));
                    }, "external-racer");
                    racers[r].setDaemon(true);
                    racers[r].start();
                }
                go.countDown();
                for (Thread t : racers) {
                    try {
                        t.join(15_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                outcome = "applied".equals(outcomes[0]) || "applied".equals(outcomes[1]) ? "applied"
                        : outcomes[0] + "/" + outcomes[1];
            } else {
                outcome = complete(id, exec, item, "first", answer(item));
            }
            if (outcome != null && outcome.startsWith("error")) {
                scheduled.remove(id); // try again at the next poll
                return;
            }
            if ("applied".equals(outcome) && random.nextInt(3) == 0) {
                // The first result stands: a later completion with another value must be rejected.
                complete(id, exec, item, "again", "duplicate-" + item);
            }
            markDone(id);
        }

        /** One completeCallback call, logged; returns applied, already, unknown or error. */
        private String complete(String id, String exec, int item, String kind, String value) {
            String outcome;
            String detail = null;
            try {
                engine.completeCallback(id, value);
                outcome = "applied";
            } catch (CallbackAlreadyCompletedException e) {
                outcome = "already";
                detail = e.status() + ": " + e.getMessage();
            } catch (UnknownCallbackException e) {
                outcome = "unknown";
                detail = e.getMessage();
            } catch (RuntimeException e) {
                outcome = "error";
                detail = e.toString();
            }
            if (stopped) {
                return outcome;
            }
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO callback_completions (callback_id, execution,"
                         + " item, attempt_kind, val, outcome, detail, run_no, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, exec);
                ps.setInt(3, item);
                ps.setString(4, kind);
                ps.setString(5, value);
                ps.setString(6, outcome);
                ps.setString(7, detail == null ? null : detail.substring(0, Math.min(detail.length(), 1000)));
                ps.setInt(8, runNo);
                ps.setLong(9, System.currentTimeMillis());
                ps.executeUpdate();
            } catch (SQLException e) {
                out("EXTERNAL could not log a completion of " + id + ": " + e);
            }
            if ("error".equals(outcome)) {
                out("EXTERNAL completeCallback(" + id + ") failed: " + detail);
            }
            return outcome;
        }

        private void markDone(String id) {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE pending_callbacks SET done = TRUE, done_run = ?"
                         + " WHERE callback_id = ?")) {
                ps.setInt(1, runNo);
                ps.setString(2, id);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!stopped) {
                    out("EXTERNAL could not mark " + id + " done: " + e);
                }
                scheduled.remove(id);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ main

    public static void main(String[] args) throws Exception {
        Path dbFile = Path.of(args[0]);
        int runNo = Integer.parseInt(args[1]);
        boolean exclusive = Boolean.parseBoolean(args[2]);
        long maxSeconds = Long.parseLong(args[3]);
        long t0 = System.nanoTime();
        long pid = ProcessHandle.current().pid();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> out(SHUTDOWN_HOOK)));

        HikariDataSource ds = CrashWorker.openPool(dbFile, "map-crash-worker-" + runNo);
        try (Connection c = ds.getConnection()) {
            createTables(c);
        }
        JdbcExecutionStore store = exclusive
                ? JdbcExecutionStore.builder(ds).exclusive(true).build()
                : JdbcExecutionStore.create(ds);
        DurableEngine engine = DurableEngine.builder()
                .store(store)
                .register(new MapWorkflow(ds, runNo))
                .leaseDuration(LEASE)
                .concurrency(CONCURRENCY)
                .tick(Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(100))
                .shutdownGrace(Duration.ofSeconds(1))
                .nodeId("maprun" + runNo + "-pid" + pid)
                .build();
        engine.start();
        ExternalSystem external = new ExternalSystem(engine, ds, runNo);
        external.start();
        out(STARTED + " run=" + runNo + " pid=" + pid + " exclusive=" + store.isExclusive() + " after " + ms(t0)
                + " ms at=" + System.currentTimeMillis());

        Thread status = new Thread(() -> {
            String lastState = null;
            long lastChange = System.nanoTime();
            while (true) {
                try {
                    String state = statusLine(ds);
                    out("STATUS t=" + ms(t0) + " " + state);
                    if (!state.equals(lastState)) {
                        lastState = state;
                        lastChange = System.nanoTime();
                    } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
                        stalled(engine, store, state);
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | SQLException e) {
                    out("STATUS failed: " + e);
                }
            }
        }, "map-crash-status");
        status.setDaemon(true);
        status.start();

        // Idempotent starts; a pause after each new one spreads them out, so that kills also land among them.
        for (int e = 0; e < EXECUTIONS; e++) {
            boolean existed = exists(ds, executionName(e));
            engine.startExecution(MapWorkflow.class, e, StartOptions.named(executionName(e)));
            if (!existed) {
                Thread.sleep(START_SPACING_MS);
            }
        }
        out("ALL STARTED after " + ms(t0) + " ms");

        long deadline = t0 + Duration.ofSeconds(maxSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            Map<ExecutionStatus, Long> counts = store.countByStatus();
            long ended = counts.entrySet().stream().filter(en -> en.getKey().isTerminal())
                    .mapToLong(Map.Entry::getValue).sum();
            if (ended >= EXECUTIONS) {
                out("STATUS t=" + ms(t0) + " " + statusLine(ds));
                out(ALL_DONE + " after " + ms(t0) + " ms");
                status.interrupt();
                external.stop();
                engine.close();
                store.close();
                ds.close();
                System.exit(0);
            }
            Thread.sleep(50);
        }
        out("TIMEOUT: not every execution ended within " + maxSeconds + " s: " + statusLine(ds));
        describeLeft(engine, store);
        System.exit(3);
    }

    /**
     * Nothing changed in the database for {@link #STALL}, although executions are unfinished and every wait of
     * the workflow is shorter than a second: prints where the engine's threads are and what is left, and exits
     * with {@link #STALL_EXIT}.
     */
    private static void stalled(DurableEngine engine, JdbcExecutionStore store, String state) {
        out("STALL: nothing changed for " + STALL.toSeconds() + " s: " + state + " (thread dump on stderr)");
        StringBuilder dump = new StringBuilder("STALL thread dump:\n");
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String name = e.getKey().getName();
            if (!name.startsWith("cairn-") && !name.startsWith("external") && !name.equals("main")) {
                continue;
            }
            StackTraceElement[] frames = e.getValue();
            boolean ours = false;
            for (StackTraceElement f : frames) {
                ours |= f.getClassName().startsWith("dev.cairn.");
            }
            dump.append("\"").append(name).append("\" ").append(e.getKey().getState());
            if (!ours) {
                dump.append(" (idle)\n");
                continue;
            }
            dump.append('\n');
            for (int i = 0; i < Math.min(frames.length, 30); i++) {
                dump.append("    at ").append(frames[i]).append('\n');
            }
        }
        System.err.println(dump);
        System.err.flush();
        describeLeft(engine, store);
        System.exit(STALL_EXIT);
    }

    private static void describeLeft(DurableEngine engine, JdbcExecutionStore store) {
        for (ExecutionStatus s : new ExecutionStatus[] {ExecutionStatus.PENDING, ExecutionStatus.RUNNING,
                ExecutionStatus.SUSPENDED, ExecutionStatus.PARKED}) {
            for (ExecutionRecord r : store.listExecutions(s, 100)) {
                out("  LEFT " + r.name() + " " + r.id() + " " + r.status() + " owner=" + r.owner() + " lease="
                        + r.leaseUntil() + " wakeAt=" + r.wakeAt() + " version=" + r.version() + " signals="
                        + r.signals());
                try {
                    ExecutionDescription d = engine.describe(r.id());
                    for (OperationDescription op : d.operations()) {
                        if (op.status() != dev.cairn.OperationStatus.SUCCEEDED) {
                            out("    op " + op.id() + " " + op.name() + " " + op.status() + " attempt="
                                    + op.attempts());
                        }
                    }
                    d.callbacks().stream().filter(cb -> !isFinishedItem(d, cb.operationId()))
                            .forEach(cb -> out("    callback " + cb.id() + " op " + cb.operationId() + " "
                                    + cb.status()));
                } catch (RuntimeException ex) {
                    out("    describe failed: " + ex);
                }
            }
        }
    }

    /** Whether the map item that callback operation {@code opId} belongs to ({@code 1-k-2-1}) has SUCCEEDED. */
    private static boolean isFinishedItem(ExecutionDescription d, String opId) {
        String[] parts = opId.split("-");
        String item = parts.length >= 2 ? parts[0] + "-" + parts[1] : opId;
        return d.operations().stream().anyMatch(op -> op.id().equals(item)
                && op.status() == dev.cairn.OperationStatus.SUCCEEDED);
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

    private static String statusLine(DataSource ds) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            sb.append("executions=").append(groupCount(s, "SELECT status, COUNT(*) FROM cairn_executions GROUP BY status"));
            sb.append(" items=").append(groupCount(s, "SELECT status, COUNT(*) FROM cairn_operations"
                    + " WHERE sub_type = 'MapItem' GROUP BY status"));
            sb.append(" callbacks=").append(groupCount(s, "SELECT status, COUNT(*) FROM cairn_callbacks GROUP BY status"));
            sb.append(" effects=").append(groupCount(s, "SELECT kind, COUNT(*) FROM map_side_effects GROUP BY kind"));
            sb.append(" completions=").append(groupCount(s, "SELECT outcome, COUNT(*) FROM callback_completions"
                    + " GROUP BY outcome"));
        }
        return sb.toString();
    }

    private static String groupCount(Statement s, String sql) throws SQLException {
        Map<String, Long> m = new java.util.TreeMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        }
        return m.toString().replace(" ", "");
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static synchronized void out(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
