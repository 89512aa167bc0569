package dev.cairn.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.CallbackDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console in a real browser: Debian's headless Chromium driven by playwright-core ({@code src/test/e2e}). The
 * test starts an engine with executions to look at and a console on a free port, runs the script with
 * {@code node}, and checks what it reports and what the engine then holds. It fails, and says how to install them,
 * when Chromium or the script's node modules are missing: run {@code console/src/test/e2e/install.sh}.
 */
class ConsoleBrowserTest {

    private static final Path E2E = Path.of("src/test/e2e").toAbsolutePath();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    @Timeout(180)
    void openTheListAnExecutionItsHistoryAndCompleteItsCallbackFromThePage() throws Exception {
        requireBrowser();
        Path out = Path.of("target", "e2e").toAbsolutePath();
        Files.createDirectories(out);

        try (Workflows workflows = new Workflows()) {
            List<ExecutionHandle<String>> others = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                others.add(workflows.greeting("guest " + i));
            }
            ExecutionHandle<String> broken = workflows.broken("the printer");
            ExecutionHandle<String> markup = workflows.greetingNamed("greeting <script>window.__cairnXss = 3</script>",
                    "markup");
            ExecutionHandle<String> order = workflows.order("lamp " + Workflows.SCRIPT_PAYLOAD, "order-42");
            CallbackDescription callback = workflows.awaitPendingCallback(order);
            workflows.engine.heartbeatCallback(callback.id());
            for (ExecutionHandle<String> h : others) {
                h.result(Duration.ofSeconds(20));
            }
            markup.result(Duration.ofSeconds(20));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> broken.status() == ExecutionStatus.FAILED);

            try (CairnConsole console = CairnConsole.builder(workflows.engine).port(0).actionsEnabled(true)
                    .refreshInterval(Duration.ofSeconds(1)).start()) {
                Run run = node(E2E.resolve("console.e2e.mjs").toString(), console.url().toString(),
                        order.executionId(), markup.executionId(), out.toString());
                assertEquals(0, run.exitCode, "the browser script failed:\n" + run.output);
                for (String check : List.of("ok: the history shows", "ok: the timeline shows each attempt",
                        "ok: payloads holding <script> are shown as text and never run",
                        "ok: completed the callback from the page and saw the execution SUCCEEDED",
                        "ok: no script error or policy violation")) {
                    assertTrue(run.output.contains(check), "missing '" + check + "' in:\n" + run.output);
                }
            }
            assertEquals("reserved lamp " + Workflows.SCRIPT_PAYLOAD + ", charged for lamp " + Workflows.SCRIPT_PAYLOAD
                    + ", approved from the page", order.result(Duration.ofSeconds(10)),
                    "the engine got the result typed in the page");
            assertTrue(Files.size(out.resolve("console-execution.png")) > 10_000, "a screenshot was saved");
        }
    }

    private static void requireBrowser() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("Chromium is missing at " + CHROMIUM + ": run console/src/test/e2e/install.sh"
                    + " (apt-get install -y chromium)");
        }
        if (!Files.isRegularFile(E2E.resolve("node_modules/playwright-core/package.json"))) {
            fail("playwright-core is not installed in " + E2E + ": run console/src/test/e2e/install.sh (npm ci in"
                    + " that folder)");
        }
        try {
            Run version = run(List.of("node", "--version"), Duration.ofSeconds(20));
            if (version.exitCode != 0) {
                fail("node --version failed: " + version.output);
            }
        } catch (IOException e) {
            fail("node is not on the PATH (" + e.getMessage() + "): install Node.js 20 or later, then run"
                    + " console/src/test/e2e/install.sh");
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run node(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("node");
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(150));
    }

    private static Run run(List<String> command, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(could not read the output: " + e + ")";
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + output.getNow(""));
            }
            return new Run(p.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not read the output of " + command, e);
        }
    }
}
