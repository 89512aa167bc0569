package dev.cairn.jdbc.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionStatus;
import dev.cairn.jdbc.ChildJvm;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.jdbc.cluster.SideEffects.Effect;
import dev.cairn.spi.ExecutionRecord;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with a configured, fixed node id that is killed with SIGKILL and started again under the same id: the
 * new process must resume the executions its previous incarnation left RUNNING. Its previous incarnation is dead,
 * so nothing else will ever finish them; the restarted process must not keep the dead process's leases alive by
 * renewing them as its own.
 *
 * <p>The first incarnation is a real child JVM ({@link ClusterNodeProcess}) on a shared (non-exclusive) store,
 * whose executions block for ever in their first step; the second is an engine in this JVM. Subclasses name the
 * database server.
 */
abstract class SameNodeRestartTest {

    private static final String NODE_ID = "fixed-node";
    /**
     * What the restarted process records as the node in its side effects and step results, so that the test can
     * tell its step runs from those of the dead process, which share the node id.
     */
    private static final String RESTARTED = NODE_ID + " (restarted)";
    private static final int EXECUTIONS = 10;
    private static final Duration LEASE = Duration.ofSeconds(3);
    /**
     * A restarted node resumes its previous process's executions when it starts, so they finish within a few
     * seconds. The bound leaves room for one lease to run out and for a slow machine, but not for a restart that
     * keeps the dead leases alive (never) nor for waiting out leases over and over.
     */
    private static final Duration RESUME_BOUND = LEASE.multipliedBy(2).plusSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The database server the two incarnations share. */
    protected abstract ClusterDatabases.Server server();

    @TempDir
    Path tmp;

    private String prefix;
    private HikariDataSource effectsPool;
    private HikariDataSource enginePool;
    private SideEffects effects;
    private DurableEngine restarted;
    private Process child;
    private final List<Path> childLogs = new ArrayList<>();

    @BeforeEach
    void createSideEffectTable() throws SQLException {
        prefix = ClusterDatabases.randomPrefix();
        effectsPool = ClusterDatabases.pool(server(), "restart-effects", 4);
        effects = new SideEffects(effectsPool, prefix);
        effects.createTable();
    }

    @AfterEach
    void stopAndDropTables() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        if (restarted != null) {
            restarted.close();
        }
        if (enginePool != null) {
            enginePool.close();
        }
        ClusterDatabases.dropTables(effectsPool, prefix);
        effectsPool.close();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aNodeRestartedUnderTheSameIdResumesWhatItsKilledProcessLeftRunning() throws Exception {
        // The first incarnation starts the executions; their first step blocks there for ever.
        startChild();
        try {
            await("the first process to block in the first step of all " + EXECUTIONS + " executions")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!child.isAlive()) {
                            fail("the first process exited with " + child.exitValue() + "\n" + tails());
                        }
                        return effects.count() >= EXECUTIONS;
                    });
        } catch (ConditionTimeoutException e) {
            fail("the first process did not start its executions\n" + tails(), e);
        }

        // The second incarnation is built before the kill so that it starts right after it: well within the dead
        // process's leases, which is when a restart should resume them (once they ran out anyone could).
        enginePool = ClusterDatabases.pool(server(), "restart-" + NODE_ID, 8);
        JdbcExecutionStore store = JdbcExecutionStore.builder(enginePool).tablePrefix(prefix).build();
        restarted = DurableEngine.builder()
                .store(store)
                .register(new TwoStepWorkflow(RESTARTED, effects, TwoStepWorkflow.Gate.open()))
                .nodeId(NODE_ID)
                .leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(50))
                .tick(Duration.ofMillis(10))
                .shutdownGrace(Duration.ofSeconds(1))
                .build();
        List<ExecutionRecord> leftRunning = store.listExecutions(ExecutionStatus.RUNNING, 10 * EXECUTIONS).stream()
                .filter(r -> r.name() != null && r.name().startsWith(ClusterNodeProcess.NAME_PREFIX)).toList();
        assertEquals(EXECUTIONS, leftRunning.size(), "executions RUNNING in the first process: " + leftRunning);
        List<Effect> beforeKill = effects.all();

        // kill -9
        child.destroyForcibly();
        assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the first process did not die");
        assertEquals(137, child.exitValue(), "the first process should have been killed by SIGKILL\n" + tails());
        Instant killedAt = Instant.now();
        Instant earliestLease = leftRunning.stream().map(r -> store.findExecution(r.id()).orElseThrow().leaseUntil())
                .min(Instant::compareTo).orElseThrow();

        restarted.start();
        long t0 = System.nanoTime();
        System.out.println("[" + server().name() + "] killed at " + killedAt + ", restarted under the same node id"
                + " at " + Instant.now() + "; the dead process's leases ran until " + earliestLease
                + " at the earliest");

        try {
            await("the restarted node to finish the " + EXECUTIONS + " executions its killed process left RUNNING")
                    .atMost(RESUME_BOUND).pollInterval(Duration.ofMillis(100))
                    .until(() -> store.countByStatus().getOrDefault(ExecutionStatus.SUCCEEDED, 0L) == EXECUTIONS);
        } catch (ConditionTimeoutException e) {
            fail("after " + ms(t0) + " ms the restarted node had not finished what its killed process left running: "
                    + store.countByStatus() + "\n" + rows(store, leftRunning) + tails(), e);
        }
        System.out.println("[" + server().name() + "] all " + EXECUTIONS + " executions succeeded " + ms(t0)
                + " ms after the restart");

        // Every execution went through: `first` ran once in the dead process (its result was never checkpointed)
        // and once more after the restart (at-least-once); `second` ran exactly once, after the restart.
        Map<String, List<String>> runsOf = effects.all().stream().collect(Collectors.groupingBy(Effect::executionId,
                TreeMap::new, Collectors.mapping(e -> e.step() + "@" + e.node(), Collectors.toList())));
        List<String> violations = new ArrayList<>();
        for (ExecutionRecord r : leftRunning) {
            ExecutionRecord done = store.findExecution(r.id()).orElseThrow();
            String output = JSON.readValue(done.output(), String.class);
            if (!TwoStepWorkflow.result(RESTARTED, RESTARTED).equals(output)) {
                violations.add(r.id() + ": result " + output);
            }
            List<String> runs = runsOf.getOrDefault(r.id(), List.of());
            List<String> expected = List.of("first@" + NODE_ID, "first@" + RESTARTED, "second@" + RESTARTED);
            if (!expected.equals(runs)) {
                violations.add(r.id() + ": step runs " + runs + ", expected " + expected);
            }
        }
        assertEquals(List.of(), violations, "side effects before the kill: " + beforeKill.size());
    }

    private void startChild() throws Exception {
        Path out = tmp.resolve("first-process.out");
        Path err = tmp.resolve("first-process.err");
        childLogs.add(out);
        childLogs.add(err);
        ClusterDatabases.Server s = server();
        List<String> command = ChildJvm.command(ClusterNodeProcess.class, List.of(s.url(), s.user(), s.password(),
                prefix, NODE_ID, Long.toString(LEASE.toMillis()), Integer.toString(EXECUTIONS), "90"));
        child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    /** The rows of the executions, for a failure message: who owns them and until when. */
    private static String rows(JdbcExecutionStore store, List<ExecutionRecord> executions) {
        StringBuilder sb = new StringBuilder("at " + Instant.now() + ":\n");
        for (ExecutionRecord e : executions) {
            ExecutionRecord r = store.findExecution(e.id()).orElseThrow();
            sb.append("  ").append(r.id()).append(' ').append(r.status()).append(" owner=").append(r.owner())
                    .append(" lease=").append(r.leaseUntil()).append(" version=").append(r.version()).append('\n');
        }
        return sb.toString();
    }

    private String tails() {
        return ChildJvm.tails(childLogs, 20);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
