package dev.cairn.jdbc.faults;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.config.StepSemantics;
import dev.cairn.jdbc.ChildJvm;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One engine node of the {@link Soak}, in a JVM of its own so that the soak can kill it with SIGKILL. Its store
 * reaches the database through the soak's proxy for this node; its step bodies record side effects on a direct
 * connection. It reads commands from stdin, one a line: {@code START <n>} starts an execution of
 * {@link OutageWorkflow} with input n and answers {@code ACK <n> <id>} once {@code startExecution} returned, or
 * {@code FAIL <n> <error>}. It halts when stdin ends (the soak went away) or after {@code maxSeconds}.
 *
 * <p>Arguments: proxyPort, db (postgres or mariadb), tablePrefix, nodeId, leaseMillis, pauseMillis, maxSeconds.
 */
public final class SoakNode {

    static final String STARTED = "NODE STARTED";
    /** The steps: at-least-once and at-most-once, alternating. */
    static final List<StepSemantics> STEPS = List.of(StepSemantics.AT_LEAST_ONCE_PER_RETRY,
            StepSemantics.AT_MOST_ONCE_PER_RETRY, StepSemantics.AT_LEAST_ONCE_PER_RETRY,
            StepSemantics.AT_MOST_ONCE_PER_RETRY, StepSemantics.AT_LEAST_ONCE_PER_RETRY);

    private SoakNode() {
    }

    public static void main(String[] args) throws Exception {
        int proxyPort = Integer.parseInt(args[0]);
        FaultDatabases.Server server = Soak.server(args[1]);
        String prefix = args[2];
        String nodeId = args[3];
        Duration lease = Duration.ofMillis(Long.parseLong(args[4]));
        Duration pause = Duration.ofMillis(Long.parseLong(args[5]));
        long maxSeconds = Long.parseLong(args[6]);
        ChildJvm.haltAfter(maxSeconds, SoakNode::out);

        HikariDataSource direct = FaultDatabases.directPool(server, "soak-effects-" + nodeId, 8);
        HikariDataSource proxied = FaultDatabases.proxiedPool(server, proxyPort, "soak-" + nodeId, 10);
        DurableEngine engine = DurableEngine.builder()
                .store(JdbcExecutionStore.builder(proxied).tablePrefix(prefix).build())
                .register(new OutageWorkflow(nodeId, new SideEffectLog(direct, prefix), STEPS, pause))
                .nodeId(nodeId)
                .leaseDuration(lease)
                .pollInterval(Duration.ofMillis(Math.max(100, lease.toMillis() / 10)))
                .shutdownGrace(Duration.ZERO)
                .build();
        engine.start();
        out(STARTED + " " + nodeId + " pid=" + ProcessHandle.current().pid());

        // A start blocks while the store is unreachable: several at once, so that one does not hold up the others.
        ExecutorService starters = Executors.newFixedThreadPool(8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("START ")) {
                int n = Integer.parseInt(line.substring(6).trim());
                starters.execute(() -> {
                    try {
                        out("ACK " + n + " " + engine.startExecution(OutageWorkflow.class, n).executionId());
                    } catch (RuntimeException e) {
                        out("FAIL " + n + " " + e.toString().replace('\n', ' '));
                    }
                });
            }
        }
        out("PARENT GONE");
        Runtime.getRuntime().halt(2);
    }


    private static synchronized void out(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
