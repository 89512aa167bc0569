package dev.cairn.config;

import dev.cairn.spi.Serializer;
import java.util.Objects;

/**
 * How {@code ctx.runInChildContext} checkpoints its result. Build one with {@link #builder()}.
 */
public final class ChildContextConfig {

    private static final ChildContextConfig DEFAULTS = builder().build();

    private final Serializer serializer;

    private ChildContextConfig(Builder builder) {
        this.serializer = builder.serializer;
    }

    /** The engine's serializer. */
    public static ChildContextConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The serializer of the child context's result, or {@code null} for the engine's
     * ({@link dev.cairn.DurableEngine.Builder#serializer}).
     */
    public Serializer serializer() {
        return serializer;
    }

    /** Builds a {@link ChildContextConfig}. */
    public static final class Builder {
        private Serializer serializer;

        private Builder() {
        }

        /**
         * Checkpoints the child context's result with this serializer instead of the engine's, and reads it back
         * with it when a replay finds the child finished. A checkpoint it cannot read makes
         * {@code runInChildContext} (or its future's {@code get()}) throw {@link dev.cairn.SerializationException},
         * which the workflow may catch. The operations inside the child have configs of their own. Give the same
         * serializer on every run.
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /** The config. */
        public ChildContextConfig build() {
            return new ChildContextConfig(this);
        }
    }
}
