package dev.cairn.config;

import java.util.Objects;

/**
 * How {@code runInChildContext} records its child: in a checkpointed context operation (the default) or as a
 * virtual context. Build one with {@link #builder()}.
 */
public final class ChildContextConfig {

    private static final ChildContextConfig DEFAULTS = builder().build();

    private final Nesting nesting;

    private ChildContextConfig(Builder builder) {
        this.nesting = builder.nesting;
    }

    /** A checkpointed child context: {@link Nesting#NESTED}. */
    public static ChildContextConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** How the child is recorded. */
    public Nesting nesting() {
        return nesting;
    }

    /** Builds a {@link ChildContextConfig}. */
    public static final class Builder {
        private Nesting nesting = Nesting.NESTED;

        private Builder() {
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
