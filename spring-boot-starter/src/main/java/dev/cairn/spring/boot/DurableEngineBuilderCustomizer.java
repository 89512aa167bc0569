package dev.cairn.spring.boot;

import dev.cairn.DurableEngine;

/**
 * A bean that adjusts the engine's builder after the starter has set it up from the {@code cairn.*} properties and
 * registered the {@code DurableFunction} and {@code ExecutionListener} beans: to register a lambda under an explicit
 * name and types, or set an option no property covers. Customizers run in their {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * DurableEngineBuilderCustomizer lambdas() {
 *     return builder -> builder.register("double", Integer.class, Integer.class, (n, ctx) -> n * 2);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface DurableEngineBuilderCustomizer {

    /**
     * Adjusts the builder before the engine is built.
     *
     * @param builder the builder, already configured by the starter
     */
    void customize(DurableEngine.Builder builder);
}
