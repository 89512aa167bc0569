package dev.cairn.config;

import dev.cairn.spi.Serializer;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a callback may take, how the submitter of {@code waitForCallback} runs, and the serializer of its result.
 * Build one with {@link #builder()}. By default a callback waits forever.
 */
public final class CallbackConfig {

    private static final CallbackConfig DEFAULTS = builder().build();

    private final Duration timeout;
    private final Duration heartbeatTimeout;
    private final StepConfig submitterConfig;
    private final Serializer serializer;

    private CallbackConfig(Builder builder) {
        this.timeout = builder.timeout;
        this.heartbeatTimeout = builder.heartbeatTimeout;
        this.submitterConfig = builder.submitterConfig;
        this.serializer = builder.serializer;
    }

    /** No timeouts. */
    public static CallbackConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** How long after its creation the callback times out, or {@code null} for never. */
    public Duration timeout() {
        return timeout;
    }

    /** How long the callback may go without a heartbeat, or {@code null} for no limit. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** How the submitter step of {@code waitForCallback} runs. */
    public StepConfig submitterConfig() {
        return submitterConfig;
    }

    /**
     * The serializer the callback's result is read with, or {@code null} for the engine's
     * ({@link dev.cairn.DurableEngine.Builder#serializer}).
     */
    public Serializer serializer() {
        return serializer;
    }

    /** Builds a {@link CallbackConfig}. */
    public static final class Builder {
        private Duration timeout;
        private Duration heartbeatTimeout;
        private StepConfig submitterConfig = StepConfig.defaults();
        private Serializer serializer;

        private Builder() {
        }

        /** Time out the callback this long after it was created; must be positive. */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /**
         * Time out the callback if this long passes without a heartbeat
         * ({@link dev.cairn.DurableEngine#heartbeatCallback}) since its creation or the last heartbeat; positive.
         */
        public Builder heartbeatTimeout(Duration heartbeatTimeout) {
            this.heartbeatTimeout = positive("heartbeatTimeout", heartbeatTimeout);
            return this;
        }

        /** How the submitter step of {@code waitForCallback} is retried. */
        public Builder submitterConfig(StepConfig submitterConfig) {
            this.submitterConfig = Objects.requireNonNull(submitterConfig, "submitterConfig");
            return this;
        }

        /**
         * Reads the callback's result with this serializer instead of the engine's. The engine cannot serialize a
         * value for it from outside the workflow, so such a callback is completed with the text this serializer
         * reads, by {@link dev.cairn.DurableEngine#completeCallbackRaw(String, String)}, and
         * {@link dev.cairn.DurableEngine#completeCallback(String, Object)} refuses it. The text is stored as given
         * and read when the workflow asks for the result; text this serializer cannot read makes
         * {@code result()} (or {@code waitForCallback}) throw {@link dev.cairn.SerializationException}, which the
         * workflow may catch. Give the same serializer on every run.
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /** The config. */
        public CallbackConfig build() {
            return new CallbackConfig(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
