package dev.cairn.config;

import dev.cairn.spi.Serializer;
import java.util.Objects;

/**
 * How a batch runs: {@code map} or {@code parallel}: its concurrency, its completion policy, how its items are
 * recorded, the serializer of its items' results and, for a map, how its items are named. Build one with
 * {@link #builder()}.
 */
public final class BatchConfig {

    private static final BatchConfig DEFAULTS = builder().build();

    private final int maxConcurrency;
    private final CompletionConfig completion;
    private final ItemNamer<Object> itemNamer;
    private final Nesting nesting;
    private final Serializer serializer;

    private BatchConfig(Builder builder) {
        this.maxConcurrency = builder.maxConcurrency;
        this.completion = builder.completion;
        this.itemNamer = builder.itemNamer;
        this.nesting = builder.nesting;
        this.serializer = builder.serializer;
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

    /** How a map names its items, or {@code null} for {@code "item <index>"}. */
    public ItemNamer<Object> itemNamer() {
        return itemNamer;
    }

    /** How the items are recorded: {@link Nesting#NESTED} (the default) or {@link Nesting#FLAT}. */
    public Nesting nesting() {
        return nesting;
    }

    /**
     * The serializer of the items' (or branches') results, or {@code null} for the engine's
     * ({@link dev.cairn.DurableEngine.Builder#serializer}).
     */
    public Serializer serializer() {
        return serializer;
    }

    /** Builds a {@link BatchConfig}. */
    public static final class Builder {
        private int maxConcurrency = Integer.MAX_VALUE;
        private CompletionConfig completion = CompletionConfig.allCompleted();
        private ItemNamer<Object> itemNamer;
        private Nesting nesting = Nesting.NESTED;
        private Serializer serializer;

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

        /**
         * How a {@code map} names its items ({@code (order, index) -> order.id()}); {@code "item <index>"} by default
         * and for an item the namer gives {@code null}. Names are checked (at most 200 printable characters) before
         * the map starts, and on replay against the items' checkpoints, so a namer must give each item the same
         * name on every run. A {@code parallel} ignores it: its branches are named already.
         */
        public Builder itemNamer(ItemNamer<Object> itemNamer) {
            this.itemNamer = Objects.requireNonNull(itemNamer, "itemNamer");
            return this;
        }

        /**
         * {@link #itemNamer(ItemNamer)} typed to the map's items: {@code itemNamer(Order.class, (o, i) -> o.id())}.
         * An item that is not an {@code itemType} fails the map with a {@link ClassCastException} naming its type.
         */
        public <I> Builder itemNamer(Class<I> itemType, ItemNamer<? super I> itemNamer) {
            Objects.requireNonNull(itemType, "itemType");
            Objects.requireNonNull(itemNamer, "itemNamer");
            this.itemNamer = (item, index) -> itemNamer.name(itemType.cast(item), index);
            return this;
        }

        /**
         * How the items are recorded: {@link Nesting#NESTED}, each in a checkpointed child context (the default), or
         * {@link Nesting#FLAT}, as virtual contexts that write nothing themselves, for cheap fan-out. A running
         * execution must keep the nesting its batch started with.
         */
        public Builder nesting(Nesting nesting) {
            this.nesting = Objects.requireNonNull(nesting, "nesting");
            return this;
        }

        /**
         * Checkpoints each item's (or branch's) result with this serializer instead of the engine's, and reads it
         * back with it: when the batch completes, on the first run as on every replay, since the
         * {@link dev.cairn.BatchResult} is built from the items' checkpoints. An item result it cannot read makes
         * the {@code map} or {@code parallel} (or its future's {@code get()}) throw
         * {@link dev.cairn.SerializationException}, which the workflow may catch. The batch's own checkpoint (its
         * completion reason and the items' statuses) is the engine's and is not affected, nor are the operations
         * inside the items, which have configs of their own. Give the same serializer on every run. (A
         * {@link Nesting#FLAT} batch checkpoints no item results, so it does not use it.)
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /** The config. */
        public BatchConfig build() {
            return new BatchConfig(this);
        }
    }
}
