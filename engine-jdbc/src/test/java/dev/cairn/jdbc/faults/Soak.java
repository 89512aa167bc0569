package dev.cairn.jdbc.faults;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.ExecutionStatus;
import dev.cairn.config.StepSemantics;
import dev.cairn.jdbc.faults.FaultDatabases.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A soak of two engine nodes on PostgreSQL or MariaDB through outages and crashes. Each node is a child JVM
 * ({@link SoakNode}) whose store reaches the database through a {@link TcpProxy} of its own, owned by this
 * process. Executions of {@link OutageWorkflow} (five steps, at-least-once and at-most-once alternating, each
 * recording a side effect on a direct connection) are started on the two nodes in turn, at a steady rate over the
 * whole fault schedule; a start that fails is sent again later, as a client would (one whose node was killed
 * before it answered is not). The faults:
 *
 * <ol>
 *   <li>the database is cut (both proxies at once) for {@code cutSeconds};</li>
 *   <li>node-2 is killed with SIGKILL and restarted at once under the same node id (its engine is up again
 *       within a second or two, well within the lease of the executions the killed JVM was running);</li>
 *   <li>the database is cut twice more;</li>
 *   <li>node-2 is killed and restarted again,</li>
 * </ol>
 * with a gap of one lease (at least 5 s) before each fault; the starts left after the schedule are sent then.
 * Then it waits, at most twelve leases (at least 30 s), for every execution to end, prints a summary (started,
 * ended, stuck, lost, steps re-run by semantics) and exits with 1 if an execution is stuck (RUNNING, PENDING,
 * SUSPENDED or PARKED at the end, acknowledged or not) or lost (acknowledged, no row), or an at-most-once attempt
 * ran twice; 0 otherwise. It is not a test: {@code mvn verify} does not run it. Run it from the project root with
 *
 * <pre>
 * mvn -q -pl engine-jdbc -am test-compile exec:exec@soak -Dexec.skip=true -Dexec.executable=java -Dsoak.db=postgres
 * mvn -q -pl engine-jdbc -am test-compile exec:exec@soak -Dexec.skip=true -Dexec.executable=java -Dsoak.db=mariadb \
 *     -Dsoak.executions=100 -Dsoak.cutSeconds=5 -Dsoak.leaseSeconds=5     # a short run, about 2 minutes
 * </pre>
 *
 * The reactor runs {@code exec:exec} in every module it builds ({@code -am}: the parent and the engine too), where
 * the plugin has no configuration: {@code exec.skip} and {@code exec.executable} make it skip there (it checks the
 * executable before the skip flag); the {@code soak} execution of engine-jdbc sets both explicitly. Defaults:
 * 1,000 executions, 40-second cuts, a 10-second lease (about 5 minutes), PostgreSQL. The nodes' logs are kept in
 * a temporary directory named in the summary.
 *
 * <p>Arguments: db (postgres or mariadb), executions, cutSeconds, leaseSeconds.
 */
public final class Soak {

    private final String db;
    private final int executions;
    private final Duration cut;
    private final Duration lease;
    private final Duration gap;
    private final String prefix = FaultDatabases.randomPrefix();
    private final Path logs;
    private final long startedAt = System.nanoTime();
    /** Inputs still to start: all at first, and again each one whose start failed. */
    private final Queue<Integer> toStart = new ConcurrentLinkedQueue<>();
    private final Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicInteger failedStarts = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<SoakProcess> nodes = new ArrayList<>();

    private Soak(String db, int executions, int cutSeconds, int leaseSeconds) throws Exception {
        this.db = db;
        this.executions = executions;
        this.cut = Duration.ofSeconds(cutSeconds);
        this.lease = Duration.ofSeconds(leaseSeconds);
        this.gap = Duration.ofSeconds(Math.max(5, leaseSeconds));
        this.logs = Files.createTempDirectory("cairn-soak-");
    }

    public static void main(String[] args) throws Exception {
        Soak soak = new Soak(args.length > 0 ? args[0] : "postgres", arg(args, 1, 1000), arg(args, 2, 40),
                arg(args, 3, 10));
        System.exit(soak.run());
    }

    /** The server a soak argument names. */
    static FaultDatabases.Server server(String db) {
        return switch (db) {
            case "postgres", "postgresql" -> FaultDatabases.POSTGRES;
            case "mariadb" -> FaultDatabases.MARIADB;
            default -> throw new IllegalArgumentException("soak.db must be postgres or mariadb, not " + db);
        };
    }

    private int run() throws Exception {
        FaultDatabases.Server server = server(db);
        Duration schedule = gap.multipliedBy(5).plus(cut.multipliedBy(3)).plusSeconds(4);
        Duration settle = lease.multipliedBy(12).compareTo(Duration.ofSeconds(30)) > 0
                ? lease.multipliedBy(12) : Duration.ofSeconds(30);
        long pauseMillis = Math.min(500, Math.max(100, lease.toMillis() / 10));
        long maxSeconds = schedule.plus(settle).toSeconds() + 120;
        log("%s, %d executions on 2 nodes, lease %d s, cuts of %d s, table prefix %s, logs in %s", server.name(),
                executions, lease.toSeconds(), cut.toSeconds(), prefix, logs);
        try (HikariDataSource direct = FaultDatabases.directPool(server, "soak-direct", 4)) {
            SideEffectLog effects = new SideEffectLog(direct, prefix);
            effects.createTable();
            try {
                for (String node : List.of("node-1", "node-2")) {
                    nodes.add(new SoakProcess(node, new TcpProxy("127.0.0.1", server.port()).start(), logs,
                            List.of(db, prefix, node, Long.toString(lease.toMillis()), Long.toString(pauseMillis),
                                    Long.toString(maxSeconds)), this::onLine));
                }
                for (SoakProcess node : nodes) {
                    node.start();
                }
                for (int i = 0; i < executions; i++) {
                    toStart.add(i);
                }
                ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor();
                long everyMicros = Math.max(1, schedule.toNanos() / 1000 / executions);
                starter.scheduleAtFixedRate(this::startNext, 0, everyMicros, TimeUnit.MICROSECONDS);
                faults();
                starter.shutdownNow();
                starter.awaitTermination(5, TimeUnit.SECONDS);
                log("fault schedule over; %d acknowledged, starting the %d left", acknowledged.size(),
                        toStart.size());
                startTheRest();
                log("%d starts sent, %d acknowledged; waiting at most %d s for everything to end", sent.get(),
                        acknowledged.size(), settle.toSeconds());
                settle(direct, settle);
                return summary(direct, effects);
            } finally {
                for (SoakProcess node : nodes) {
                    node.close();
                }
                FaultDatabases.dropTables(direct, prefix);
            }
        }
    }

    private void faults() throws Exception {
        SoakProcess victim = nodes.get(1);
        pause(gap);
        outage();
        pause(gap);
        killAndRestart(victim);
        pause(gap);
        outage();
        pause(gap);
        outage();
        pause(gap);
        killAndRestart(victim);
    }

    private void killAndRestart(SoakProcess node) throws Exception {
        log("kill -9 %s (%d acknowledged so far)", node.nodeId(), acknowledged.size());
        node.kill();
        node.start();
        log("%s restarted under the same node id", node.nodeId());
    }

    private void outage() throws InterruptedException {
        log("cut the database for %d s (%d acknowledged so far)", cut.toSeconds(), acknowledged.size());
        nodes.forEach(n -> n.proxy().cut());
        pause(cut);
        nodes.forEach(n -> n.proxy().restore());
        log("database restored");
    }

    /** Sends the next start to the next node that is up, the nodes in turn. */
    private void startNext() {
        Integer n = toStart.poll();
        if (n == null) {
            return;
        }
        int first = sent.get();
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get((first + k) % nodes.size()).send("START " + n)) {
                sent.incrementAndGet();
                return;
            }
        }
        toStart.add(n);
    }

    /** After the faults, the starts left (those that failed) at up to 50 a second, for at most 3 minutes. */
    private void startTheRest() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while ((!toStart.isEmpty() || !nodes.stream().allMatch(SoakProcess::idle)) && System.nanoTime() < deadline) {
            startNext();
            pause(Duration.ofMillis(20));
        }
    }

    private void onLine(String nodeId, String line) {
        String[] parts = line.split(" ", 3);
        if (parts[0].equals("ACK")) {
            acknowledged.put(Integer.parseInt(parts[1]), parts[2]);
        } else if (parts[0].equals("FAIL")) {
            // Not acknowledged: a client would try again later, and so does the soak.
            failedStarts.incrementAndGet();
            toStart.add(Integer.parseInt(parts[1]));
        }
    }

    /** Waits until every row has ended and every start was answered (or its node killed), or the deadline. */
    private void settle(HikariDataSource direct, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        long nextReport = 0;
        while (System.nanoTime() < deadline) {
            Map<String, Long> open = FaultDatabases.executions(direct, prefix).values().stream()
                    .filter(r -> !ExecutionStatus.valueOf(r.status()).isTerminal())
                    .collect(Collectors.groupingBy(Row::status, TreeMap::new, Collectors.counting()));
            if (open.isEmpty() && nodes.stream().allMatch(SoakProcess::idle)) {
                return;
            }
            if (System.nanoTime() > nextReport) {
                log("not ended yet: %s", open);
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            pause(Duration.ofSeconds(1));
        }
    }

    private int summary(HikariDataSource direct, SideEffectLog effects) throws Exception {
        Map<String, Row> rows = FaultDatabases.executions(direct, prefix);
        Set<String> acked = Set.copyOf(acknowledged.values());
        Map<String, Long> ended = count(rows.values().stream().filter(r -> acked.contains(r.id()))
                .filter(r -> terminal(r)).toList());
        List<Row> stuck = rows.values().stream().filter(r -> !terminal(r)).toList();
        List<Row> unacknowledged = rows.values().stream().filter(r -> !acked.contains(r.id())).toList();
        List<String> lost = acked.stream().filter(id -> !rows.containsKey(id)).sorted().toList();
        Map<StepSemantics, Long> reRuns = effects.reRuns();
        long violations = effects.atMostOnceViolations();
        Map<String, Integer> steps = FaultDatabases.checkpointedStepsByExecution(direct, prefix);
        long now = System.currentTimeMillis();

        System.out.printf("%nSOAK SUMMARY: %s, %d executions, 2 nodes, lease %d s, 3 cuts of %d s, node-2 killed"
                + " twice%n", server(db).name(), executions, lease.toSeconds(), cut.toSeconds());
        System.out.printf("  starts sent                    %6d%n", sent.get());
        System.out.printf("  started (acknowledged)         %6d%n", acked.size());
        System.out.printf("  start failed (sent again)      %6d%n", failedStarts.get());
        System.out.printf("  start unanswered (node killed) %6d%n", sent.get() - acked.size() - failedStarts.get());
        System.out.printf("  ended (terminal status)        %6d  %s%n", sum(ended), ended);
        System.out.printf("  stuck (not ended)              %6d  %s, of which acknowledged %d%n", stuck.size(),
                count(stuck), stuck.stream().filter(r -> acked.contains(r.id())).count());
        System.out.printf("  lost (acknowledged, no row)    %6d  %s%n", lost.size(), lost.isEmpty() ? "" : lost);
        System.out.printf("  rows never acknowledged        %6d  %s%n", unacknowledged.size(), count(unacknowledged));
        System.out.printf("  steps re-run                   %6d  %s; at-most-once attempts run twice: %d%n",
                reRuns.values().stream().mapToLong(Long::longValue).sum(), reRuns, violations);
        stuck.stream().limit(20).forEach(r -> System.out.printf("    stuck %s steps=%d/%d%s%s%n", r,
                steps.getOrDefault(r.id(), 0), SoakNode.STEPS.size(), acked.contains(r.id()) ? "" : " (unacknowledged)",
                r.leaseUntil() == null ? "" : r.leaseUntil() > now ? " lease still renewed" : " lease expired"));
        boolean failed = !stuck.isEmpty() || !lost.isEmpty() || violations > 0;
        System.out.printf("  node logs: %s%nSOAK %s%n", logs, failed ? "FAILED" : "PASSED");
        return failed ? 1 : 0;
    }

    private static boolean terminal(Row r) {
        return ExecutionStatus.valueOf(r.status()).isTerminal();
    }

    private static Map<String, Long> count(List<Row> rows) {
        return rows.stream().collect(Collectors.groupingBy(Row::status, TreeMap::new, Collectors.counting()));
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private void log(String format, Object... args) {
        System.out.printf("[soak %6.1f s] %s%n", (System.nanoTime() - startedAt) / 1e9, String.format(format, args));
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i && !args[i].isBlank() ? Integer.parseInt(args[i].trim()) : otherwise;
    }
}
