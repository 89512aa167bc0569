package dev.cairn.jdbc.crash;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.StepInterruptedException;
import dev.cairn.jdbc.ChildJvm;
import dev.cairn.jdbc.crash.CrashWorker.Kind;
import dev.cairn.jdbc.crash.CrashWorker.Op;
import java.io.File;
import java.io.IOException;
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
 * Durability proven by killing real JVMs: a child JVM ({@link CrashWorker}) runs executions against an H2 file
 * database and is killed with SIGKILL at random moments, several times, then restarted until every execution
 * has ended. The database is then checked: every execution succeeded with the expected result; at-most-once
 * steps never ran twice for one attempt; and no step ran again after its outcome reached the workflow code.
 *
 * <p>Reproduce a run with {@code -Dcrash.seed=<seed printed in the output>} (the kill moments; thread timing is
 * not reproducible).
 */
class CrashRecoveryTest {

    private static final int EXECUTIONS = 64;
    private static final int KILLS = 5;
    private static final int MIN_KILL_DELAY_MS = 300;
    private static final int MAX_KILL_DELAY_MS = 1500;
    /**
     * Added to the kill delay of a lease-takeover run, which runs little until the killed run's leases run out
     * (up to {@link CrashWorker#LEASE} after the kill, most of it spent starting the JVM).
     */
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

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void executionsSurviveRepeatedKillMinus9() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("CrashRecoveryTest seed=" + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        Path dbFile = tmp.resolve("db").resolve("crash");
        Files.createDirectories(dbFile.getParent());
        String java = ChildJvm.javaBinary();
        String classpath = ChildJvm.classpath();
        System.out.println("  child JVM: " + java + ", classpath of " + classpath.split(File.pathSeparator).length
                + " entries (surefire.test.class.path " + (System.getProperty("surefire.test.class.path") == null
                ? "not set" : "set") + ")");
        long t0 = System.nanoTime();

        List<String> killReports = new ArrayList<>();
        Map<Integer, String> statusAtKill = new TreeMap<>();
        int run = 0;
        boolean finishedEarly = false;
        for (; run < KILLS; run++) {
            boolean exclusive = run % 2 == 0;
            Path out = startChild(java, classpath, dbFile, run, exclusive, 60);
            awaitMarker(out, CrashWorker.STARTED, Duration.ofSeconds(60));
            long delay = MIN_KILL_DELAY_MS + random.nextInt(MAX_KILL_DELAY_MS - MIN_KILL_DELAY_MS + 1)
                    + (exclusive ? 0 : LEASE_RUN_EXTRA_DELAY_MS);
            if (child.waitFor(delay, TimeUnit.MILLISECONDS)) {
                // It finished everything before the kill: nothing left to interrupt.
                assertEquals(0, child.exitValue(), "child run " + run + " exited on its own\n" + tails());
                killReports.add("run " + run + ": finished before its kill at +" + delay + " ms");
                finishedEarly = true;
                run++;
                break;
            }
            String status = ChildJvm.lastLine(out, "STATUS");
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "killed child did not exit\n" + tails());
            int exit = child.exitValue();
            statusAtKill.put(run, status);
            killReports.add("run " + run + " (" + (exclusive ? "exclusive" : "lease takeover") + "): killed "
                    + delay + " ms after STARTED, exit " + exit + ", last " + status);
            assertEquals(SIGKILL_EXIT, exit, "destroyForcibly() should SIGKILL the child (exit 137)\n" + tails());
            assertTrue(!ChildJvm.read(out).contains(CrashWorker.SHUTDOWN_HOOK),
                    "the child ran its shutdown hooks, so it was not killed with SIGKILL\n" + tails());
        }
        int kills = statusAtKill.size();

        if (!finishedEarly) {
            // The last run, left alone until every execution has ended.
            boolean exclusive = run % 2 == 0;
            Path out = startChild(java, classpath, dbFile, run, exclusive, FINAL_RUN_LIMIT.toSeconds());
            Process last = child;
            try {
                await("final run " + run + " to end every execution")
                        .atMost(FINAL_RUN_LIMIT.plusSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !last.isAlive() || ChildJvm.read(out).contains(CrashWorker.ALL_DONE));
                assertTrue(last.waitFor(30, TimeUnit.SECONDS), "final child did not exit after ALL DONE\n" + tails());
            } catch (ConditionTimeoutException e) {
                fail("executions did not all end within " + FINAL_RUN_LIMIT + "; last status: " + ChildJvm.lastLine(out, "STATUS")
                        + "\n" + tails(), e);
            }
            killReports.add("run " + run + " (" + (exclusive ? "exclusive" : "lease takeover") + "): final, exit "
                    + last.exitValue() + ", " + ChildJvm.lastLine(out, CrashWorker.ALL_DONE));
            assertEquals(0, last.exitValue(), "final child run failed\n" + tails());
        }
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        killReports.forEach(r -> System.out.println("  " + r));
        System.out.println("  children ran for " + elapsed + " ms in all");

        assertTrue(kills >= 1, "no kill happened: the first run finished before it\n" + String.join("\n", killReports));
        String firstKillStatus = statusAtKill.values().iterator().next();
        assertTrue(firstKillStatus != null && !firstKillStatus.contains("ended=" + EXECUTIONS + " "),
                "the first kill should land while executions are still running: " + firstKillStatus);

        List<String> warnings = childWarnings();
        System.out.println("  WARN/ERROR lines in the children's logs: " + warnings.size());
        warnings.stream().limit(20).forEach(w -> System.out.println("    " + w));

        verify(dbFile, kills, killReports);
    }

    // ------------------------------------------------------------------------------------------ verification

    private record Effect(long seq, String execution, String step, int attempt, int runNo) {
    }

    private record Ack(long seq, String outcome, int runNo) {
    }

    private record Operation(String status, int attempt, String errorType) {
    }

    private void verify(Path dbFile, int kills, List<String> killReports) throws SQLException, IOException {
        List<String> violations = new ArrayList<>();
        Map<String, Map<String, List<Effect>>> effects = new HashMap<>(); // execution -> step -> rows
        List<Effect> allEffects = new ArrayList<>();
        Map<String, Map<String, Ack>> acks = new HashMap<>();
        Map<String, Map<String, Operation>> operations = new HashMap<>();
        Map<String, Map<String, String>> waits = new HashMap<>(); // execution -> wait -> status
        Map<String, String[]> executions = new HashMap<>(); // name -> {status, output, error}
        ObjectMapper json = new ObjectMapper();

        try (Connection c = DriverManager.getConnection(CrashWorker.url(dbFile), "sa", "");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT seq, execution, step_name, attempt, run_no FROM side_effects"
                    + " ORDER BY seq")) {
                while (rs.next()) {
                    Effect e = new Effect(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5));
                    allEffects.add(e);
                    effects.computeIfAbsent(e.execution(), k -> new HashMap<>())
                            .computeIfAbsent(e.step(), k -> new ArrayList<>()).add(e);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT execution, step_name, ack_seq, outcome, run_no FROM acks")) {
                while (rs.next()) {
                    acks.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                            .put(rs.getString(2), new Ack(rs.getLong(3), rs.getString(4), rs.getInt(5)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT e.name, o.name, o.status, o.attempt, o.error_type"
                    + " FROM cairn_operations o JOIN cairn_executions e ON e.id = o.execution_id"
                    + " WHERE o.type = 'STEP'")) {
                while (rs.next()) {
                    operations.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                            .put(rs.getString(2), new Operation(rs.getString(3), rs.getInt(4), rs.getString(5)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT e.name, o.name, o.status FROM cairn_operations o"
                    + " JOIN cairn_executions e ON e.id = o.execution_id WHERE o.type = 'WAIT'")) {
                while (rs.next()) {
                    waits.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT name, status, output, error_type, error_message"
                    + " FROM cairn_executions")) {
                while (rs.next()) {
                    executions.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3),
                            rs.getString(4) + ": " + rs.getString(5)});
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

        assertEquals(EXECUTIONS, executions.size(), "executions in the store: " + executions.keySet());
        int interruptedSteps = 0;
        int reRunAttempts = 0;
        int retriedInterruptions = 0;
        int executionsSpanningRuns = 0;
        Map<String, Integer> interruptedByStep = new TreeMap<>();
        for (int i = 0; i < EXECUTIONS; i++) {
            String name = CrashWorker.executionName(i);
            String[] row = executions.get(name);
            Map<String, Operation> ops = operations.getOrDefault(name, Map.of());
            Map<String, List<Effect>> byStep = effects.getOrDefault(name, Map.of());
            Map<String, Ack> acked = acks.getOrDefault(name, Map.of());
            if (row == null) {
                violations.add(name + ": missing");
                continue;
            }
            if (!"SUCCEEDED".equals(row[0])) {
                violations.add(name + ": " + row[0] + " (" + row[2] + ")");
                continue;
            }
            Set<String> interrupted = new HashSet<>();
            Set<Integer> runs = new HashSet<>();
            for (Op op : CrashWorker.PLAN) {
                if (op.kind() == Kind.WAIT) {
                    String status = waits.getOrDefault(name, Map.of()).get(op.name());
                    if (!"SUCCEEDED".equals(status)) {
                        violations.add(name + " wait " + op.name() + ": " + status);
                    }
                    continue;
                }
                String where = name + " step " + op.name();
                Operation o = ops.get(op.name());
                List<Effect> rows = byStep.getOrDefault(op.name(), List.of());
                rows.forEach(e -> runs.add(e.runNo()));
                if (o == null) {
                    violations.add(where + ": no checkpoint");
                    continue;
                }
                if ("FAILED".equals(o.status())) {
                    if (!op.kind().atMostOnce() || !StepInterruptedException.class.getName().equals(o.errorType())) {
                        violations.add(where + ": FAILED with " + o.errorType());
                    }
                    interrupted.add(op.name());
                    interruptedByStep.merge(op.name(), 1, Integer::sum);
                    interruptedSteps++;
                } else if (!"SUCCEEDED".equals(o.status())) {
                    violations.add(where + ": checkpoint left " + o.status() + " in a SUCCEEDED execution");
                }
                Map<Integer, Integer> perAttempt = new TreeMap<>();
                rows.forEach(e -> perAttempt.merge(e.attempt(), 1, Integer::sum));
                for (Map.Entry<Integer, Integer> a : perAttempt.entrySet()) {
                    if (a.getKey() > o.attempt()) {
                        violations.add(where + ": the body ran for attempt " + a.getKey() + " but the checkpoint"
                                + " records " + o.attempt() + " attempt(s): " + rows);
                    }
                    if (a.getValue() > 1) {
                        if (op.kind().atMostOnce()) {
                            violations.add(where + " (at most once): attempt " + a.getKey() + " ran " + a.getValue()
                                    + " times: " + rows);
                        } else {
                            reRunAttempts += a.getValue() - 1;
                        }
                    }
                }
                if (op.kind() == Kind.AMO_RETRY && "SUCCEEDED".equals(o.status())) {
                    retriedInterruptions += o.attempt() - 1 - (op.flaky(i) ? 1 : 0);
                }
                if (op.kind() == Kind.AMO_ONCE && rows.size() > 1) {
                    violations.add(where + " (at most once, no retry): ran " + rows.size() + " times: " + rows);
                }
                if ("SUCCEEDED".equals(o.status()) && perAttempt.getOrDefault(o.attempt(), 0) < 1) {
                    violations.add(where + ": SUCCEEDED at attempt " + o.attempt() + " but that attempt never ran: "
                            + rows);
                }
                if (op.kind().atMostOnce() && "SUCCEEDED".equals(o.status())
                        && perAttempt.getOrDefault(o.attempt(), 0) != 1) {
                    violations.add(where + ": at-most-once step SUCCEEDED at attempt " + o.attempt()
                            + " should have exactly one side effect for it: " + rows);
                }
                Ack ack = acked.get(op.name());
                if (ack == null) {
                    violations.add(where + ": its outcome never reached the workflow (no ack)");
                } else {
                    String expectedOutcome = interrupted.contains(op.name()) ? "interrupted" : "ok";
                    if (!expectedOutcome.equals(ack.outcome())) {
                        violations.add(where + ": acked as " + ack.outcome() + " but the checkpoint says "
                                + o.status());
                    }
                    for (Effect e : rows) {
                        if (e.seq() > ack.seq()) {
                            violations.add(where + ": ran again (" + e + ") after its outcome reached the workflow"
                                    + " (ack at seq " + ack.seq() + " in run " + ack.runNo() + ")");
                        }
                    }
                }
            }
            if (runs.size() > 1) {
                executionsSpanningRuns++;
            }
            String expected = CrashWorker.expectedResult(i, interrupted);
            String actual = row[1] == null ? null : json.readValue(row[1], String.class);
            if (!expected.equals(actual)) {
                violations.add(name + ": result " + actual + ", expected " + expected);
            }
        }

        String summary = "kills: " + kills + "; side effects: " + allEffects.size()
                + "; at-least-once attempts run again: " + reRunAttempts
                + "; at-most-once steps failed as interrupted: " + interruptedSteps + " " + interruptedByStep
                + "; at-most-once attempts interrupted then retried: " + retriedInterruptions
                + "; executions whose steps ran in more than one process: " + executionsSpanningRuns;
        System.out.println("  " + summary);
        if (!violations.isEmpty()) {
            fail(violations.size() + " violation(s):\n  " + String.join("\n  ", violations.subList(0,
                    Math.min(violations.size(), 60))) + "\n" + summary + "\n" + String.join("\n", killReports)
                    + "\n" + tails());
        }
        assertTrue(executionsSpanningRuns > 0 && reRunAttempts + interruptedSteps + retriedInterruptions > 0,
                "the kills did not interrupt any work: " + summary + "\n" + String.join("\n", killReports));
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
                "-Dcrash.threads=" + Boolean.getBoolean("crash.threads"),
                "-cp", classpath,
                CrashWorker.class.getName(),
                dbFile.toAbsolutePath().toString(), Integer.toString(run), Boolean.toString(exclusive),
                Integer.toString(EXECUTIONS), Long.toString(maxSeconds)));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        child = pb.start();
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



    /** The WARN and ERROR lines the children logged (slf4j-simple), for the test's output. */
    private List<String> childWarnings() {
        List<String> lines = new ArrayList<>();
        for (Path log : logs) {
            for (String line : ChildJvm.read(log).split("\n")) {
                if (line.contains(" WARN ") || line.contains(" ERROR ")) {
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
            int keep = lastRun ? 60 : 20;
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
