package dev.cairn.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.StartOptions;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spring.boot.TestWorkflows.Approval;
import dev.cairn.spring.boot.TestWorkflows.EndedListener;
import dev.cairn.spring.boot.TestWorkflows.Greeting;
import dev.cairn.testing.InMemoryExecutionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

class CairnAutoConfigurationTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class))
            .withPropertyValues("cairn.tick=10ms", "cairn.poll-interval=100ms", "cairn.shutdown-grace=200ms");

    private static JdbcDataSource h2InMemory() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:boot-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private static boolean tableExists(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection();
             ResultSet rs = c.getMetaData().getTables(null, null, table.toUpperCase(), null)) {
            return rs.next();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Functions {
        @Bean
        Greeting greeting() {
            return new Greeting();
        }

        @Bean
        Approval approval() {
            return new Approval();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDataSource {
        @Bean
        JdbcDataSource dataSource() {
            return h2InMemory();
        }
    }

    @Test
    void withoutADataSourceTheEngineCheckpointsToAnEmbeddedH2File() {
        runner.withUserConfiguration(Functions.class)
                .withPropertyValues("cairn.jdbc.embedded-directory=" + dir)
                .run(context -> {
                    assertThat(context).hasSingleBean(JdbcExecutionStore.class).hasSingleBean(DurableEngine.class);
                    DurableEngine engine = context.getBean(DurableEngine.class);
                    String result = engine.startExecution(Greeting.class, "Ada").result(Duration.ofSeconds(20));
                    assertThat(result).isEqualTo("hello Ada");
                    assertThat(dir.resolve("cairn.mv.db")).exists();
                });
        // Closed with the context: the file is no longer locked, so another store can open it.
        try (JdbcExecutionStore reopened = JdbcExecutionStore.h2(dir)) {
            reopened.initialize();
            assertThat(reopened.countByStatus().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
        }
    }

    @Test
    void theApplicationsDataSourceHoldsTheTablesUnderTheConfiguredPrefix() {
        runner.withUserConfiguration(Functions.class, UserDataSource.class)
                .withPropertyValues("cairn.jdbc.table-prefix=shop_cairn_")
                .run(context -> {
                    DataSource ds = context.getBean(DataSource.class);
                    assertThat(tableExists(ds, "shop_cairn_executions")).isTrue();
                    assertThat(tableExists(ds, "cairn_executions")).isFalse();
                    DurableEngine engine = context.getBean(DurableEngine.class);
                    assertThat(engine.startExecution(Greeting.class, "Grace").result(Duration.ofSeconds(20)))
                            .isEqualTo("hello Grace");
                    try (Connection c = ds.getConnection();
                         ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM shop_cairn_executions")) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(1);
                    }
                });
    }

    @Test
    void everyDurableFunctionBeanIsRegisteredAndACallbackCompletesThroughTheEngine() {
        runner.withUserConfiguration(Functions.class, UserDataSource.class).run(context -> {
            DurableEngine engine = context.getBean(DurableEngine.class);
            ExecutionHandle<String> h = engine.startExecution(Approval.class, "order 7");
            engine.completeCallback(TestWorkflows.pendingCallback(engine, h.executionId()), "approved");
            assertThat(h.result(Duration.ofSeconds(20))).isEqualTo("reserved order 7, approved");
            assertThat(engine.startExecution("greeting", "Linus", String.class, StartOptions.defaults())
                    .result(Duration.ofSeconds(20))).isEqualTo("hello Linus");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Listeners {
        @Bean
        @Order(1)
        EndedListener first() {
            return new EndedListener();
        }

        @Bean
        @Order(2)
        EndedListener second() {
            return new EndedListener();
        }
    }

    @Test
    void everyExecutionListenerBeanIsToldWhatTheEngineDoes() {
        runner.withUserConfiguration(Functions.class, UserDataSource.class, Listeners.class).run(context -> {
            DurableEngine engine = context.getBean(DurableEngine.class);
            String id = engine.startExecution(Greeting.class, "Barbara").executionId();
            engine.handle(id, String.class).result(Duration.ofSeconds(20));
            for (EndedListener listener : context.getBeansOfType(EndedListener.class).values()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.ended.contains(id + " SUCCEEDED"));
            }
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEngine {
        @Bean(destroyMethod = "close")
        DurableEngine myEngine() {
            return DurableEngine.builder().store(new InMemoryExecutionStore()).register(new Greeting()).build();
        }
    }

    @Test
    void anEngineOfTheApplicationsOwnMakesTheStarterBackOff() {
        runner.withUserConfiguration(UserEngine.class, UserDataSource.class, Functions.class).run(context -> {
            assertThat(context).hasSingleBean(DurableEngine.class).hasBean("myEngine")
                    .doesNotHaveBean(JdbcExecutionStore.class).doesNotHaveBean(CairnEngineLifecycle.class);
            assertThat(context.getBean(DurableEngine.class).lastLeaseRenewal())
                    .as("the application starts its own engine").isEmpty();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserStore {
        @Bean
        InMemoryExecutionStore myStore() {
            return new InMemoryExecutionStore();
        }
    }

    @Test
    void aStoreOfTheApplicationsOwnIsUsedInsteadOfTheJdbcStore() {
        runner.withUserConfiguration(UserStore.class, UserDataSource.class, Functions.class).run(context -> {
            assertThat(context).hasSingleBean(ExecutionStore.class).doesNotHaveBean(JdbcExecutionStore.class);
            DurableEngine engine = context.getBean(DurableEngine.class);
            String id = engine.startExecution(Greeting.class, "Edsger").executionId();
            engine.handle(id, String.class).result(Duration.ofSeconds(20));
            assertThat(context.getBean(InMemoryExecutionStore.class).findExecution(id)).isPresent();
        });
    }

    @Test
    void customizersAdjustTheBuilderLast() {
        runner.withUserConfiguration(UserDataSource.class)
                .withBean(DurableEngineBuilderCustomizer.class, () -> builder -> builder.register("double",
                        Integer.class, Integer.class, (n, ctx) -> n * 2))
                .run(context -> assertThat(context.getBean(DurableEngine.class)
                        .startExecution("double", 21, Integer.class, StartOptions.defaults())
                        .result(Duration.ofSeconds(20))).isEqualTo(42));
    }

    @Test
    void initializeSchemaNeverRefusesToStartWithoutTheSchemaAndSaysWhatToDo() {
        runner.withUserConfiguration(UserDataSource.class, Functions.class)
                .withPropertyValues("cairn.jdbc.initialize-schema=never")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure()))
                            .contains("the Cairn schema is missing")
                            .contains("cairn.jdbc.initialize-schema is never")
                            .contains("cairn.jdbc.initialize-schema=always");
                });
    }

    @Test
    void initializeSchemaNeverStartsOnASchemaThatExists() {
        JdbcDataSource ds = h2InMemory();
        JdbcExecutionStore.create(ds).initialize(); // the team's own migration, done before
        runner.withBean(DataSource.class, () -> ds).withUserConfiguration(Functions.class)
                .withPropertyValues("cairn.jdbc.initialize-schema=never")
                .run(context -> assertThat(context.getBean(DurableEngine.class).startExecution(Greeting.class, "Tony")
                        .result(Duration.ofSeconds(20))).isEqualTo("hello Tony"));
    }

    @Test
    void initializeSchemaEmbeddedCreatesTheSchemaInAnEmbeddedH2() {
        runner.withUserConfiguration(UserDataSource.class, Functions.class)
                .withPropertyValues("cairn.jdbc.initialize-schema=embedded")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(tableExists(context.getBean(DataSource.class), "cairn_executions")).isTrue();
                });
    }

    @Test
    void initializeSchemaEmbeddedLeavesAServerDatabaseAlone() throws SQLException {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL("jdbc:postgresql://127.0.0.1:5432/test");
        pg.setUser("postgres");
        String prefix = "cairn_boot_emb_" + UUID.randomUUID().toString().substring(0, 8) + "_";
        runner.withBean(DataSource.class, () -> pg).withUserConfiguration(Functions.class)
                .withPropertyValues("cairn.jdbc.initialize-schema=embedded", "cairn.jdbc.table-prefix=" + prefix)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure())).contains("the Cairn schema is missing")
                            .contains("cairn.jdbc.initialize-schema is embedded");
                });
        try (Connection c = pg.getConnection();
             ResultSet rs = c.getMetaData().getTables(null, null, prefix + "%", null)) {
            assertThat(rs.next()).as("no table was created").isFalse();
        }
    }

    @Test
    void anInvalidTablePrefixFailsTheStartWithTheReason() {
        runner.withUserConfiguration(UserDataSource.class)
                .withPropertyValues("cairn.jdbc.table-prefix=bad-prefix")
                .run(context -> assertThat(messages(context.getStartupFailure()))
                        .contains("invalid table prefix 'bad-prefix'"));
    }

    @Test
    void aFlywayMigrationRunsBeforeTheStoreIsBuiltAndTheEngineStarts() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        FlywayAutoConfiguration.class, CairnAutoConfiguration.class))
                .withUserConfiguration(Functions.class)
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:flyway-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                        // the team applies Cairn's scripts with its own Flyway; Cairn only checks the version
                        "spring.flyway.locations=classpath:dev/cairn/jdbc/migrations/h2",
                        "spring.flyway.placeholders.prefix=cairn_",
                        "cairn.jdbc.initialize-schema=never")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(Arrays.asList(context.getBeanFactory().getBeanDefinition("cairnExecutionStore")
                            .getDependsOn())).contains("flywayInitializer");
                    assertThat(context.getBean(DurableEngine.class).startExecution(Greeting.class, "Flyway")
                            .result(Duration.ofSeconds(20))).isEqualTo("hello Flyway");
                });
    }

    /** A pool that records, when it is closed, whether the engine was still running. */
    static final class RecordingDataSource extends HikariDataSource {
        final AtomicReference<DurableEngine> engine = new AtomicReference<>();
        final AtomicReference<String> closedWhen = new AtomicReference<>();

        RecordingDataSource(String url) {
            setJdbcUrl(url);
        }

        @Override
        public void close() {
            closedWhen.set(engine.get().lastLeaseRenewal().isPresent() ? "engine running" : "engine closed");
            super.close();
        }
    }

    @Test
    void theEngineIsClosedBeforeTheDataSource() {
        RecordingDataSource ds = new RecordingDataSource("jdbc:h2:mem:order-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        runner.withBean("dataSource", RecordingDataSource.class, () -> ds).withUserConfiguration(Functions.class)
                .run(context -> {
                    DurableEngine engine = context.getBean(DurableEngine.class);
                    assertThat(engine.lastLeaseRenewal()).as("started with the context").isPresent();
                    assertThat(context.getBean(CairnEngineLifecycle.class).isRunning()).isTrue();
                    ds.engine.set(engine);
                });
        assertThat(ds.isClosed()).isTrue();
        assertThat(ds.closedWhen.get()).isEqualTo("engine closed");
    }

    @Test
    void theDataSourceOfSpringBootsAutoConfigurationIsUsed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class))
                .withUserConfiguration(Functions.class)
                .withPropertyValues("spring.datasource.url=jdbc:h2:file:" + dir.resolve("app") + ";DB_CLOSE_DELAY=-1")
                .run(context -> {
                    assertThat(context).hasSingleBean(DataSource.class).hasSingleBean(JdbcExecutionStore.class);
                    assertThat(tableExists(context.getBean(DataSource.class), "cairn_executions")).isTrue();
                    assertThat(Files.exists(dir.resolve("app.mv.db"))).isTrue();
                    assertThat(dir.resolve("cairn.mv.db")).doesNotExist();
                });
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
