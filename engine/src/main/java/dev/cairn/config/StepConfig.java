package dev.cairn.config;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a step runs: its retry strategy and its semantics. Build one with {@link #builder()}.
 */
public final class StepConfig {

    private static final StepConfig DEFAULTS = builder().build();

    private final RetryStrategy retryStrategy;
    private final StepSemantics semantics;

    private StepConfig(Builder builder) {
        RetryStrategy strategy = builder.retryStrategy;
        if (builder.retryIf != null) {
            strategy = RetryStrategies.retryIf(builder.retryIf, strategy);
        }
        this.retryStrategy = strategy;
        this.semantics = builder.semantics;
    }

    /** The defaults: {@link RetryStrategies#defaultStrategy()}, {@link StepSemantics#AT_LEAST_ONCE_PER_RETRY}. */
    public static StepConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The retry strategy, with the retry predicate applied. */
    public RetryStrategy retryStrategy() {
        return retryStrategy;
    }

    /** The step semantics. */
    public StepSemantics semantics() {
        return semantics;
    }

    /** Builds a {@link StepConfig}. */
    public static final class Builder {
        private RetryStrategy retryStrategy = RetryStrategies.defaultStrategy();
        private StepSemantics semantics = StepSemantics.AT_LEAST_ONCE_PER_RETRY;
        private Predicate<? super Throwable> retryIf;

        private Builder() {
        }

        /** How failed attempts are retried; {@link RetryStrategies#none()} for never. */
        public Builder retryStrategy(RetryStrategy retryStrategy) {
            this.retryStrategy = Objects.requireNonNull(retryStrategy, "retryStrategy");
            return this;
        }

        /** Which errors are retried at all; others fail the step at once. All are, by default. */
        public Builder retryIf(Predicate<? super Throwable> retryable) {
            this.retryIf = Objects.requireNonNull(retryable, "retryIf");
            return this;
        }

        /** At-least-once (default) or at-most-once per retry attempt. */
        public Builder semantics(StepSemantics semantics) {
            this.semantics = Objects.requireNonNull(semantics, "semantics");
            return this;
        }

        /** The config. */
        public StepConfig build() {
            return new StepConfig(this);
        }
    }
}
