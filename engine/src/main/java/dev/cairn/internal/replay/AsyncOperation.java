package dev.cairn.internal.replay;

import dev.cairn.internal.run.Outcome;
import java.util.concurrent.CompletableFuture;

/** An operation running on a thread of its own (or already settled), as its future. */
final class AsyncOperation<T> extends DurableFutureBase<T> {

    private final CompletableFuture<Outcome<T>> outcome;

    AsyncOperation(ReplayContext owner, CompletableFuture<Outcome<T>> outcome) {
        super(owner);
        this.outcome = outcome;
    }

    @Override
    CompletableFuture<Outcome<T>> settled() {
        return outcome;
    }
}
