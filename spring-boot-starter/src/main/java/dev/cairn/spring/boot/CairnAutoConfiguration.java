package dev.cairn.spring.boot;

import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionListener;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.Serializer;
import dev.cairn.spring.boot.CairnProperties.InitializeSchema;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the Cairn engine: a {@link JdbcExecutionStore} on the application's {@link DataSource} (an
 * embedded H2 file in {@code cairn.jdbc.embedded-directory}, {@code ./cairn-data} by default, when the application
 * has none), a {@link DurableEngine} with every {@link DurableFunction} and {@link ExecutionListener} bean
 * registered, configured from the {@code cairn.*} properties ({@link CairnProperties}), and the
 * {@link CairnEngineLifecycle} that starts it once the context is refreshed and closes it before the DataSource.
 *
 * <p>It backs off entirely when the application defines its own {@link DurableEngine} bean, and builds no store when
 * the application defines its own {@link ExecutionStore} bean (the engine then uses that one). A {@link Serializer}
 * or a Cairn {@link Clock} bean replaces the engine's default; {@link DurableEngineBuilderCustomizer} beans adjust
 * the builder last.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@ConditionalOnMissingBean(DurableEngine.class)
@EnableConfigurationProperties(CairnProperties.class)
public class CairnAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CairnAutoConfiguration.class);

    /** Used by Spring. */
    public CairnAutoConfiguration() {
    }

    /** The store on the application's DataSource (the only one, or the primary one). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(DataSource.class)
    @ConditionalOnMissingBean(ExecutionStore.class)
    static class DataSourceStoreConfiguration {

        // Depends on Flyway, Liquibase and Spring Boot's SQL scripts: their migrations run before the store is built
        // (it borrows a connection to detect the database), and so before the engine starts.
        @Bean
        @DependsOnDatabaseInitialization
        JdbcExecutionStore cairnExecutionStore(DataSource dataSource, CairnProperties properties) {
            CairnProperties.Jdbc jdbc = properties.getJdbc();
            String url = EmbeddedDatabases.url(dataSource);
            if (EmbeddedDatabases.isInMemory(url)) {
                log.warn("Cairn checkpoints to an in-memory H2 database ({}): every execution is lost when the JVM "
                        + "exits. Configure spring.datasource.url with a file or a server database to keep them.", url);
            }
            boolean migrate = switch (jdbc.getInitializeSchema()) {
                case ALWAYS -> true;
                case EMBEDDED -> EmbeddedDatabases.isEmbedded(url);
                case NEVER -> false;
            };
            return JdbcExecutionStore.builder(dataSource).tablePrefix(jdbc.getTablePrefix()).migrate(migrate).build();
        }
    }

    /**
     * The store on an embedded H2 file of its own, when the application has no DataSource. The file is locked by
     * this process; its schema is always initialised.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean({DataSource.class, ExecutionStore.class})
    static class EmbeddedStoreConfiguration {

        @Bean(destroyMethod = "close")
        JdbcExecutionStore cairnExecutionStore(CairnProperties properties) {
            CairnProperties.Jdbc jdbc = properties.getJdbc();
            if (!JdbcExecutionStore.DEFAULT_TABLE_PREFIX.equals(jdbc.getTablePrefix())) {
                log.warn("cairn.jdbc.table-prefix is ignored by the embedded H2 database in {}: it uses {}",
                        jdbc.getEmbeddedDirectory().toAbsolutePath(), JdbcExecutionStore.DEFAULT_TABLE_PREFIX);
            }
            log.info("Cairn checkpoints to the embedded H2 database in {} (the application has no DataSource)",
                    jdbc.getEmbeddedDirectory().toAbsolutePath());
            return JdbcExecutionStore.h2(jdbc.getEmbeddedDirectory());
        }
    }

    /**
     * The engine, built but not started: {@link CairnEngineLifecycle} starts it. Closed when the context closes,
     * before the store and the DataSource it depends on.
     *
     * @param store       the store
     * @param properties  the {@code cairn.*} properties
     * @param functions   the durable functions to register
     * @param listeners   the listeners to add, in their order
     * @param serializer  the serializer, if the application defines one
     * @param clock       the engine's clock, if the application defines one
     * @param customizers what adjusts the builder last
     * @return the engine
     */
    @Bean(destroyMethod = "close")
    public DurableEngine durableEngine(ExecutionStore store, CairnProperties properties,
            ObjectProvider<DurableFunction<?, ?>> functions, ObjectProvider<ExecutionListener> listeners,
            ObjectProvider<Serializer> serializer, ObjectProvider<Clock> clock,
            ObjectProvider<DurableEngineBuilderCustomizer> customizers) {
        DurableEngine.Builder builder = DurableEngine.builder().store(store)
                .concurrency(properties.getConcurrency())
                .maxPayloadBytes(Math.toIntExact(properties.getMaxPayloadSize().toBytes()))
                .leaseDuration(properties.getLeaseDuration())
                .schedulerWindow(properties.getSchedulerWindow())
                .pollInterval(properties.getPollInterval())
                .tick(properties.getTick())
                .shutdownGrace(properties.getShutdownGrace())
                .historyCacheSize(properties.getHistoryCacheSize());
        if (properties.getNodeId() != null) {
            builder.nodeId(properties.getNodeId());
        }
        serializer.ifAvailable(builder::serializer);
        clock.ifAvailable(builder::clock);
        functions.orderedStream().forEach(function -> register(builder, function));
        listeners.orderedStream().forEach(builder::listener);
        // CairnMetricsAutoConfiguration's CairnMetrics is an ExecutionListener bean: the line above adds it.

        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * Starts and closes the engine with the application context.
     *
     * @param engine     the engine
     * @param properties the {@code cairn.*} properties
     * @return the lifecycle
     */
    @Bean
    public CairnEngineLifecycle cairnEngineLifecycle(DurableEngine engine, CairnProperties properties) {
        InitializeSchema schema = properties.getJdbc().getInitializeSchema();
        return new CairnEngineLifecycle(engine, schema);
    }

    /**
     * Registers a function bean. A proxy (a CGLIB subclass made for AOP) is registered under the name its own class
     * would give, not the proxy's.
     */
    private static void register(DurableEngine.Builder builder, DurableFunction<?, ?> function) {
        Class<?> userClass = ClassUtils.getUserClass(function);
        if (userClass == function.getClass()) {
            builder.register(function);
            return;
        }
        DurableWorkflow annotation = userClass.getAnnotation(DurableWorkflow.class);
        builder.register(annotation != null && !annotation.name().isEmpty() ? annotation.name()
                : userClass.getSimpleName(), function);
    }
}
