package dev.cairn.jdbc.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionStatus;
import dev.cairn.config.StepSemantics;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.jdbc.faults.FaultDatabases.Row;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database outages longer than the lease: one engine reaches its database through a {@link TcpProxy}, which is
 * {@linkplain TcpProxy#cut() cut} while executions are between checkpoints and restored after two and a half
 * leases; executions are started during the cut too. The engine's own leases run out meanwhile, as a dead node's
 * would. Once the database is back, every execution the engine acknowledged must succeed, and none may be left
 * unfinished, whether its start was acknowledged or not. The second test cuts the database once more as soon as
 * the engine is back on it, as a flapping network does.
 *
 * <p>Step bodies record side effects, and the test reads outcomes, through a direct pool that the cut does not
 * touch. The engine reports nothing to the test: a thread of it that dies is printed, and the outcome is read
 * from the database. Subclasses name the database server.
 */
abstract class OutageTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration OUTAGE = LEASE.multipliedBy(5).dividedBy(2);
    private static final int EXECUTIONS = 40;
    private static final List<StepSemantics> STEPS = Collections.nCopies(5, StepSemantics.AT_LEAST_ONCE_PER_RETRY);
    /** How long executions get to finish once the database is back: fifteen leases. */
    private static final Duration SETTLE = LEASE.multipliedBy(15);
    private static final String RESULT = "step-1,step-2,step-3,step-4,step-5";

    /** The database server, reached directly; called once before each test, after {@link #tmp} is set. */
    protected abstract FaultDatabases.Server server() throws Exception;

    /** Stops what {@link #server()} started, after everything else is closed. */
    protected void stopServer() {
    }

    @TempDir
    Path tmp;

    private String prefix;
    private HikariDataSource direct;
    private TcpProxy proxy;
    private HikariDataSource proxied;
    private DurableEngine engine;
    /** Threads that died of an exception during the test (an engine thread must not), for failure messages. */
    private final List<String> deadThreads = new CopyOnWriteArrayList<>();
    private final AtomicInteger hungStarts = new AtomicInteger();
    private Thread.UncaughtExceptionHandler previousHandler;

    @BeforeEach
    void startEngineBehindProxy() throws Exception {
        // Awaitility would fail the next await with the exception of any thread that dies: report outcomes instead.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            deadThreads.add(thread.getName() + " died of " + e);
            System.out.println("THREAD DIED " + thread.getName());
            e.printStackTrace(System.out);
        });
        FaultDatabases.Server server = server();
        prefix = FaultDatabases.randomPrefix();
        direct = FaultDatabases.directPool(server, "outage-direct", 6);
        SideEffectLog effects = new SideEffectLog(direct, prefix);
        effects.createTable();
        proxy = new TcpProxy("127.0.0.1", server.port()).start();
        proxied = FaultDatabases.proxiedPool(server, proxy.port(), "outage-engine", 10);
        engine = DurableEngine.builder()
                .store(JdbcExecutionStore.builder(proxied).tablePrefix(prefix).build())
                .register(new OutageWorkflow("node-1", effects, STEPS, Duration.ofMillis(100)))
                .nodeId("node-1")
                .leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(100))
                .tick(Duration.ofMillis(10))
                .concurrency(16)
                .shutdownGrace(Duration.ofSeconds(1))
                .build();
        engine.start();
    }

    @AfterEach
    void closeAndDropTables() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            if (proxied != null) {
                proxied.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (direct != null) {
                FaultDatabases.dropTables(direct, prefix);
                direct.close();
            }
            stopServer();
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
            Awaitility.reset();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyExecutionFinishesAfterAnOutageLongerThanTheLease() throws Exception {
        List<String> acknowledged = startExecutions(EXECUTIONS);
        awaitStepCheckpoints(EXECUTIONS / 2);
        outage("while executions are between steps", acknowledged);
        assertEveryExecutionSucceeds(acknowledged);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyExecutionFinishesAfterASecondOutageAsSoonAsTheEngineHasReconnected() throws Exception {
        List<String> acknowledged = startExecutions(EXECUTIONS);
        awaitStepCheckpoints(EXECUTIONS / 2);
        outage("while executions are between steps", acknowledged);
        // A flapping network: the database goes away again once the engine is back on it (its scheduler has
        // renewed the leases that ran out), while the runs that failed in the first outage are being retried.
        await("the engine to renew its leases after the outage").atMost(SETTLE).pollInterval(Duration.ofMillis(10))
                .until(this::everyRunningLeaseIsCurrent);
        outage("as soon as the engine had renewed its leases", acknowledged);
        assertEveryExecutionSucceeds(acknowledged);
    }

    private List<String> startExecutions(int count) {
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        for (int i = 0; i < count; i++) {
            acknowledged.add(engine.startExecution(OutageWorkflow.class, i).executionId());
        }
        return acknowledged;
    }

    /** Waits until {@code count} steps have checkpoints: the executions are mid-run, some checkpoints in flight. */
    private void awaitStepCheckpoints(int count) {
        await(count + " step checkpoints").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> FaultDatabases.checkpointedSteps(direct, prefix) >= count);
    }

    /**
     * Cuts the proxy for {@link #OUTAGE}, starting executions meanwhile (the acknowledged ones are added to
     * {@code acknowledged}), and restores it.
     */
    private void outage(String when, List<String> acknowledged) throws Exception {
        int steps = FaultDatabases.checkpointedSteps(direct, prefix);
        proxy.cut();
        StartsDuringCut duringCut = new StartsDuringCut(acknowledged);
        // The outage itself: the only fixed wait of the test.
        await("the outage").pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(1))
                .until(() -> true);
        proxy.restore();
        duringCut.finish();
        System.out.printf("OUTAGE %s: cut %s (%d step checkpoints) for %d ms; starts during the cut: %d tried,"
                + " %d acknowledged, %d failed; %d acknowledged so far%n", getClass().getSimpleName(), when, steps,
                OUTAGE.toMillis(), duringCut.tried.get(), duringCut.acknowledged.get(), duringCut.failed.get(),
                acknowledged.size());
    }

    private void assertEveryExecutionSucceeds(List<String> acknowledged) throws SQLException {
        try {
            await("every acknowledged execution to succeed").atMost(SETTLE)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> notSucceeded(acknowledged).isEmpty());
        } catch (ConditionTimeoutException e) {
            fail(stuckReport(acknowledged), e);
        }
        // Starts that were not acknowledged may still have been written: none of those may be left running.
        List<Row> unfinished = FaultDatabases.executions(direct, prefix).values().stream()
                .filter(r -> !isTerminal(r.status())).toList();
        assertEquals(List.of(), unfinished, "executions left unfinished (acknowledged or not)");
        assertEquals(List.of(), resultsOtherThan(RESULT), "executions whose output is not the steps' results");
    }

    /** Starts executions, one every 200 ms, while the proxy is cut; counts those that were acknowledged. */
    private final class StartsDuringCut {
        final AtomicInteger tried = new AtomicInteger();
        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        // A start blocks while the pool waits for a connection: each runs on a thread of its own.
        private final ExecutorService starters = Executors.newCachedThreadPool();

        StartsDuringCut(List<String> ids) {
            ticker.scheduleAtFixedRate(() -> starters.execute(() -> {
                tried.incrementAndGet();
                try {
                    ids.add(engine.startExecution(OutageWorkflow.class, -1).executionId());
                    acknowledged.incrementAndGet();
                } catch (RuntimeException e) {
                    failed.incrementAndGet(); // not acknowledged: the caller would retry
                }
            }), 0, 200, TimeUnit.MILLISECONDS);
        }

        /**
         * Stops starting, and waits a little for the starts under way to return or throw. One that does neither
         * is not acknowledged; it is counted, and the test goes on to the outcome of the others.
         */
        void finish() throws InterruptedException {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            starters.shutdown();
            if (!starters.awaitTermination(10, TimeUnit.SECONDS)) {
                int hung = tried.get() - acknowledged.get() - failed.get();
                hungStarts.addAndGet(hung);
                System.out.println("HUNG " + hung + " starts made during the cut neither returned nor threw 10 s"
                        + " after the restore");
            }
        }
    }

    private boolean everyRunningLeaseIsCurrent() throws SQLException {
        long now = System.currentTimeMillis();
        return FaultDatabases.executions(direct, prefix).values().stream().filter(r -> r.status().equals("RUNNING"))
                .allMatch(r -> r.leaseUntil() != null && r.leaseUntil() > now);
    }

    private List<Row> notSucceeded(List<String> ids) throws SQLException {
        Map<String, Row> rows = FaultDatabases.executions(direct, prefix);
        return ids.stream().map(id -> rows.getOrDefault(id, new Row(id, "MISSING", null, null, -1)))
                .filter(r -> !r.status().equals("SUCCEEDED")).toList();
    }

    private List<String> resultsOtherThan(String expected) throws SQLException {
        try (Connection c = direct.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, output FROM " + prefix + "executions")) {
            List<String> wrong = new ArrayList<>();
            while (rs.next()) {
                if (!("\"" + expected + "\"").equals(rs.getString(2))) {
                    wrong.add(rs.getString(1) + " output=" + rs.getString(2));
                }
            }
            return wrong;
        }
    }

    private String stuckReport(List<String> ids) throws SQLException {
        List<Row> stuck = notSucceeded(ids);
        Map<String, Long> byStatus = stuck.stream().collect(Collectors.groupingBy(Row::status, Collectors.counting()));
        Map<String, Integer> steps = FaultDatabases.checkpointedStepsByExecution(direct, prefix);
        long now = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder().append(stuck.size()).append(" of ").append(ids.size())
                .append(" acknowledged executions did not succeed within ").append(SETTLE.toSeconds())
                .append(" s after the database came back ").append(byStatus).append(" (now=").append(now)
                .append("; starts that hung: ").append(hungStarts.get()).append("):\n");
        for (Row r : stuck) {
            sb.append("  ").append(r).append(" steps=").append(steps.getOrDefault(r.id(), 0)).append('/')
                    .append(STEPS.size()).append(r.leaseUntil() == null ? ""
                            : r.leaseUntil() > now ? " (lease still renewed)" : " (lease expired)").append('\n');
        }
        deadThreads.forEach(d -> sb.append("  thread ").append(d).append('\n'));
        System.out.println("STUCK " + getClass().getSimpleName() + ": " + sb);
        return sb.toString();
    }

    private static boolean isTerminal(String status) {
        return ExecutionStatus.valueOf(status).isTerminal();
    }
}
