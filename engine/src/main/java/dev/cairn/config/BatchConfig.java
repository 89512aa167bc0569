package dev.cairn.config;

import java.util.Objects;

/**
 * How a batch runs: {@code map} or {@code parallel}. Build one with {@link #builder()}.
 */
public final class BatchConfig {

    private static final BatchConfig DEFAULTS = builder().build();

    private final int maxConcurrency;
    private final CompletionConfig completion;

    private BatchConfig(Builder builder) {
        this.maxConcurrency = builder.maxConcurrency;
        this.completion = builder.completion;
    }

    /** No concurrency limit beyond the number of items; {@link CompletionConfig#allCompleted()}. */
    public static BatchConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** At most this many items are started and unfinished at once; {@link Integer#MAX_VALUE} for no limit. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** When the batch is complete. */
    public CompletionConfig completion() {
        return completion;
    }

    /** Builds a {@link BatchConfig}. */
    public static final class Builder {
        private int maxConcurrency = Integer.MAX_VALUE;
        private CompletionConfig completion = CompletionConfig.allCompleted();

        private Builder() {
        }

        /**
         * At most this many items are started and not finished at once. An item waiting for a timer or a callback
         * still holds its place, so this bounds the work in flight, such as concurrent calls to a model.
         */
        public Builder maxConcurrency(int maxConcurrency) {
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
            }
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /** When the batch is complete; {@link CompletionConfig#allCompleted()} by default. */
        public Builder completion(CompletionConfig completion) {
            this.completion = Objects.requireNonNull(completion, "completion");
            return this;
        }

        /** The config. */
        public BatchConfig build() {
            return new BatchConfig(this);
        }
    }
}
