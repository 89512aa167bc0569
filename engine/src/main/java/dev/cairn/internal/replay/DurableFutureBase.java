package dev.cairn.internal.replay;

import dev.cairn.internal.run.Outcome;
import dev.cairn.DurableFuture;
import java.util.concurrent.CompletableFuture;

/**
 * What every future of an asynchronous durable operation can say: its owner context, and how it has settled.
 * {@link #settled()} is re-evaluated on each call, because a wait or a callback can become ready while the run
 * goes on.
 */
public abstract class DurableFutureBase<T> implements DurableFuture<T> {

    final ReplayContext owner;

    DurableFutureBase(ReplayContext owner) {
        this.owner = owner;
    }

    /** The outcome, once the work has settled; blocked if it cannot finish in this run yet. */
    abstract CompletableFuture<Outcome<T>> settled();

    @Override
    public T get() {
        owner.checkActive("DurableFuture.get()");
        return owner.resolve(settled().join());
    }

    @Override
    public boolean isDone() {
        CompletableFuture<Outcome<T>> s = settled();
        return s.isDone() && !s.join().blocked();
    }
}
