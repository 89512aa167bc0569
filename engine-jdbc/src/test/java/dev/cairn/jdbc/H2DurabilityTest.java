package dev.cairn.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackStatus;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Transition;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link JdbcExecutionStore#h2(Path)} acknowledged survives {@code kill -9}: a child JVM commits group
 * commits from several threads and prints each acknowledged execution; the test kills it with SIGKILL right
 * after reading some of them, reopens the file and finds every one. While the child runs, the file is locked
 * against this process.
 */
class H2DurabilityTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final int RUNS = 3;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void acknowledgedCommitsSurviveKillMinus9() throws Exception {
        for (int run = 0; run < RUNS; run++) {
            Path dir = tmp.resolve("run" + run);
            int target = ThreadLocalRandom.current().nextInt(20, 150);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", testClassPath(), Child.class.getName(), dir.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Set<String> acknowledged = new HashSet<>();
            int fresh = 0;
            long armedAt = Long.MAX_VALUE;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (fresh < target && (line = out.readLine()) != null) {
                    if (line.equals("READY")) {
                        if (run == 0) {
                            StoreException e = assertThrows(StoreException.class, () -> JdbcExecutionStore.h2(dir),
                                    "another process has the file open");
                            assertTrue(e.getMessage().contains("cairn.mv.db"), e.getMessage());
                        }
                        armedAt = System.currentTimeMillis();
                    } else if (line.startsWith("ACK ")) {
                        String[] parts = line.split(" ");
                        acknowledged.add(parts[1]);
                        // count only acknowledgements printed after we were ready to kill: the kill must follow
                        // them closely, not lag behind a full pipe
                        if (Long.parseLong(parts[2]) >= armedAt) {
                            fresh++;
                        }
                    }
                }
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            } finally {
                child.destroyForcibly();
            }
            assertEquals(target, fresh, "the child stopped before acknowledging enough commits");

            try (JdbcExecutionStore reopened = JdbcExecutionStore.h2(dir)) {
                reopened.initialize();
                for (String id : acknowledged) {
                    ExecutionRecord e = reopened.findExecution(id).orElseThrow(
                            () -> new AssertionError("acknowledged execution " + id + " is lost"));
                    assertEquals(ExecutionStatus.SUSPENDED, e.status(), id);
                    History h = reopened.loadHistory(id);
                    assertEquals(1, h.operations().size(), id);
                    assertEquals(1, h.callbacks().size(), id);
                }
            }
        }
    }

    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The child JVM: commits until it is killed, printing {@code ACK <id>} once a commit returned. */
    public static final class Child {

        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                    StandardCharsets.UTF_8);
            JdbcExecutionStore store = JdbcExecutionStore.h2(Path.of(args[0]));
            store.initialize();
            out.println("READY");
            AtomicInteger counter = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    while (true) {
                        List<Checkpoint> batch = new ArrayList<>();
                        for (int k = 0; k < 3; k++) {
                            String id = "e" + counter.incrementAndGet();
                            ExecutionRecord e = store.createExecution(new NewExecution(id, null, "fn", "\"in\"", T0,
                                    "child", T0.plusSeconds(60), null)).record();
                            batch.add(new Checkpoint(id, e.version(),
                                    List.of(new OperationRecord(id, "1", null, OperationType.CALLBACK, null, "cb",
                                            OperationStatus.STARTED, 0, null, null, null, T0, null)),
                                    List.of(),
                                    List.of(new CallbackRecord("cb-" + id, id, "1", CallbackStatus.PENDING, null,
                                            null, null, null, null, T0, null)),
                                    Transition.suspend(null, 0), T0.plusSeconds(1)));
                        }
                        List<CommitOutcome> outcomes = store.commit(batch);
                        synchronized (out) {
                            for (int k = 0; k < batch.size(); k++) {
                                if (outcomes.get(k) == CommitOutcome.APPLIED) {
                                    out.println("ACK " + batch.get(k).executionId() + " " + System.currentTimeMillis());
                                }
                            }
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
