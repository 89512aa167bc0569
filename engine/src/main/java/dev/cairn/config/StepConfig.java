package dev.cairn.config;

import dev.cairn.spi.Serializer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a step runs: its retry strategy, its semantics, its timeout and the serializer of its result. Build one with
 * {@link #builder()}.
 */
public final class StepConfig {

    private static final StepConfig DEFAULTS = builder().build();

    private final RetryStrategy retryStrategy;
    private final StepSemantics semantics;
    private final Duration timeout;
    private final Serializer serializer;

    private StepConfig(Builder builder) {
        RetryStrategy strategy = builder.retryStrategy;
        if (builder.retryIf != null) {
            strategy = RetryStrategies.retryIf(builder.retryIf, strategy);
        }
        this.retryStrategy = strategy;
        this.semantics = builder.semantics;
        this.timeout = builder.timeout;
        this.serializer = builder.serializer;
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

    /** How long one attempt may run, on the engine's clock, or {@code null} for no limit. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The serializer of the step's result, or {@code null} for the engine's
     * ({@link dev.cairn.DurableEngine.Builder#serializer}).
     */
    public Serializer serializer() {
        return serializer;
    }

    /**
     * A builder holding this config's options, to derive another from it. Its retry strategy is this config's
     * {@link #retryStrategy()}, with the retry predicate already applied.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.retryStrategy = retryStrategy;
        b.semantics = semantics;
        b.timeout = timeout;
        b.serializer = serializer;
        return b;
    }

    /** Builds a {@link StepConfig}. */
    public static final class Builder {
        private RetryStrategy retryStrategy = RetryStrategies.defaultStrategy();
        private StepSemantics semantics = StepSemantics.AT_LEAST_ONCE_PER_RETRY;
        private Predicate<? super Throwable> retryIf;
        private Duration timeout;
        private Serializer serializer;

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

        /**
         * How long one attempt may run, measured on the engine's clock; no limit by default. An attempt that runs
         * past it fails with {@link dev.cairn.StepTimeoutException}, which goes through the retry strategy like
         * any failure, and the execution goes on without waiting for the body.
         *
         * <p>A step with a timeout runs its body on a thread of its own. When the attempt times out, that thread
         * is interrupted and abandoned: whatever the body returns or throws afterwards is ignored, and a body that
         * ignores the interrupt keeps its thread until it returns. The body's effects may therefore still happen
         * after the attempt was recorded as failed, so make such a step idempotent.
         *
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("step timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * How the step's result is checkpointed and read back: this serializer instead of the engine's. The
         * result is written with it once, when the step succeeds, and every replay reads the checkpoint with the
         * serializer the step is given then, so give the same one on every run (or one that reads what the earlier
         * one wrote). A checkpoint it cannot read makes the step throw {@link dev.cairn.SerializationException},
         * which the workflow may catch; what it writes is held to the engine's payload limit like any result.
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /** The config. */
        public StepConfig build() {
            return new StepConfig(this);
        }
    }
}
