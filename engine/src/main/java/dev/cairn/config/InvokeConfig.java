package dev.cairn.config;

import dev.cairn.spi.Serializer;
import java.util.Objects;

/**
 * How {@code ctx.invoke} checkpoints the result of the execution it invokes. Build one with {@link #builder()}.
 *
 * <p>The invoked (child) execution is an execution like any other: it reads its input and writes its output with
 * the engine's serializer, which is also what {@link dev.cairn.DurableEngine#handle}, {@code describe} and the
 * console read them with. What this config changes is the invoke operation's own checkpoint in the invoking
 * execution: the child's result, read from its output once it has ended, is checkpointed with this config's
 * serializer and read back with it on every replay.
 */
public final class InvokeConfig {

    private static final InvokeConfig DEFAULTS = builder().build();

    private final Serializer serializer;

    private InvokeConfig(Builder builder) {
        this.serializer = builder.serializer;
    }

    /** The engine's serializer for everything. */
    public static InvokeConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The serializer the invoke operation checkpoints the child's result with, or {@code null} for the engine's
     * ({@link dev.cairn.DurableEngine.Builder#serializer}).
     */
    public Serializer serializer() {
        return serializer;
    }

    /** Builds an {@link InvokeConfig}. */
    public static final class Builder {
        private Serializer serializer;

        private Builder() {
        }

        /**
         * Checkpoints the child's result in the invoke operation with this serializer instead of the engine's, and
         * reads it back with it on replay. A checkpoint it cannot read makes {@code invoke} (or its future's
         * {@code get()}) throw {@link dev.cairn.SerializationException}, which the workflow may catch. Give the same
         * serializer on every run.
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /** The config. */
        public InvokeConfig build() {
            return new InvokeConfig(this);
        }
    }
}
