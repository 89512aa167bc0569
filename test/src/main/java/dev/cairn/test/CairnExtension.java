package dev.cairn.test;

import dev.cairn.DurableFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension of the test kit: a fresh {@link TestEngine} for every test, on the in-memory store, on an H2
 * file or on the team's own database, injected into test methods, closed after each test.
 *
 * <pre>{@code
 * class OrderWorkflowTest {
 *     @RegisterExtension
 *     CairnExtension cairn = CairnExtension.inMemory().register(new OrderWorkflow());
 *
 *     @Test
 *     void shipsOnceApproved(TestEngine engine) {
 *         TestResult<Receipt> r = engine.run(OrderWorkflow.class, order);
 *         engine.completeCallback(r.executionId(), "approval", "approved");
 *         assertEquals(SUCCEEDED, engine.runUntilComplete(r).status());
 *     }
 * }
 * }</pre>
 *
 * <p>When a test fails, the extension prints (to standard error) and publishes as a JUnit report entry (key
 * {@value #REPORT_KEY}) a report of every execution the test started: status, error, operations and callbacks.
 */
public final class CairnExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The key of the report entry published for a failed test. */
    public static final String REPORT_KEY = "cairn";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CairnExtension.class);

    private final Supplier<TestEngine> engines;
    private final List<Consumer<TestEngine>> setup = new ArrayList<>();
    private volatile TestEngine current;

    private CairnExtension(Supplier<TestEngine> engines) {
        this.engines = engines;
    }

    /** Each test on a fresh {@code InMemoryExecutionStore}. */
    public static CairnExtension inMemory() {
        return new CairnExtension(TestEngine::inMemory);
    }

    /**
     * Each test on a fresh H2 database file in a temporary directory, deleted after the test: the JDBC store as
     * production runs it. Needs {@code dev.cairn:cairn-engine-jdbc} and {@code com.h2database:h2} on the test class
     * path.
     *
     * @throws IllegalStateException if they are not there
     */
    public static CairnExtension h2() {
        JdbcStores.check("CairnExtension.h2()", true);
        return new CairnExtension(JdbcStores::h2);
    }

    /**
     * Each test on the Cairn tables of {@code dataSource} (PostgreSQL, MariaDB, MySQL or H2), created or migrated at
     * the first test. The tables are shared by the tests and not emptied; every test sees only its own executions.
     * Needs {@code dev.cairn:cairn-engine-jdbc} (and the database's driver) on the test class path.
     *
     * @throws IllegalStateException if the JDBC store is not there
     */
    public static CairnExtension jdbc(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        JdbcStores.check("CairnExtension.jdbc(DataSource)", false);
        return new CairnExtension(() -> JdbcStores.on(dataSource));
    }

    /** Registers a function on every test's engine. @see TestEngine#register(DurableFunction) */
    public CairnExtension register(DurableFunction<?, ?> function) {
        Objects.requireNonNull(function, "function");
        setup.add(engine -> engine.register(function));
        return this;
    }

    /** Registers a function under a name with explicit types on every test's engine. */
    public <I, O> CairnExtension register(String name, Class<I> inputType, Class<O> outputType,
            DurableFunction<I, O> function) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        setup.add(engine -> engine.register(name, inputType, outputType, function));
        return this;
    }

    /** How long each engine waits in real time for the workflow to settle. @see TestEngine#timeout(Duration) */
    public CairnExtension timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        setup.add(engine -> engine.timeout(timeout));
        return this;
    }

    /** The engine of the test running now. @throws IllegalStateException outside a test */
    public TestEngine engine() {
        TestEngine engine = current;
        if (engine == null) {
            throw new IllegalStateException("no test is running: the engine exists from before each test to after it");
        }
        return engine;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        TestEngine engine = engines.get();
        try {
            setup.forEach(s -> s.accept(engine));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        current = engine;
        context.getStore(NAMESPACE).put(TestEngine.class, engine);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestEngine engine = context.getStore(NAMESPACE).remove(TestEngine.class, TestEngine.class);
        current = null;
        if (engine == null) {
            return;
        }
        try {
            if (context.getExecutionException().isPresent()) {
                String report = engine.report();
                System.err.println(context.getDisplayName() + " failed; " + report);
                context.publishReportEntry(REPORT_KEY, report);
            }
        } finally {
            engine.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestEngine.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestEngine engine = context.getStore(NAMESPACE).get(TestEngine.class, TestEngine.class);
        if (engine == null) {
            throw new ParameterResolutionException("a TestEngine is injected into test methods (and @BeforeEach or"
                    + " @AfterEach methods) only, once CairnExtension has made one for the test");
        }
        return engine;
    }
}
