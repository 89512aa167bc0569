package dev.cairn.internal.replay;

import dev.cairn.DurableFuture;
import dev.cairn.Settled;
import java.util.List;

/** The static combinators of {@link DurableFuture}, which belong to the context the futures came from. */
public final class DurableFutures {

    private DurableFutures() {
    }

    /** See {@link DurableFuture#allOf(List)}. */
    @SuppressWarnings("unchecked")
    public static <T> DurableFuture<List<T>> allOf(List<? extends DurableFuture<? extends T>> futures) {
        return (DurableFuture<List<T>>) (DurableFuture<?>) ownerOf(futures).allOf(futures);
    }

    /** See {@link DurableFuture#allSettled(List)}. */
    @SuppressWarnings("unchecked")
    public static <T> DurableFuture<List<Settled<T>>> allSettled(List<? extends DurableFuture<? extends T>> futures) {
        return (DurableFuture<List<Settled<T>>>) (DurableFuture<?>) ownerOf(futures).allSettled(futures);
    }

    /** See {@link DurableFuture#anyOf(List)}. */
    @SuppressWarnings("unchecked")
    public static <T> DurableFuture<T> anyOf(List<? extends DurableFuture<? extends T>> futures) {
        return (DurableFuture<T>) ownerOf(futures).anyOf(futures);
    }

    private static ReplayContext ownerOf(List<? extends DurableFuture<?>> futures) {
        if (futures == null || futures.isEmpty()) {
            throw new IllegalArgumentException("allOf, allSettled and anyOf need at least one future");
        }
        ReplayContext owner = null;
        for (DurableFuture<?> f : futures) {
            if (!(f instanceof DurableFutureBase<?> base)) {
                throw new IllegalArgumentException("allOf, allSettled and anyOf take futures of durable operations, not "
                        + (f == null ? "null" : f.getClass().getName()));
            }
            if (owner == null) {
                owner = base.owner;
            } else if (owner != base.owner) {
                throw new IllegalArgumentException("allOf, allSettled and anyOf take futures started from one context");
            }
        }
        return owner;
    }
}
