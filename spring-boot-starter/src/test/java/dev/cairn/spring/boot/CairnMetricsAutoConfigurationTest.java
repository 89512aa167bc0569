package dev.cairn.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.DurableEngine;
import dev.cairn.micrometer.CairnMetrics;
import dev.cairn.spring.boot.TestWorkflows.Greeting;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class CairnMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CairnMetricsAutoConfiguration.class, CairnAutoConfiguration.class))
            .withUserConfiguration(CairnAutoConfigurationTest.UserStore.class, CairnAutoConfigurationTest.Functions.class)
            .withPropertyValues("cairn.tick=10ms", "cairn.poll-interval=100ms", "cairn.shutdown-grace=200ms");

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    void theEnginesExecutionsAreCountedOnTheApplicationsRegistryAndTheGaugesAreBound() {
        runner.withUserConfiguration(Registry.class).run(context -> {
            assertThat(context).hasSingleBean(CairnMetrics.class);
            DurableEngine engine = context.getBean(DurableEngine.class);
            assertThat(engine.startExecution(Greeting.class, "Grace").result(Duration.ofSeconds(30)))
                    .isEqualTo("hello Grace");

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("cairn.executions.ended").tag("function", "greeting").tag("status", "SUCCEEDED")
                    .counter().count()).isEqualTo(1.0);
            assertThat(registry.get("cairn.step.attempts").tag("outcome", "SUCCEEDED").counter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("cairn.executions.stored").tag("status", "SUCCEEDED").gauge().value())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void nothingWithoutARegistry() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CairnMetrics.class));
    }

    @Test
    void nothingWithoutCairnMicrometerOnTheClassPath() {
        runner.withUserConfiguration(Registry.class).withClassLoader(new FilteredClassLoader(CairnMetrics.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("cairnMetrics"));
    }

    @Test
    void turnedOffByProperty() {
        runner.withUserConfiguration(Registry.class).withPropertyValues("cairn.metrics.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CairnMetrics.class));
    }
}
