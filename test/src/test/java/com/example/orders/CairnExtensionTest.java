package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.example.orders.OrderWorkflow.Order;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The extension itself, seen from outside: a test class that uses it is run through the JUnit Platform launcher, and
 * what the platform reports (results, report entries, what was printed) is checked.
 */
class CairnExtensionTest {

    /** Set while the launcher below runs {@link OrderTests}. */
    static volatile boolean launching;

    /** Run only by the launcher below, not by the build (where it would fail on purpose). */
    @EnabledIf("com.example.orders.CairnExtensionTest#launching")
    static class OrderTests {
        static final List<TestEngine> ENGINES = new CopyOnWriteArrayList<>();

        @RegisterExtension
        CairnExtension cairn = CairnExtension.inMemory().register(new OrderWorkflow(new FakePayments(0)));

        @Test
        void failsWhileTheOrderWaitsForItsApproval(TestEngine engine) {
            ENGINES.add(engine);
            engine.run(OrderWorkflow.class, new Order("o-fail", 5));
            fail("the order was expected to be shipped by now");
        }

        @Test
        void passes(TestEngine engine) {
            ENGINES.add(engine);
            engine.run(OrderWorkflow.class, new Order("o-pass", 5));
        }
    }

    static boolean launching() {
        return launching;
    }

    private record Run(Map<String, TestExecutionResult.Status> results, Map<String, String> reports, String printed) {
    }

    private static Run launch(Class<?> testClass) {
        Map<String, TestExecutionResult.Status> results = new ConcurrentHashMap<>();
        Map<String, String> reports = new ConcurrentHashMap<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) {
                    results.put(test.getDisplayName(), result.getStatus());
                }
            }

            @Override
            public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
                entry.getKeyValuePairs().forEach((key, value) -> {
                    if (key.equals(CairnExtension.REPORT_KEY)) {
                        reports.put(test.getDisplayName(), value);
                    }
                });
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        launching = true;
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
                    listener);
        } finally {
            launching = false;
            System.setErr(before);
        }
        return new Run(results, reports, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailingTestGetsAReportOfItsExecutionsAndAPassingOneDoesNot() {
        OrderTests.ENGINES.clear();

        Run run = launch(OrderTests.class);

        assertEquals(TestExecutionResult.Status.FAILED, run.results().get("failsWhileTheOrderWaitsForItsApproval(TestEngine)"));
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.results().get("passes(TestEngine)"));
        assertEquals(1, run.reports().size(), run.reports().toString());
        String report = run.reports().get("failsWhileTheOrderWaitsForItsApproval(TestEngine)");
        assertTrue(report.contains("1 execution started by this test"), report);
        assertTrue(report.contains("of 'order': SUSPENDED"), report);
        assertTrue(report.contains("\"id\":\"o-fail\""), report);
        assertTrue(report.contains("1 STEP 'reserve' SUCCEEDED, attempt 1"), report);
        assertTrue(report.contains("2 WAIT 'cooling-off' STARTED"), report);
        assertTrue(report.contains("  history:\n"), report);
        assertTrue(report.contains(" EXECUTION_SUSPENDED, until "), "the pause shows in the history: " + report);
        assertFalse(report.contains("o-pass"), "only the failing test's executions: " + report);
        assertTrue(run.printed().contains("failsWhileTheOrderWaitsForItsApproval(TestEngine) failed; " + report),
                run.printed());
    }

    @Test
    void everyTestGetsAFreshEngineClosedAfterIt() {
        OrderTests.ENGINES.clear();

        launch(OrderTests.class);

        assertEquals(2, OrderTests.ENGINES.size());
        assertFalse(OrderTests.ENGINES.get(0) == OrderTests.ENGINES.get(1));
        for (TestEngine engine : OrderTests.ENGINES) {
            assertEquals(1, engine.executionIds().size(), "its own execution only");
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> engine.run(OrderWorkflow.class, new Order("late", 1)));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
    }
}
