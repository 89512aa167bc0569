package dev.cairn.config;

import dev.cairn.spi.Serializer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How {@code waitForCondition} polls: the initial state, when the condition is met, and the wait strategy
 * between polls (max attempts, initial delay, max delay, backoff rate, jitter). Build one with
 * {@link #builder(Object)}.
 *
 * @param <S> the state type
 */
public final class WaitForConditionConfig<S> {

    private final S initialState;
    private final Predicate<? super S> done;
    private final int maxAttempts;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double backoffRate;
    private final Jitter jitter;
    private final StepConfig checkConfig;
    private final Serializer serializer;

    private WaitForConditionConfig(Builder<S> b) {
        this.initialState = b.initialState;
        this.done = b.done;
        this.maxAttempts = b.maxAttempts;
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.backoffRate = b.backoffRate;
        this.jitter = b.jitter;
        this.serializer = b.serializer;
        this.checkConfig = b.serializer != null && b.checkConfig.serializer() == null
                ? b.checkConfig.toBuilder().serializer(b.serializer).build()
                : b.checkConfig;
    }

    /** A builder with the state the first poll receives. */
    public static <S> Builder<S> builder(S initialState) {
        return new Builder<>(initialState);
    }

    /** The state the first poll receives. */
    public S initialState() {
        return initialState;
    }

    /** Whether a state meets the condition. */
    public boolean isDone(S state) {
        return done.test(state);
    }

    /** Polls in all, at least 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The pause after poll {@code attempt} (from 1): {@code initialDelay * backoffRate^(attempt-1)}, capped at
     * {@code maxDelay}, jittered. The jitter is random; the pause is checkpointed as a durable wait, so a replay
     * waits until the same moment.
     */
    public Duration delayAfter(int attempt) {
        double millis = initialDelay.toMillis() * Math.pow(backoffRate, attempt - 1);
        long capped = (long) Math.min(millis, (double) maxDelay.toMillis());
        long jittered = switch (jitter) {
            case NONE -> capped;
            case FULL -> java.util.concurrent.ThreadLocalRandom.current().nextLong(capped + 1);
            case HALF -> capped / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(capped - capped / 2 + 1);
        };
        return Duration.ofMillis(Math.max(1, jittered));
    }

    /**
     * How each poll's step is retried when the check throws, and how it checkpoints the state it returns: with the
     * check config's own serializer if it has one, else with {@link #serializer()}.
     */
    public StepConfig checkConfig() {
        return checkConfig;
    }

    /**
     * The serializer of the state, or {@code null} for the engine's
     * ({@link dev.cairn.DurableEngine.Builder#serializer}).
     */
    public Serializer serializer() {
        return serializer;
    }

    /** Builds a {@link WaitForConditionConfig}. */
    public static final class Builder<S> {
        private final S initialState;
        private Predicate<? super S> done;
        private int maxAttempts = 60;
        private Duration initialDelay = Duration.ofSeconds(5);
        private Duration maxDelay = Duration.ofMinutes(5);
        private double backoffRate = 1.5;
        private Jitter jitter = Jitter.FULL;
        private StepConfig checkConfig = StepConfig.defaults();
        private Serializer serializer;

        private Builder(S initialState) {
            this.initialState = initialState;
        }

        /** When the condition is met. Required. */
        public Builder<S> until(Predicate<? super S> done) {
            this.done = Objects.requireNonNull(done, "until");
            return this;
        }

        /** Polls in all; 60 by default. */
        public Builder<S> maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The pause after the first poll; 5 s by default. Positive. */
        public Builder<S> initialDelay(Duration initialDelay) {
            this.initialDelay = positive("initialDelay", initialDelay);
            return this;
        }

        /** The longest pause; 5 min by default. */
        public Builder<S> maxDelay(Duration maxDelay) {
            this.maxDelay = positive("maxDelay", maxDelay);
            return this;
        }

        /** How much each pause grows; 1.5 by default, at least 1.0. */
        public Builder<S> backoffRate(double backoffRate) {
            if (!(backoffRate >= 1.0) || Double.isInfinite(backoffRate)) {
                throw new IllegalArgumentException("backoffRate must be a finite number of at least 1.0, was " + backoffRate);
            }
            this.backoffRate = backoffRate;
            return this;
        }

        /** How pauses are randomised; {@link Jitter#FULL} by default. */
        public Builder<S> jitter(Jitter jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /** How each poll's step is retried when the check throws; {@link StepConfig#defaults()} by default. */
        public Builder<S> checkConfig(StepConfig checkConfig) {
            this.checkConfig = Objects.requireNonNull(checkConfig, "checkConfig");
            return this;
        }

        /**
         * Checkpoints the state with this serializer instead of the engine's: the state each poll returns (unless
         * the {@link #checkConfig check config} has a serializer of its own) and the state that met the condition,
         * and reads them back with it on replay. A checkpointed state it cannot read makes
         * {@code waitForCondition} throw {@link dev.cairn.SerializationException}, which the workflow may catch.
         * Give the same serializer on every run.
         */
        public Builder<S> serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalStateException if {@link #until} was not given, or maxDelay is less than initialDelay
         */
        public WaitForConditionConfig<S> build() {
            if (done == null) {
                throw new IllegalStateException("waitForCondition needs until(state -> ...) to know when to stop");
            }
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalStateException("maxDelay (" + maxDelay + ") must not be less than initialDelay ("
                        + initialDelay + ")");
            }
            return new WaitForConditionConfig<>(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
