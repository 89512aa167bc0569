package dev.cairn.config;

import dev.cairn.spi.Serializer;
import java.util.Objects;

/**
 * How {@code ctx.runInChildContext} records its child: the serializer of its result, and whether it is a
 * checkpointed context operation (the default) or a virtual one. Build one with {@link #builder()}.
 */
public final class ChildContextConfig {

    private static final ChildContextConfig DEFAULTS = builder().build();

    private final Serializer serializer;
    private final Nesting nesting;

    private ChildContextConfig(Builder builder) {
        this.serializer = builder.serializer;
        this.nesting = builder.nesting;
    }

    /** The engine's serializer, and a checkpointed child context ({@link Nesting#NESTED}). */
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

    /** How the child is recorded. */
    public Nesting nesting() {
        return nesting;
    }

    /** Builds a {@link ChildContextConfig}. */
    public static final class Builder {
        private Serializer serializer;
        private Nesting nesting = Nesting.NESTED;

        private Builder() {
        }

        /**
         * Checkpoints the child context's result with this serializer instead of the engine's, and reads it back
         * with it when a replay finds the child finished. A checkpoint it cannot read makes
         * {@code runInChildContext} (or its future's {@code get()}) throw {@link dev.cairn.SerializationException},
         * which the workflow may catch. The operations inside the child have configs of their own. Give the same
         * serializer on every run. (A {@link Nesting#FLAT} child checkpoints no result, so it does not use it.)
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * {@link Nesting#NESTED} (the default): the child is a context operation whose result is checkpointed, so a
         * replay of a finished child returns it without running the body. {@link Nesting#FLAT}: the child is a
         * virtual context that writes nothing itself; its operations are numbered under it and recorded as children
         * of the enclosing context, and every replay runs the body again, its operations replaying from their own
         * checkpoints. A running execution must keep the nesting its child started with.
         */
        public Builder nesting(Nesting nesting) {
            this.nesting = Objects.requireNonNull(nesting, "nesting");
            return this;
        }

        /** The config. */
        public ChildContextConfig build() {
            return new ChildContextConfig(this);
        }
    }
}
