package dev.cairn.jdbc.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.StartOptions;
import dev.cairn.jdbc.ChildJvm;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A cluster node in a JVM of its own, for the test to kill with SIGKILL: it starts {@code count} executions of
 * {@link TwoStepWorkflow} named {@code takeover-<i>}, whose step {@code first} blocks forever here, and waits to be
 * killed. It exits by itself if its parent goes away (its stdin closes) or after {@code maxSeconds}.
 *
 * <p>Arguments: url user password tablePrefix nodeId leaseMillis count maxSeconds.
 */
public final class ClusterNodeProcess {

    static final String STARTED = "NODE STARTED";
    static final String ALL_STARTED = "ALL STARTED";
    static final String NAME_PREFIX = "takeover-";

    private ClusterNodeProcess() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        String prefix = args[3];
        String nodeId = args[4];
        Duration lease = Duration.ofMillis(Long.parseLong(args[5]));
        int count = Integer.parseInt(args[6]);
        long maxSeconds = Long.parseLong(args[7]);
        watchParent(maxSeconds);

        HikariConfig config = new HikariConfig();
        config.setPoolName("cluster-" + nodeId);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(6);
        config.setMinimumIdle(1);
        HikariDataSource pool = new HikariDataSource(config);
        SideEffects effects = new SideEffects(pool, prefix);
        CountDownLatch never = new CountDownLatch(1);
        DurableEngine engine = DurableEngine.builder()
                .store(JdbcExecutionStore.builder(pool).tablePrefix(prefix).build())
                .register(new TwoStepWorkflow(nodeId, effects, id -> {
                    out("BLOCKED " + id);
                    never.await();
                }))
                .nodeId(nodeId)
                .leaseDuration(lease)
                .concurrency(count + 4)
                .pollInterval(Duration.ofMillis(50))
                .tick(Duration.ofMillis(10))
                .shutdownGrace(Duration.ZERO)
                .build();
        engine.start();
        out(STARTED + " " + nodeId + " pid=" + ProcessHandle.current().pid());
        for (int i = 0; i < count; i++) {
            String id = engine.startExecution(TwoStepWorkflow.class, i, StartOptions.named(NAME_PREFIX + i))
                    .executionId();
            out("EXECUTION " + i + " " + id);
        }
        out(ALL_STARTED);
        never.await();
    }

    /** Exits if the parent JVM goes away (stdin reaches its end) or after {@code maxSeconds}. */
    private static void watchParent(long maxSeconds) {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // nothing is sent; wait for the end of the stream
                }
                out("PARENT GONE");
                Runtime.getRuntime().halt(2);
            } catch (IOException e) {
                Runtime.getRuntime().halt(2);
            }
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
        ChildJvm.haltAfter(maxSeconds, ClusterNodeProcess::out);
    }

    private static synchronized void out(String line) {
        System.out.println(System.currentTimeMillis() + " " + line);
        System.out.flush();
    }
}
