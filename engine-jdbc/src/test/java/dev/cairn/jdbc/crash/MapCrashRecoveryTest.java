package dev.cairn.jdbc.crash;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.jdbc.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code map} whose items wait on callbacks survives repeated {@code kill -9}: a child JVM
 * ({@link MapCrashWorker}) runs {@value MapCrashWorker#EXECUTIONS} executions, each mapping over
 * {@value MapCrashWorker#ITEMS} items (at most {@value MapCrashWorker#MAX_CONCURRENCY} at once) that run a step,
 * wait on a callback that an in-process "external system" completes after a random delay, and run another step.
 * The child is killed with SIGKILL at random moments while the maps are in the middle, and restarted on the same
 * H2 file database, then left to finish. The database is then checked directly: every execution succeeded with
 * every item's result in order; every item finished exactly once, with exactly one callback, which its submitter
 * handed out and which was completed once (the first result stands); no step ran again after its outcome reached
 * the workflow code or after its item was finished.
 *
 * <p>Reproduce the kill moments with {@code -Dmapcrash.seed=<seed printed in the output>} (thread timing is not
 * reproducible).
 */
class MapCrashRecoveryTest {

    private static final int EXECUTIONS = MapCrashWorker.EXECUTIONS;
    private static final int ITEMS = MapCrashWorker.ITEMS;
    private static final int KILLS = 4;
    private static final int MIN_KILL_DELAY_MS = 500;
    private static final int MAX_KILL_DELAY_MS = 2000;
    /** Added to the first kill's delay, so that it lands after the first items have finished. */
    private static final int FIRST_RUN_EXTRA_DELAY_MS = 600;
    /** Added to the kill delay of a lease-takeover run, which waits for the killed run's leases to run out. */
    private static final int LEASE_RUN_EXTRA_DELAY_MS = 1000;
    private static final Duration FINAL_RUN_LIMIT = Duration.ofSeconds(120);
    /** Exit value of a process killed by SIGKILL (128 + 9), as {@link Process#exitValue()} reports it on Linux. */
    private static final int SIGKILL_EXIT = 137;

    @TempDir
    Path tmp;

    private final List<Path> logs = new ArrayList<>();
    private Process child;

    @AfterEach
    void killLeftoverChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What the database held right after a kill. */
    private record Snapshot(int run, long delayMs, Map<String, Long> items, Map<String, Long> callbacks,
            Map<String, Long> executions, long itemsWaitingOnCallback, long callbacksCompletedNotConsumed) {

        long itemsSucceeded() {
            return items.getOrDefault("SUCCEEDED", 0L);
        }

        long itemsStarted() {
            return items.getOrDefault("STARTED", 0L);
        }

        @Override
        public String toString() {
            return "run " + run + " killed at +" + delayMs + " ms: items=" + items + " callbacks=" + callbacks
                    + " executions=" + executions + " itemsWaitingOnCallback=" + itemsWaitingOnCallback
                    + " callbacksCompletedNotYetConsumed=" + callbacksCompletedNotConsumed;
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void mapItemsWaitingOnCallbacksSurviveRepeatedKillMinus9() throws Exception {
        long seed = Long.getLong("mapcrash.seed", System.nanoTime());
        System.out.println("MapCrashRecoveryTest seed=" + seed + " (rerun with -Dmapcrash.seed=" + seed + ")");
        try {
            killAndVerify(seed);
        } catch (Exception | AssertionError e) {
            keepArtifacts(seed);
            throw e;
        }
    }

    /** Copies the database and the children's logs of a failed run to {@code target/mapcrash-failures/}. */
    private void keepArtifacts(long seed) {
        Path dest = Path.of("target", "mapcrash-failures", "seed-" + seed).toAbsolutePath();
        try (var files = Files.walk(tmp)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = dest.resolve(tmp.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("  the database and the children's logs were kept in " + dest);
        } catch (IOException | UncheckedIOException e) {
            System.out.println("  could not keep the artifacts in " + dest + ": " + e);
        }
    }

    private void killAndVerify(long seed) throws Exception {
        Random random = new Random(seed);
        Path dbFile = tmp.resolve("db").resolve("mapcrash");
        Files.createDirectories(dbFile.getParent());
        String java = ChildJvm.javaBinary();
        String classpath = ChildJvm.classpath();
        long t0 = System.nanoTime();

        List<String> reports = new ArrayList<>();
        List<Snapshot> snapshots = new ArrayList<>();
        int run = 0;
        boolean finishedEarly = false;
        for (; run < KILLS; run++) {
            boolean exclusive = run % 2 == 0;
            Path out = startChild(java, classpath, dbFile, run, exclusive, 60);
            awaitMarker(out, MapCrashWorker.STARTED, Duration.ofSeconds(60));
            long delay = MIN_KILL_DELAY_MS + random.nextInt(MAX_KILL_DELAY_MS - MIN_KILL_DELAY_MS + 1)
                    + (run == 0 ? FIRST_RUN_EXTRA_DELAY_MS : 0) + (exclusive ? 0 : LEASE_RUN_EXTRA_DELAY_MS);
            if (child.waitFor(delay, TimeUnit.MILLISECONDS)) {
                assertEquals(0, child.exitValue(), "child run " + run + " exited on its own\n" + tails());
                reports.add("run " + run + ": finished everything before its kill at +" + delay + " ms");
                finishedEarly = true;
                run++;
                break;
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "killed child did not exit\n" + tails());
            int exit = child.exitValue();
            assertEquals(SIGKILL_EXIT, exit, "destroyForcibly() should SIGKILL the child (exit 137)\n" + tails());
            assertTrue(!ChildJvm.read(out).contains(MapCrashWorker.SHUTDOWN_HOOK),
                    "the child ran its shutdown hooks, so it was not killed with SIGKILL\n" + tails());
            Snapshot snapshot = snapshot(dbFile, run, delay);
            snapshots.add(snapshot);
            reports.add((exclusive ? "exclusive " : "lease-takeover ") + snapshot + "; last child "
                    + ChildJvm.lastLine(out, "STATUS"));
        }

        if (!finishedEarly) {
            boolean exclusive = run % 2 == 0;
            Path out = startChild(java, classpath, dbFile, run, exclusive, FINAL_RUN_LIMIT.toSeconds());
            Process last = child;
            try {
                await("final run " + run + " to end every execution")
                        .atMost(FINAL_RUN_LIMIT.plusSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !last.isAlive() || ChildJvm.read(out).contains(MapCrashWorker.ALL_DONE));
                assertTrue(last.waitFor(30, TimeUnit.SECONDS), "final child did not exit after ALL DONE\n" + tails());
            } catch (ConditionTimeoutException e) {
                last.destroyForcibly();
                last.waitFor(20, TimeUnit.SECONDS);
                fail("executions did not all end within " + FINAL_RUN_LIMIT + "; last status: "
                        + ChildJvm.lastLine(out, "STATUS") + "\n" + String.join("\n", reports) + "\n" + dbReport(dbFile)
                        + "\n" + tails(), e);
            }
            reports.add("run " + run + " (" + (exclusive ? "exclusive" : "lease takeover") + "): final, exit "
                    + last.exitValue() + ", " + ChildJvm.lastLine(out, MapCrashWorker.ALL_DONE));
            if (last.exitValue() != 0) {
                fail("final child run failed (exit " + last.exitValue() + "; " + MapCrashWorker.STALL_EXIT
                        + " = stalled: nothing changed for " + MapCrashWorker.STALL.toSeconds() + " s, thread dump in"
                        + " its stderr; 3 = not every execution ended in time)\n"
                        + String.join("\n", reports) + "\n" + dbReport(dbFile) + "\n" + tails());
            }
        }
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        reports.forEach(r -> System.out.println("  " + r));
        System.out.println("  children ran for " + elapsed + " ms in all");

        List<String> warnings = childWarnings();
        System.out.println("  WARN/ERROR/EXTERNAL lines in the children's logs: " + warnings.size());
        warnings.stream().limit(20).forEach(w -> System.out.println("    " + w));

        Verification v = verify(dbFile);
        System.out.println("  kills: " + snapshots.size() + "; " + v.summary());
        snapshots.forEach(sn -> System.out.println("  at kill: " + sn));
        if (!v.violations().isEmpty()) {
            fail(v.violations().size() + " violation(s):\n  " + String.join("\n  ", v.violations().subList(0,
                    Math.min(v.violations().size(), 60))) + "\n" + v.summary() + "\n" + String.join("\n", reports)
                    + "\n" + tails());
        }
        // The kills must have landed in the middle of the maps.
        assertTrue(!snapshots.isEmpty(), "no kill happened: the first run finished before it\n"
                + String.join("\n", reports));
        Snapshot first = snapshots.get(0);
        assertTrue(first.itemsSucceeded() > 0 && first.itemsSucceeded() < (long) EXECUTIONS * ITEMS
                        && first.itemsStarted() > 0,
                "the first kill should land while the maps are in the middle (some items finished, some started"
                        + " and not finished): " + first + "\n" + String.join("\n", reports));

        assertTrue(v.itemsSpanningRuns() > 0, "the kills did not interrupt any item: " + v.summary() + "\n"
                + String.join("\n", reports));
        assertTrue(v.secondCompletionsRejected() > 0,
                "no second completion was attempted, so first-result-stands was not exercised: " + v.summary());
    }

    /** What the database says after a failed final run, for the failure message. */
    private String dbReport(Path dbFile) {
        try {
            Verification v = verify(dbFile);
            // Unfinished work shows up as violations too: list the others first.
            List<String> unfinishedMarkers = List.of(" no checkpoint ", " is STARTED", " is PENDING", "never ran",
                    "never reached", "no result", ": RUNNING", ": SUSPENDED", ": PENDING", "result null",
                    "appears 0 times", "map checkpoint", "was null", ": 0 callback rows for",
                    "handed out [], in the inbox []");
            List<String> sorted = new ArrayList<>();
            List<String> unfinished = new ArrayList<>();
            for (String line : v.violations()) {
                (unfinishedMarkers.stream().anyMatch(line::contains) ? unfinished : sorted).add(line);
            }
            int others = sorted.size();
            sorted.addAll(unfinished);
            return "database check after the failed run: " + others + " violation(s) besides " + unfinished.size()
                    + " of unfinished work:\n  " + String.join("\n  ", sorted.subList(0, Math.min(sorted.size(), 30)))
                    + "\n" + v.summary();
        } catch (Exception | AssertionError e) {
            return "database check after the failed run failed: " + e;
        }
    }

    // ------------------------------------------------------------------------------------------ snapshots

    /** Reads the database of the killed child (the file is free once the process is dead). */
    private static Snapshot snapshot(Path dbFile, int run, long delay) throws SQLException {
        try (Connection c = DriverManager.getConnection(CrashWorker.url(dbFile), "sa", "");
             Statement s = c.createStatement()) {
            Map<String, Long> items = groupCount(s, "SELECT status, COUNT(*) FROM cairn_operations"
                    + " WHERE sub_type = 'MapItem' GROUP BY status");
            Map<String, Long> callbacks = groupCount(s, "SELECT status, COUNT(*) FROM cairn_callbacks GROUP BY status");
            Map<String, Long> executions = groupCount(s, "SELECT status, COUNT(*) FROM cairn_executions GROUP BY status");
            long waiting = count(s, "SELECT COUNT(*) FROM cairn_callbacks cb JOIN cairn_operations o"
                    + " ON o.execution_id = cb.execution_id AND o.operation_id = cb.operation_id"
                    + " WHERE cb.status = 'PENDING'");
            long completedNotConsumed = count(s, "SELECT COUNT(*) FROM cairn_callbacks cb JOIN cairn_operations o"
                    + " ON o.execution_id = cb.execution_id AND o.operation_id = cb.operation_id"
                    + " WHERE cb.status = 'SUCCEEDED' AND o.status <> 'SUCCEEDED'");
            return new Snapshot(run, delay, items, callbacks, executions, waiting, completedNotConsumed);
        }
    }

    private static Map<String, Long> groupCount(Statement s, String sql) throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        }
        return m;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------------------------------ verification

    private record Effect(long seq, String execution, int item, String kind, String callbackId, String value,
            int attempt, int runNo, long atMs) {
    }

    private record Ack(long seq, String value, int runNo) {
    }

    private record Op(String type, String subType, String name, String status, int attempt, String result,
            Long endedAt) {
    }

    private record Callback(String id, String executionId, String operationId, String status, String result) {
    }

    private record Completion(long seq, String callbackId, String execution, int item, String kind, String value,
            String outcome, String detail, int runNo) {
    }

    private record Verification(List<String> violations, String summary, int itemsSpanningRuns,
            int secondCompletionsRejected) {
    }

    private static Verification verify(Path dbFile) throws Exception {
        List<String> violations = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        List<Effect> allEffects = new ArrayList<>();
        Map<String, List<Effect>> effects = new HashMap<>(); // "exec/item/kind" -> rows
        Map<String, Ack> acks = new HashMap<>(); // "exec/item/what"
        Map<String, String[]> executions = new HashMap<>(); // name -> {id, status, output, error}
        Map<String, Map<String, Op>> operations = new HashMap<>(); // execution id -> op id -> op
        List<Callback> callbacks = new ArrayList<>();
        Map<String, List<String>> pending = new HashMap<>(); // "exec/item" -> callback ids
        Map<String, Boolean> pendingDone = new HashMap<>();
        List<Completion> completions = new ArrayList<>();

        try (Connection c = DriverManager.getConnection(CrashWorker.url(dbFile), "sa", "");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT seq, execution, item, kind, callback_id, val, attempt, run_no,"
                    + " at_ms FROM map_side_effects ORDER BY seq")) {
                while (rs.next()) {
                    Effect e = new Effect(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getLong(9));
                    allEffects.add(e);
                    effects.computeIfAbsent(e.execution() + "/" + e.item() + "/" + e.kind(), k -> new ArrayList<>())
                            .add(e);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT execution, item, what, ack_seq, val, run_no FROM map_acks")) {
                while (rs.next()) {
                    acks.put(rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getString(3),
                            new Ack(rs.getLong(4), rs.getString(5), rs.getInt(6)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT name, id, status, output, error_type, error_message"
                    + " FROM cairn_executions")) {
                while (rs.next()) {
                    executions.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5) + ": " + rs.getString(6)});
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT execution_id, operation_id, type, sub_type, name, status,"
                    + " attempt, result, ended_at FROM cairn_operations")) {
                while (rs.next()) {
                    long ended = rs.getLong(9);
                    operations.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                            new Op(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7),
                                    rs.getString(8), rs.wasNull() ? null : ended));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT id, execution_id, operation_id, status, result"
                    + " FROM cairn_callbacks")) {
                while (rs.next()) {
                    callbacks.add(new Callback(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT callback_id, execution, item, done FROM pending_callbacks")) {
                while (rs.next()) {
                    pending.computeIfAbsent(rs.getString(2) + "/" + rs.getInt(3), k -> new ArrayList<>())
                            .add(rs.getString(1));
                    pendingDone.put(rs.getString(1), rs.getBoolean(4));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT seq, callback_id, execution, item, attempt_kind, val, outcome,"
                    + " detail, run_no FROM callback_completions ORDER BY seq")) {
                while (rs.next()) {
                    completions.add(new Completion(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9)));
                }
            }
        }

        // The test's own assumption: seq grows with time, across processes too.
        for (int k = 1; k < allEffects.size(); k++) {
            if (allEffects.get(k).runNo() < allEffects.get(k - 1).runNo()) {
                violations.add("side-effect seq is not monotonic across runs: " + allEffects.get(k - 1) + " then "
                        + allEffects.get(k));
                break;
            }
        }

        Map<String, List<Callback>> callbacksByOp = new HashMap<>(); // "execId op" -> rows
        Map<String, Callback> callbacksById = new HashMap<>();
        for (Callback cb : callbacks) {
            callbacksByOp.computeIfAbsent(cb.executionId() + " " + cb.operationId(), k -> new ArrayList<>()).add(cb);
            callbacksById.put(cb.id(), cb);
        }
        Map<String, List<Completion>> completionsById = new HashMap<>();
        for (Completion co : completions) {
            completionsById.computeIfAbsent(co.callbackId(), k -> new ArrayList<>()).add(co);
        }

        if (executions.size() != EXECUTIONS) {
            violations.add("executions in the store: " + executions.keySet() + ", expected " + EXECUTIONS);
        }
        int reRunBefore = 0;
        int reRunSubmit = 0;
        int reRunAfter = 0;
        int itemsSpanningRuns = 0;
        int completedAgainAfterCrash = 0;
        int racesRejected = 0;
        int duplicatesRejected = 0;
        int leftPending = 0;
        int appliedUnlogged = 0;
        Set<String> knownCallbackIds = new HashSet<>();
        for (int e = 0; e < EXECUTIONS; e++) {
            String name = MapCrashWorker.executionName(e);
            String[] row = executions.get(name);
            if (row == null) {
                violations.add(name + ": missing");
                continue;
            }
            String execId = row[0];
            if (!"SUCCEEDED".equals(row[1])) {
                violations.add(name + ": " + row[1] + " (" + row[3] + ")");
            }
            String actual = row[2] == null ? null : json.readValue(row[2], String.class);
            String expected = MapCrashWorker.expectedResult(e);
            if (!expected.equals(actual)) {
                violations.add(name + ": result " + actual + ", expected " + expected);
            }
            if (actual != null) {
                List<String> parts = List.of(actual.split(","));
                for (int k = 0; k < ITEMS; k++) {
                    String itemValue = MapCrashWorker.expectedItemResult(e, k);
                    long n = parts.stream().filter(itemValue::equals).count();
                    if (n != 1) {
                        violations.add(name + " item " + k + ": its result appears " + n + " times in the output");
                    }
                }
            }

            Map<String, Op> ops = operations.getOrDefault(execId, Map.of());
            Set<String> expectedOps = new HashSet<>();
            expectedOps.add("1");
            expect(violations, name, ops, "1", "CONTEXT", "Map", MapCrashWorker.MAP_NAME);
            Op map = ops.get("1");
            if (map != null && (map.result() == null
                    || !map.result().contains("ALL_COMPLETED:" + "S".repeat(ITEMS)))) {
                violations.add(name + ": map checkpoint " + map.result() + ", expected ALL_COMPLETED and every item S");
            }

            for (int k = 0; k < ITEMS; k++) {
                String where = name + " item " + k;
                String itemOp = "1-" + (k + 1);
                String beforeOp = itemOp + "-1";
                String wfcOp = itemOp + "-2";
                String cbOp = wfcOp + "-1";
                String submitOp = wfcOp + "-2";
                String afterOp = itemOp + "-3";
                expectedOps.addAll(List.of(itemOp, beforeOp, wfcOp, cbOp, submitOp, afterOp));
                String itemValue = MapCrashWorker.expectedItemResult(e, k);

                // Operations: each exactly as expected, SUCCEEDED, with the expected result.
                Op item = expect(violations, where, ops, itemOp, "CONTEXT", "MapItem", "item " + k);
                checkResult(violations, json, where + " map item", item, itemValue);
                Op before = expect(violations, where, ops, beforeOp, "STEP", null, MapCrashWorker.BEFORE);
                if (before != null && !Integer.toString(MapCrashWorker.beforeValue(e, k)).equals(before.result())) {
                    violations.add(where + ": step before checkpointed " + before.result());
                }
                Op wfc = expect(violations, where, ops, wfcOp, "CONTEXT", "WaitForCallback", MapCrashWorker.CALLBACK);
                checkResult(violations, json, where + " waitForCallback", wfc, MapCrashWorker.answer(k));
                Op cbOperation = expect(violations, where, ops, cbOp, "CALLBACK", null, MapCrashWorker.CALLBACK);
                checkResult(violations, json, where + " callback operation", cbOperation, MapCrashWorker.answer(k));
                Op submit = expect(violations, where, ops, submitOp, "STEP", null, MapCrashWorker.SUBMIT);
                Op after = expect(violations, where, ops, afterOp, "STEP", null, MapCrashWorker.AFTER);
                checkResult(violations, json, where + " step after", after, itemValue);

                // Exactly one callback for the item's callback operation, completed with the first result.
                List<Callback> cbs = callbacksByOp.getOrDefault(execId + " " + cbOp, List.of());
                Callback cb = null;
                if (cbs.size() != 1) {
                    violations.add(where + ": " + cbs.size() + " callback rows for operation " + cbOp + ": " + cbs);
                }
                if (!cbs.isEmpty()) {
                    cb = cbs.get(0);
                    cbs.forEach(x -> knownCallbackIds.add(x.id()));
                    if (!"SUCCEEDED".equals(cb.status())) {
                        violations.add(where + ": callback " + cb.id() + " is " + cb.status());
                    } else if (!MapCrashWorker.answer(k).equals(json.readValue(cb.result(), String.class))) {
                        violations.add(where + ": callback " + cb.id() + " holds " + cb.result() + ", expected "
                                + MapCrashWorker.answer(k) + " (the first result must stand)");
                    }
                }

                // The submitter handed out exactly that callback id, and no other.
                List<Effect> submits = effects.getOrDefault(name + "/" + k + "/submit", List.of());
                Set<String> submittedIds = new LinkedHashSet<>();
                submits.forEach(x -> submittedIds.add(x.callbackId()));
                List<String> inbox = pending.getOrDefault(name + "/" + k, List.of());
                if (submits.isEmpty()) {
                    violations.add(where + ": the submitter never ran");
                }
                if (submittedIds.size() > 1 || inbox.size() != 1
                        || (cb != null && !(submittedIds.equals(Set.of(cb.id())) && inbox.equals(List.of(cb.id()))))) {
                    violations.add(where + ": callback ids handed out " + submittedIds + ", in the inbox " + inbox
                            + ", in the store " + cbs.stream().map(Callback::id).toList()
                            + " (one callback per item expected)");
                }
                reRunSubmit += Math.max(0, submits.size() - 1);
                if (cb != null && Boolean.FALSE.equals(pendingDone.get(cb.id()))) {
                    leftPending++;
                }

                // The external system's calls: at most one applied, with the item's answer; others rejected.
                if (cb != null) {
                    List<Completion> calls = completionsById.getOrDefault(cb.id(), List.of());
                    long applied = calls.stream().filter(x -> "applied".equals(x.outcome())).count();
                    if (applied > 1) {
                        violations.add(where + ": callback " + cb.id() + " was completed " + applied + " times: "
                                + calls);
                    }
                    for (Completion x : calls) {
                        if ("applied".equals(x.outcome()) && !MapCrashWorker.answer(k).equals(x.value())) {
                            violations.add(where + ": a completion with " + x.value() + " was applied: " + x);
                        }
                        if ("unknown".equals(x.outcome())) {
                            violations.add(where + ": the engine did not know callback " + cb.id()
                                    + ", which the submitter had handed out: " + x);
                        }
                        if ("already".equals(x.outcome())) {
                            switch (x.kind()) {
                                case "race" -> racesRejected++;
                                case "again" -> duplicatesRejected++;
                                default -> completedAgainAfterCrash++;
                            }
                        }
                    }
                    if (applied == 0) {
                        // killed between completeCallback and logging it: the store has the answer, which only
                        // the external system gives, and a later run may have found it already completed
                        appliedUnlogged++;
                    }
                }

                // Side effects: never again after their outcome reached the workflow code, nor after the item ended.
                int runsOfItem = checkEffects(violations, where, "before", "its result",
                        effects.get(name + "/" + k + "/before"),
                        acks.get(name + "/" + k + "/before"), before,
                        Integer.toString(MapCrashWorker.beforeValue(e, k)));
                reRunBefore += Math.max(0, effects.getOrDefault(name + "/" + k + "/before", List.of()).size() - 1);
                checkEffects(violations, where, "submit", "the callback's result", submits,
                        acks.get(name + "/" + k + "/callback"), submit, null);
                checkEffects(violations, where, "after", "its result", effects.get(name + "/" + k + "/after"),
                        acks.get(name + "/" + k + "/after"), after, itemValue);
                reRunAfter += Math.max(0, effects.getOrDefault(name + "/" + k + "/after", List.of()).size() - 1);
                Ack cbAck = acks.get(name + "/" + k + "/callback");
                if (cbAck == null || !MapCrashWorker.answer(k).equals(cbAck.value())) {
                    violations.add(where + ": the callback result that reached the workflow was " + cbAck);
                }
                Set<Integer> runs = new HashSet<>();
                for (String kind : List.of("before", "submit", "after")) {
                    for (Effect x : effects.getOrDefault(name + "/" + k + "/" + kind, List.of())) {
                        runs.add(x.runNo());
                        if (item != null && item.endedAt() != null && x.atMs() > item.endedAt()) {
                            violations.add(where + ": " + kind + " ran (" + x + ") after the item was checkpointed"
                                    + " finished at " + item.endedAt());
                        }
                    }
                }
                if (runsOfItem > 0 && runs.size() > 1) {
                    itemsSpanningRuns++;
                }
            }
            Set<String> extra = new HashSet<>(ops.keySet());
            extra.removeAll(expectedOps);
            if (!extra.isEmpty()) {
                violations.add(name + ": unexpected operations " + new TreeMap<>(extra.stream()
                        .collect(java.util.stream.Collectors.toMap(x -> x, ops::get))));
            }
        }

        // No callback row, and no handed-out callback id, beyond one per item.
        for (Callback cb : callbacks) {
            if (!knownCallbackIds.contains(cb.id())) {
                violations.add("callback " + cb.id() + " belongs to no item's callback operation: " + cb);
            }
        }
        for (List<String> ids : pending.values()) {
            for (String id : ids) {
                if (!callbacksById.containsKey(id)) {
                    violations.add("callback id " + id + " was handed out but the store has no such callback");
                }
            }
        }
        for (Completion co : completions) {
            if ("applied".equals(co.outcome()) && co.kind().equals("again")) {
                violations.add("a second completion with another value was applied: " + co);
            }
        }
        Map<String, Long> outcomes = new TreeMap<>();
        completions.forEach(co -> outcomes.merge(co.kind() + ":" + co.outcome(), 1L, Long::sum));

        String summary = "side effects: " + allEffects.size()
                + "; items whose steps ran in more than one process: " + itemsSpanningRuns
                + "; before/submit/after bodies run again (at least once): " + reRunBefore + "/" + reRunSubmit + "/"
                + reRunAfter + "; completions rejected as already completed: after a crash " + completedAgainAfterCrash
                + ", concurrent race " + racesRejected + ", later duplicate " + duplicatesRejected
                + "; completion calls by kind:outcome " + outcomes
                + "; callbacks completed but not marked done in the inbox: " + leftPending
                + "; callbacks whose applied completion was not logged (killed in between): " + appliedUnlogged;
        return new Verification(violations, summary, itemsSpanningRuns, duplicatesRejected + racesRejected);
    }

    /** The operation {@code id}, checked to exist with this type, sub-type and name and to have SUCCEEDED. */
    private static Op expect(List<String> violations, String where, Map<String, Op> ops, String id, String type,
            String subType, String name) {
        Op op = ops.get(id);
        if (op == null) {
            violations.add(where + ": no checkpoint for operation " + id + " (" + type + " " + name + ")");
            return null;
        }
        if (!type.equals(op.type()) || !java.util.Objects.equals(subType, op.subType()) || !name.equals(op.name())) {
            violations.add(where + ": operation " + id + " is " + op + ", expected " + type + "/" + subType + " '"
                    + name + "'");
        }
        if (!"SUCCEEDED".equals(op.status())) {
            violations.add(where + ": operation " + id + " (" + name + ") is " + op.status());
        }
        return op;
    }

    private static void checkResult(List<String> violations, ObjectMapper json, String where, Op op, String expected)
            throws IOException {
        if (op == null || op.result() == null) {
            if (op != null) {
                violations.add(where + ": no result, expected " + expected);
            }
            return;
        }
        String actual = json.readValue(op.result(), String.class);
        if (!expected.equals(actual)) {
            violations.add(where + ": result " + actual + ", expected " + expected);
        }
    }

    /**
     * Checks the body runs of one step of one item: at least one; values as expected; none after the step's
     * outcome reached the workflow (ack) nor after the step's checkpoint was written. Returns how many ran.
     */
    private static int checkEffects(List<String> violations, String where, String kind, String acked,
            List<Effect> rows, Ack ack, Op op, String expectedValue) {
        if (rows == null || rows.isEmpty()) {
            violations.add(where + ": step " + kind + " never ran");
            return 0;
        }
        if (ack == null) {
            violations.add(where + ": " + acked + " (after " + kind + ") never reached the workflow (no ack)");
        }
        for (Effect x : rows) {
            if (expectedValue != null && !expectedValue.equals(x.value())) {
                violations.add(where + ": " + kind + " recorded " + x.value() + ", expected " + expectedValue);
            }
            if (ack != null && x.seq() > ack.seq()) {
                violations.add(where + ": " + kind + " ran again (" + x + ") after " + acked + " reached the"
                        + " workflow (ack at seq " + ack.seq() + " in run " + ack.runNo() + ")");
            }
            if (op != null && op.endedAt() != null && x.atMs() > op.endedAt()) {
                violations.add(where + ": " + kind + " ran (" + x + ") after its checkpoint, which ended at "
                        + op.endedAt());
            }
        }
        return rows.size();
    }

    // ------------------------------------------------------------------------------------------ child processes

    private Path startChild(String java, String classpath, Path dbFile, int run, boolean exclusive, long maxSeconds)
            throws IOException {
        Path out = tmp.resolve("child-" + run + ".out");
        Path err = tmp.resolve("child-" + run + ".err");
        logs.add(out);
        logs.add(err);
        List<String> command = new ArrayList<>(List.of(java,
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", classpath,
                MapCrashWorker.class.getName(),
                dbFile.toAbsolutePath().toString(), Integer.toString(run), Boolean.toString(exclusive),
                Long.toString(maxSeconds)));
        child = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return out;
    }

    private void awaitMarker(Path out, String marker, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (ChildJvm.read(out).contains(marker)) {
                return;
            }
            if (!child.isAlive()) {
                fail("child exited with " + child.exitValue() + " before printing " + marker + "\n" + tails());
            }
            Thread.sleep(10);
        }
        fail("child did not print " + marker + " within " + limit + "\n" + tails());
    }



    /** The WARN and ERROR lines the children logged (slf4j-simple), and the external system's complaints. */
    private List<String> childWarnings() {
        List<String> lines = new ArrayList<>();
        for (Path log : logs) {
            for (String line : ChildJvm.read(log).split("\n")) {
                if (line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("EXTERNAL")) {
                    lines.add(log.getFileName() + ": " + line);
                }
            }
        }
        return lines;
    }

    /** The last lines of every child's stdout and stderr. */
    private String tails() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < logs.size(); k++) {
            Path log = logs.get(k);
            boolean lastRun = k >= logs.size() - 2;
            String[] lines = ChildJvm.read(log).split("\n");
            int keep = !lastRun ? 20 : log.toString().endsWith(".err") ? 250 : 60;
            sb.append("----- ").append(log.getFileName()).append(" (last ").append(Math.min(keep, lines.length))
                    .append(" of ").append(lines.length).append(" lines)\n");
            for (int i = Math.max(0, lines.length - keep); i < lines.length; i++) {
                sb.append(lines[i]).append('\n');
            }
        }
        return sb.toString();
    }

    /** The java binary of this JVM. */


}
