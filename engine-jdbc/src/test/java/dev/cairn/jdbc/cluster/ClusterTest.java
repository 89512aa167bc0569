package dev.cairn.jdbc.cluster;

import dev.cairn.jdbc.ChildJvm;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.jdbc.cluster.RecordingStore.Claim;
import dev.cairn.jdbc.cluster.RecordingStore.Commit;
import dev.cairn.jdbc.cluster.SideEffects.Effect;
import dev.cairn.spi.Clock;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes on one database: engines with their own stores (and pools) on the same tables, none exclusive,
 * with different node ids. The tests check what a cluster promises: a step runs once although any node may resume
 * an execution; a dead node's executions are taken over once its lease has run out, not before; and a node that
 * lost its lease (a zombie) cannot checkpoint over the node that took its execution over.
 *
 * <p>Subclasses name the database server.
 */
abstract class ClusterTest {

    private static final Duration TICK = Duration.ofMillis(10);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The database server the nodes share. */
    protected abstract ClusterDatabases.Server server();

    @TempDir
    Path tmp;

    private String prefix;
    private HikariDataSource effectsPool;
    private SideEffects effects;
    /** Closed in reverse order of creation after each test: engines before their pools. */
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private Process child;
    private final List<Path> childLogs = new ArrayList<>();

    @BeforeEach
    void createSideEffectTable() throws SQLException {
        prefix = ClusterDatabases.randomPrefix();
        effectsPool = ClusterDatabases.pool(server(), "cluster-effects", 10);
        effects = new SideEffects(effectsPool, prefix);
        effects.createTable();
    }

    @AfterEach
    void stopNodesAndDropTables() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                System.out.println("closing after the test failed: " + e);
            }
        }
        ClusterDatabases.dropTables(effectsPool, prefix);
        effectsPool.close();
    }

    // ============================================================================================ 1. split work

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyExecutionsSplitAcrossTwoNodesRunEachStepExactlyOnce() throws Exception {
        int n = 400;
        String[] nodes = {"node-1", "node-2"};
        RecordingStore[] stores = new RecordingStore[2];
        DurableEngine[] engines = new DurableEngine[2];
        for (int k = 0; k < 2; k++) {
            stores[k] = new RecordingStore(sharedStore(nodePool(nodes[k])), false);
            engines[k] = engine(DurableEngine.builder()
                    .store(stores[k])
                    .register(new SplitWorkflow(nodes[k], effects))
                    .nodeId(nodes[k])
                    .concurrency(16));
            engines[k].start();
        }

        // Each node takes half of the requests, both at once.
        Map<String, Integer> inputOf = new ConcurrentHashMap<>();
        Map<String, String> startedOn = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> starters = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            int node = k;
            starters.add(CompletableFuture.runAsync(() -> {
                for (int i = node; i < n; i += 2) {
                    String id = engines[node].startExecution(SplitWorkflow.class, i).executionId();
                    inputOf.put(id, i);
                    startedOn.put(id, nodes[node]);
                }
            }));
        }
        CompletableFuture.allOf(starters.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        long startedMs = ms(t0);
        assertEquals(n, inputOf.size());

        try {
            await("all " + n + " executions to end").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ended(stores[0].countByStatus()) == n);
        } catch (ConditionTimeoutException e) {
            fail("not every execution ended: " + stores[0].countByStatus() + "\n" + leftOver(stores[0]), e);
        }
        long endedMs = ms(t0);
        Map<ExecutionStatus, Long> counts = stores[0].countByStatus();
        assertEquals(n, counts.getOrDefault(ExecutionStatus.SUCCEEDED, 0L), "statuses " + counts + "; failures: "
                + stores[0].listExecutions(ExecutionStatus.FAILED, 5).stream().map(r -> r.id() + " " + r.error())
                        .toList());

        // Side effects: exactly one per (execution, step), none for anything else.
        Map<String, Map<String, List<Effect>>> byExecution = new HashMap<>();
        List<Effect> all = effects.all();
        for (Effect e : all) {
            byExecution.computeIfAbsent(e.executionId(), x -> new TreeMap<>())
                    .computeIfAbsent(e.step(), x -> new ArrayList<>()).add(e);
        }
        Map<String, String> outputs = new HashMap<>();
        for (ExecutionRecord r : stores[1].listExecutions(ExecutionStatus.SUCCEEDED, n + 1)) {
            outputs.put(r.id(), JSON.readValue(r.output(), String.class));
        }
        List<String> violations = new ArrayList<>();
        Map<String, Integer> stepsPerNode = new TreeMap<>();
        int[] handedOver = new int[2]; // executions started on node k with a later step run by the other node
        int movedExecutions = 0;
        for (Map.Entry<String, Integer> entry : inputOf.entrySet()) {
            String id = entry.getKey();
            int i = entry.getValue();
            Map<String, List<Effect>> steps = byExecution.getOrDefault(id, Map.of());
            String[] ranOn = new String[SplitWorkflow.STEPS.length];
            for (int s = 0; s < SplitWorkflow.STEPS.length; s++) {
                List<Effect> runs = steps.getOrDefault(SplitWorkflow.STEPS[s], List.of());
                if (runs.size() != 1) {
                    violations.add("execution " + id + " (input " + i + ") step " + SplitWorkflow.STEPS[s] + " ran "
                            + runs.size() + " times: " + runs);
                }
                if (!runs.isEmpty()) {
                    ranOn[s] = runs.get(0).node();
                    for (Effect e : runs) {
                        stepsPerNode.merge(e.node(), 1, Integer::sum);
                    }
                }
            }
            if (steps.size() != SplitWorkflow.STEPS.length) {
                violations.add("execution " + id + " has side effects for steps " + steps.keySet());
            }
            String expected = SplitWorkflow.expectedResult(i, ranOn);
            if (!expected.equals(outputs.get(id))) {
                violations.add("execution " + id + " (input " + i + ") result " + outputs.get(id) + ", expected "
                        + expected + " from its side effects");
            }
            String origin = startedOn.get(id);
            boolean moved = false;
            for (int s = 1; s < ranOn.length; s++) {
                moved |= ranOn[s] != null && !ranOn[s].equals(origin);
            }
            if (moved) {
                movedExecutions++;
                handedOver[origin.equals(nodes[0]) ? 0 : 1]++;
            }
        }
        for (String id : byExecution.keySet()) {
            if (!inputOf.containsKey(id)) {
                violations.add("side effects of an unknown execution " + id + ": " + byExecution.get(id));
            }
        }
        // No run was fenced: without a crash or an expired lease no two nodes ever hold one execution.
        for (int k = 0; k < 2; k++) {
            List<Commit> notApplied = stores[k].commits().stream()
                    .filter(c -> c.outcome() != CommitOutcome.APPLIED).toList();
            if (!notApplied.isEmpty()) {
                violations.add(nodes[k] + " had " + notApplied.size() + " checkpoints not applied, e.g. "
                        + notApplied.subList(0, Math.min(5, notApplied.size())));
            }
        }
        String summary = n + " executions, " + all.size() + " step runs; started in " + startedMs + " ms, all ended after "
                + endedMs + " ms; steps per node " + stepsPerNode + "; executions continued on the other node: "
                + movedExecutions + " (from " + nodes[0] + ": " + handedOver[0] + ", from " + nodes[1] + ": "
                + handedOver[1] + "); checkpoints " + stores[0].commits().size() + " + " + stores[1].commits().size();
        System.out.println("[" + server().name() + "] " + summary);
        if (!violations.isEmpty()) {
            fail(violations.size() + " violation(s):\n  " + String.join("\n  ",
                    violations.subList(0, Math.min(40, violations.size()))) + "\n" + summary);
        }
        assertEquals(3 * n, all.size(), summary);
        for (String node : nodes) {
            int share = stepsPerNode.getOrDefault(node, 0);
            assertTrue(share >= 3 * n / 10, node + " ran only " + share + " of " + 3 * n + " steps: " + summary);
        }
        assertTrue(handedOver[0] > 0 && handedOver[1] > 0,
                "executions should move between the nodes when their timers fire: " + summary);
    }

    // ============================================================================================ 2. dead node

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDeadNodesExecutionsAreTakenOverAfterItsLeaseExpires() throws Exception {
        int n = 16;
        Duration lease = Duration.ofSeconds(2);
        String a = "node-A-child";
        String b = "node-B";

        // Node B, in this JVM, is up all along.
        RecordingStore bStore = new RecordingStore(sharedStore(nodePool(b)), true);
        DurableEngine nodeB = engine(DurableEngine.builder()
                .store(bStore)
                .register(new TwoStepWorkflow(b, effects, TwoStepWorkflow.Gate.open()))
                .nodeId(b));
        nodeB.start();

        // Node A, in a JVM of its own, starts the executions; their first step blocks there for ever.
        startChild(a, lease, n);
        try {
            await("node A to block in the first step of all " + n + " executions").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!child.isAlive()) {
                            fail("node A exited with " + child.exitValue() + "\n" + tails());
                        }
                        return effects.count() >= n;
                    });
        } catch (ConditionTimeoutException e) {
            fail("node A did not start its executions\n" + tails(), e);
        }
        List<ExecutionRecord> started = bStore.listExecutions(null, 10 * n).stream()
                .filter(r -> r.name() != null && r.name().startsWith(ClusterNodeProcess.NAME_PREFIX)).toList();
        assertEquals(n, started.size(), "executions node A started");
        List<String> ids = started.stream().map(ExecutionRecord::id).toList();

        // While A lives it renews its leases: B leaves its executions alone for longer than a lease.
        Thread.sleep(lease.toMillis() + 700);
        assertTrue(child.isAlive(), "node A died early\n" + tails());
        assertEquals(List.of(), bStore.claims(), "node B claimed executions of a live node");
        Instant stillOwned = Instant.now();
        for (String id : ids) {
            ExecutionRecord r = bStore.findExecution(id).orElseThrow();
            assertEquals(ExecutionStatus.RUNNING, r.status(), id);
            assertEquals(a, r.owner(), id);
            assertTrue(r.leaseUntil().isAfter(stillOwned), "A's lease of " + id + " was not renewed: " + r.leaseUntil()
                    + " at " + stillOwned);
        }

        // kill -9
        long killAt = System.currentTimeMillis();
        child.destroyForcibly();
        assertTrue(child.waitFor(20, TimeUnit.SECONDS), "node A did not die");
        assertEquals(137, child.exitValue(), "node A should have been killed by SIGKILL\n" + tails());

        try {
            await("node B to finish node A's executions").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> bStore.countByStatus().getOrDefault(ExecutionStatus.SUCCEEDED, 0L) == n);
        } catch (ConditionTimeoutException e) {
            fail("node B did not take over: " + bStore.countByStatus() + "\n" + leftOver(bStore) + "\n" + tails(), e);
        }
        long doneAt = System.currentTimeMillis();

        Map<String, List<Effect>> effectsOf = effects.all().stream()
                .collect(Collectors.groupingBy(Effect::executionId));
        Map<String, List<Claim>> claimsOf = bStore.claims().stream().collect(Collectors.groupingBy(Claim::executionId));
        List<String> violations = new ArrayList<>();
        long minDelay = Long.MAX_VALUE;
        long maxDelay = 0;
        long maxAfterExpiry = 0;
        for (String id : ids) {
            ExecutionRecord r = bStore.findExecution(id).orElseThrow();
            String output = JSON.readValue(r.output(), String.class);
            if (!TwoStepWorkflow.result(b, b).equals(output)) {
                violations.add(id + ": result " + output);
            }
            List<Effect> mine = effectsOf.getOrDefault(id, List.of());
            List<Effect> ofA = mine.stream().filter(e -> e.node().equals(a)).toList();
            List<Effect> ofB = mine.stream().filter(e -> e.node().equals(b)).toList();
            if (ofA.size() != 1 || !ofA.get(0).step().equals("first") || ofA.get(0).atMillis() >= killAt) {
                violations.add(id + ": node A should have run step first once before it died: " + ofA);
            }
            if (ofB.size() != 2 || !ofB.get(0).step().equals("first") || !ofB.get(1).step().equals("second")) {
                violations.add(id + ": node B should have run first, then second, once each: " + ofB);
            }
            List<Claim> claims = claimsOf.getOrDefault(id, List.of());
            if (claims.size() != 1) {
                violations.add(id + ": node B should have claimed it once: " + claims);
                continue;
            }
            Claim claim = claims.get(0);
            if (!a.equals(claim.previousOwner()) || claim.previousStatus() != ExecutionStatus.RUNNING) {
                violations.add(id + ": node B took it from " + claim.previousOwner() + " (" + claim.previousStatus()
                        + "), not from node A");
            }
            Instant aLease = claim.previousLeaseUntil();
            if (aLease == null || aLease.toEpochMilli() <= killAt) {
                violations.add(id + ": A's lease at its death " + aLease + " had already run out at the kill "
                        + Instant.ofEpochMilli(killAt));
                continue;
            }
            if (!claim.leaseNow().isAfter(aLease)) {
                violations.add(id + ": node B claimed it at " + claim.leaseNow() + ", before A's lease ran out at "
                        + aLease);
            }
            if (!ofB.isEmpty()) {
                long first = ofB.get(0).atMillis();
                if (first < aLease.toEpochMilli()) {
                    violations.add(id + ": node B ran step first at " + Instant.ofEpochMilli(first)
                            + ", before A's lease ran out at " + aLease);
                }
                // A renewed every lease/3, so at its death at least about two thirds of a lease were left.
                if (first - killAt < lease.toMillis() / 3) {
                    violations.add(id + ": node B ran step first " + (first - killAt) + " ms after the kill, sooner"
                            + " than A's last renewal allows");
                }
                minDelay = Math.min(minDelay, first - killAt);
                maxDelay = Math.max(maxDelay, first - killAt);
                maxAfterExpiry = Math.max(maxAfterExpiry, first - aLease.toEpochMilli());
            }
        }
        String summary = n + " executions of the killed node, lease " + lease.toMillis() + " ms: node B ran their"
                + " first step " + minDelay + ".." + maxDelay + " ms after the kill (at most " + maxAfterExpiry
                + " ms after the lease ran out); all done " + (doneAt - killAt) + " ms after the kill";
        System.out.println("[" + server().name() + "] " + summary);
        if (!violations.isEmpty()) {
            fail(violations.size() + " violation(s):\n  " + String.join("\n  ", violations) + "\n" + summary + "\n"
                    + tails());
        }
        assertTrue(maxAfterExpiry < 5_000, "node B took too long to take over once the lease ran out: " + summary);
    }

    // ============================================================================================ 3. zombie

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aZombiesLateCheckpointIsRejected() throws Exception {
        Duration lease = Duration.ofSeconds(1);
        String a = "node-A";
        String b = "node-B";
        StoppableClock aLeaseClock = new StoppableClock();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        RecordingStore bStore = new RecordingStore(sharedStore(nodePool(b)), true);
        DurableEngine nodeB = engine(DurableEngine.builder()
                .store(bStore)
                .register(new TwoStepWorkflow(b, effects, TwoStepWorkflow.Gate.open()))
                .nodeId(b));
        nodeB.start();
        RecordingStore aStore = new RecordingStore(sharedStore(nodePool(a)), false);
        DurableEngine nodeA = engine(DurableEngine.builder()
                .store(aStore)
                .register(new TwoStepWorkflow(a, effects, id -> {
                    entered.countDown();
                    if (!release.await(50, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("node A's step was never released");
                    }
                }))
                .nodeId(a)
                .leaseDuration(lease)
                .leaseClock(aLeaseClock));
        nodeA.start();
        toClose.push(release::countDown); // closed first: a blocked step does not hold up the engines' close

        ExecutionHandle<String> onA = nodeA.startExecution(TwoStepWorkflow.class, 7);
        String id = onA.executionId();
        CompletableFuture<String> resultOnA = onA.future();
        assertTrue(entered.await(10, TimeUnit.SECONDS), "node A did not enter step first");
        ExecutionRecord owned = bStore.findExecution(id).orElseThrow();
        assertEquals(ExecutionStatus.RUNNING, owned.status());
        assertEquals(a, owned.owner());

        // A stalls where the lease is concerned (its lease clock stops: renewals no longer extend the lease into
        // the future), while its step goes on. B takes the execution over once the lease has run out.
        Instant stoppedAt = aLeaseClock.stop();
        try {
            await("node B to take over and finish the execution").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> bStore.findExecution(id).orElseThrow().status().isTerminal());
        } catch (ConditionTimeoutException e) {
            fail("node B did not take over: " + bStore.findExecution(id), e);
        }
        ExecutionRecord finished = bStore.findExecution(id).orElseThrow();
        ExecutionDescription described = nodeB.describe(id);
        assertEquals(ExecutionStatus.SUCCEEDED, finished.status(), "error: " + finished.error());
        assertNull(finished.error());
        assertEquals(TwoStepWorkflow.result(b, b), JSON.readValue(finished.output(), String.class));
        List<Claim> claims = bStore.claims();
        assertEquals(1, claims.size(), "node B's claims: " + claims);
        Claim takeover = claims.get(0);
        assertEquals(a, takeover.previousOwner(), "taken over from");
        assertEquals(ExecutionStatus.RUNNING, takeover.previousStatus());
        assertTrue(takeover.leaseNow().isAfter(takeover.previousLeaseUntil()), "node B claimed at "
                + takeover.leaseNow() + " before A's lease ran out at " + takeover.previousLeaseUntil());
        assertTrue(!takeover.previousLeaseUntil().isAfter(stoppedAt.plus(lease).plusMillis(1)),
                "A's lease " + takeover.previousLeaseUntil() + " extends past its stopped clock " + stoppedAt + " + "
                        + lease);
        assertEquals(owned.version() + 1, takeover.version(), "the takeover's version");
        List<Effect> before = effects.all();
        assertEquals(List.of("first@" + a, "first@" + b, "second@" + b),
                before.stream().map(e -> e.step() + "@" + e.node()).toList(), "side effects so far");
        assertEquals(List.of(), aStore.commitsOf(id), "node A checkpointed while its step was blocked");
        assertSteps(described, b);

        // The zombie's step ends: its checkpoint must be rejected, and its run must stop there.
        release.countDown();
        String seenOnA = resultOnA.get(15, TimeUnit.SECONDS); // completes once A's run is over
        assertEquals(TwoStepWorkflow.result(b, b), seenOnA, "the result A's caller sees");
        List<Commit> aCommits = aStore.commitsOf(id);
        assertEquals(1, aCommits.size(), "node A's checkpoints of the execution: " + aCommits);
        assertEquals(CommitOutcome.FENCED, aCommits.get(0).outcome(), "node A's late step checkpoint: " + aCommits);
        assertEquals(owned.version(), aCommits.get(0).version(), "node A checkpointed under its claim's version");
        assertEquals(before, effects.all(), "node A went on after its checkpoint was rejected");
        ExecutionRecord after = bStore.findExecution(id).orElseThrow();
        assertEquals(finished, after, "the execution's row changed after B finished it");
        assertEquals(described, nodeB.describe(id), "the execution's history changed after B finished it");
        System.out.println("[" + server().name() + "] zombie: A's lease clock stopped at " + stoppedAt + ", A's lease"
                + " ran until " + takeover.previousLeaseUntil() + ", B claimed at " + takeover.leaseNow()
                + "; A's late checkpoint: " + aCommits.get(0).outcome());
    }

    /** Both steps succeeded with the result {@code node}. */
    private static void assertSteps(ExecutionDescription described, String node) throws Exception {
        List<OperationDescription> steps = described.operations().stream()
                .filter(op -> op.type() == OperationType.STEP).toList();
        assertEquals(List.of("first", "second"), steps.stream().map(OperationDescription::name).toList(), "steps");
        for (OperationDescription op : steps) {
            assertEquals(OperationStatus.SUCCEEDED, op.status(), op.name());
            assertEquals(1, op.attempts(), op.name());
            assertEquals(node, JSON.readValue(op.result(), String.class), op.name() + " result");
        }
    }

    // ============================================================================================ helpers

    /** A lease clock that follows the system clock until it is stopped. */
    static final class StoppableClock implements Clock {
        private volatile Instant stopped;

        @Override
        public Instant now() {
            Instant s = stopped;
            return s != null ? s : Instant.now();
        }

        Instant stop() {
            stopped = Instant.now();
            return stopped;
        }
    }

    private HikariDataSource nodePool(String node) {
        HikariDataSource pool = ClusterDatabases.pool(server(), "cluster-" + node, 8);
        toClose.push(pool);
        return pool;
    }

    /** A store on the shared tables; not exclusive, as several nodes use them. */
    private JdbcExecutionStore sharedStore(HikariDataSource pool) {
        return JdbcExecutionStore.builder(pool).tablePrefix(prefix).build();
    }

    /** Builds an engine with the cluster tests' timing and closes it after the test. */
    private DurableEngine engine(DurableEngine.Builder builder) {
        DurableEngine engine = builder.pollInterval(POLL).tick(TICK).shutdownGrace(Duration.ofSeconds(1)).build();
        toClose.push(engine);
        return engine;
    }

    private void startChild(String nodeId, Duration lease, int count) throws Exception {
        Path out = tmp.resolve(nodeId + ".out");
        Path err = tmp.resolve(nodeId + ".err");
        childLogs.add(out);
        childLogs.add(err);
        ClusterDatabases.Server s = server();
        List<String> command = ChildJvm.command(ClusterNodeProcess.class, List.of(s.url(), s.user(), s.password(),
                prefix, nodeId, Long.toString(lease.toMillis()), Integer.toString(count), "90"));
        child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    private String tails() {
        return ChildJvm.tails(childLogs, 40);
    }

    private static long ended(Map<ExecutionStatus, Long> counts) {
        return counts.entrySet().stream().filter(e -> e.getKey().isTerminal()).mapToLong(Map.Entry::getValue).sum();
    }

    /** What has not ended, for a failure message. */
    private static String leftOver(RecordingStore store) {
        StringBuilder sb = new StringBuilder();
        for (ExecutionStatus status : new ExecutionStatus[] {ExecutionStatus.PENDING, ExecutionStatus.RUNNING,
                ExecutionStatus.SUSPENDED, ExecutionStatus.PARKED}) {
            for (ExecutionRecord r : store.listExecutions(status, 10)) {
                sb.append("  ").append(r.id()).append(' ').append(r.status()).append(" owner=").append(r.owner())
                        .append(" lease=").append(r.leaseUntil()).append(" wakeAt=").append(r.wakeAt())
                        .append(" version=").append(r.version()).append('\n');
            }
        }
        return sb.toString();
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
