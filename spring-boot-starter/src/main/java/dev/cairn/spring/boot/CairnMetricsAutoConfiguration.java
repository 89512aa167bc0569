package dev.cairn.spring.boot;

import dev.cairn.DurableEngine;
import dev.cairn.micrometer.CairnMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Cairn's meters ({@link CairnMetrics}) on the application's {@link MeterRegistry}, when {@code cairn-micrometer}
 * is on the class path and the application has a registry (Spring Boot's actuator makes one). The listener is an
 * {@link dev.cairn.ExecutionListener} bean, so the starter's engine is given it like any other listener; once the
 * beans are made, it is bound to the engine for its gauges. Turned off with {@code cairn.metrics.enabled=false}.
 */
@AutoConfiguration(before = CairnAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"})
@ConditionalOnClass({CairnMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "cairn.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class CairnMetricsAutoConfiguration {

    /** Used by Spring. */
    public CairnMetricsAutoConfiguration() {
    }

    /**
     * The meters, as a listener of the engine.
     *
     * @param registry the application's registry
     * @return the listener
     */
    @Bean
    @ConditionalOnMissingBean
    public CairnMetrics cairnMetrics(MeterRegistry registry) {
        return CairnMetrics.create(registry);
    }

    /**
     * Binds the meters to the engine once every singleton is made, for the gauges that read it
     * ({@code cairn.timers.pending}, {@code cairn.executions.stored}). Nothing is bound without an engine bean.
     *
     * @param metrics the meters
     * @param engine  the engine, the starter's or the application's
     * @return what binds them
     */
    @Bean
    public SmartInitializingSingleton cairnMetricsBinder(CairnMetrics metrics, ObjectProvider<DurableEngine> engine) {
        return () -> engine.ifAvailable(metrics::bindTo);
    }
}
