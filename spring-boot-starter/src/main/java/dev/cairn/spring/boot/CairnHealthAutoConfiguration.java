package dev.cairn.spring.boot;

import dev.cairn.DurableEngine;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@link CairnHealthIndicator}, named {@code cairn}, when Spring Boot's health support (which the actuator
 * brings) is on the class path and there is a {@link DurableEngine}, the starter's or the application's own. Turned
 * off with {@code management.health.cairn.enabled=false}.
 */
@AutoConfiguration(after = CairnAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(DurableEngine.class)
@ConditionalOnEnabledHealthIndicator("cairn")
@EnableConfigurationProperties(CairnProperties.class)
public class CairnHealthAutoConfiguration {

    /** Used by Spring. */
    public CairnHealthAutoConfiguration() {
    }

    /**
     * The health indicator.
     *
     * @param engine     the engine
     * @param properties the {@code cairn.*} properties, for the lease duration
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "cairnHealthIndicator")
    public CairnHealthIndicator cairnHealthIndicator(DurableEngine engine, CairnProperties properties) {
        return new CairnHealthIndicator(engine, properties.getLeaseDuration());
    }
}
