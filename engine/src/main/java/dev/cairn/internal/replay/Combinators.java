package dev.cairn.internal.replay;

import dev.cairn.DurableFuture;
import dev.cairn.Settled;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.Outcome;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code DurableFuture.allOf}, {@code allSettled} and {@code anyOf} over futures started from one context. {@code allOf}
 * and {@code allSettled} checkpoint nothing of their own; {@code anyOf} records which future finished first, so that a replay picks the same one.
 */
final class Combinators {

    private Combinators() {
    }

    static DurableFuture<List<Object>> allOf(ReplayContext ctx, List<? extends DurableFuture<?>> futures) {
        ctx.checkActive("allOf");
        List<DurableFutureBase<?>> all = new ArrayList<>();
        for (DurableFuture<?> f : futures) {
            all.add((DurableFutureBase<?>) f);
        }
        return new DurableFutureBase<List<Object>>(ctx) {
            @Override
            CompletableFuture<Outcome<List<Object>>> settled() {
                List<CompletableFuture<? extends Outcome<?>>> each = new ArrayList<>();
                for (DurableFutureBase<?> f : all) {
                    each.add(f.settled());
                }
                return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
                    List<Object> values = new ArrayList<>();
                    Instant wake = null;
                    boolean blocked = false;
                    for (CompletableFuture<? extends Outcome<?>> f : each) {
                        Outcome<?> o = f.join();
                        switch (o.kind()) {
                            case FAILED, DETACHED -> {
                                return Outcome.failed(o.error() != null ? o.error() : new Scope.Detached());
                            }
                            case BLOCKED -> {
                                wake = blocked ? Outcome.earliest(wake, o.wakeAt()) : o.wakeAt();
                                blocked = true;
                            }
                            case VALUE -> values.add(o.value());
                        }
                    }
                    return blocked ? Outcome.blocked(wake) : Outcome.value(values);
                });
            }

            @Override
            public List<Object> get() {
                owner.checkActive("allOf(...).get()");
                Outcome<List<Object>> o = settled().join();
                if (o.kind() == Outcome.Kind.VALUE) {
                    // Let each future record its own completion (a wait marks itself done).
                    List<Object> values = new ArrayList<>();
                    for (DurableFutureBase<?> f : all) {
                        values.add(f.get());
                    }
                    return values;
                }
                return owner.resolve(o);
            }
        };
    }

    /**
     * {@code allSettled}: settled once every future has, blocked while one is; {@code get()} lets each future
     * record its own completion and captures what it returned or threw. Like {@code allOf}, it checkpoints nothing
     * of its own: each future replays its own outcome.
     */
    static DurableFuture<List<Settled<Object>>> allSettled(ReplayContext ctx, List<? extends DurableFuture<?>> futures) {
        ctx.checkActive("allSettled");
        List<DurableFutureBase<?>> all = new ArrayList<>();
        for (DurableFuture<?> f : futures) {
            all.add((DurableFutureBase<?>) f);
        }
        return new DurableFutureBase<List<Settled<Object>>>(ctx) {
            @Override
            CompletableFuture<Outcome<List<Settled<Object>>>> settled() {
                List<CompletableFuture<? extends Outcome<?>>> each = new ArrayList<>();
                for (DurableFutureBase<?> f : all) {
                    each.add(f.settled());
                }
                return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0])).handle((ignored, e) -> {
                    Instant wake = null;
                    boolean blocked = false;
                    for (CompletableFuture<? extends Outcome<?>> f : each) {
                        Outcome<?> o = f.join();
                        if (o.kind() == Outcome.Kind.DETACHED) {
                            return Outcome.<List<Settled<Object>>>detached();
                        }
                        if (o.blocked()) {
                            wake = blocked ? Outcome.earliest(wake, o.wakeAt()) : o.wakeAt();
                            blocked = true;
                        }
                    }
                    // The values are taken by get(), from each future, so that each records its own completion.
                    return blocked ? Outcome.<List<Settled<Object>>>blocked(wake)
                            : Outcome.<List<Settled<Object>>>value(null);
                });
            }

            @Override
            public List<Settled<Object>> get() {
                owner.checkActive("allSettled(...).get()");
                Outcome<List<Settled<Object>>> o = settled().join();
                if (o.kind() != Outcome.Kind.VALUE) {
                    return owner.resolve(o);
                }
                List<Settled<Object>> outcomes = new ArrayList<>();
                for (DurableFutureBase<?> f : all) {
                    try {
                        outcomes.add(Settled.success(f.get()));
                    } catch (RuntimeException e) {
                        outcomes.add(Settled.failure(e));
                    }
                }
                return outcomes;
            }
        };
    }

    static DurableFuture<Object> anyOf(ReplayContext ctx, List<? extends DurableFuture<?>> futures) {
        RecordedValueOperation<Integer> choice = new RecordedValueOperation<>(ctx, "AnyOf", "anyOf", Integer.class,
                null, "anyOf");
        List<DurableFutureBase<?>> all = new ArrayList<>();
        for (DurableFuture<?> f : futures) {
            all.add((DurableFutureBase<?>) f);
        }
        Integer recorded = choice.isRecorded() ? recordedWinner(ctx, choice, all.size()) : null;
        return new DurableFutureBase<Object>(ctx) {
            private volatile Integer winner = recorded;

            @Override
            @SuppressWarnings("unchecked")
            CompletableFuture<Outcome<Object>> settled() {
                if (winner != null) {
                    return all.get(winner).settled().thenApply(o -> (Outcome<Object>) (Outcome<?>) o);
                }
                List<CompletableFuture<? extends Outcome<?>>> each = new ArrayList<>();
                for (DurableFutureBase<?> f : all) {
                    each.add(f.settled());
                }
                return CompletableFuture.anyOf(each.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
                    Instant wake = null;
                    boolean anyRunning = false;
                    boolean first = true;
                    for (CompletableFuture<? extends Outcome<?>> f : each) {
                        if (!f.isDone()) {
                            anyRunning = true;
                            continue;
                        }
                        Outcome<?> o = f.join();
                        if (!o.blocked()) {
                            @SuppressWarnings("unchecked")
                            Outcome<Object> won = (Outcome<Object>) o;
                            return won;
                        }
                        wake = first ? o.wakeAt() : Outcome.earliest(wake, o.wakeAt());
                        first = false;
                    }
                    return anyRunning ? null : Outcome.blocked(wake);
                });
            }

            @Override
            public Object get() {
                owner.checkActive("anyOf(...).get()");
                while (winner == null) {
                    Outcome<Object> o = settled().join();
                    if (o == null) {
                        // Something still runs and nothing has finished: wait until something settles or the
                        // earliest time one of the others waits for comes, then look again.
                        waitForAny(owner.run().clock(), all);
                        continue;
                    }
                    if (o.blocked()) {
                        throw owner.scope.suspend(o.wakeAt());
                    }
                    for (int i = 0; i < all.size(); i++) {
                        CompletableFuture<? extends Outcome<?>> s = all.get(i).settled();
                        if (s.isDone() && !s.join().blocked()) {
                            winner = i;
                            break;
                        }
                    }
                    choice.record(winner);
                }
                return all.get(winner).get();
            }
        };
    }

    /**
     * The winner recorded by {@code choice}, checked to be one of the {@code size} futures the code passes now: an
     * index beyond them means the code changed under a running execution.
     *
     * <p>Only the index is recorded, so a list changed in another way that keeps the index in range is not seen.
     */
    private static Integer recordedWinner(ReplayContext ctx, RecordedValueOperation<Integer> choice, int size) {
        Integer index = choice.replay();
        if (index == null || index < 0 || index >= size) {
            ExecutionRun run = ctx.run();
            throw run.nonDeterministic(choice.id, "anyOf (operation " + choice.id + " of execution "
                    + run.executionId() + ") was recorded as won by future " + index + " (counting from 0), but the"
                    + " code now passes " + size + " future" + (size == 1 ? "" : "s") + " to it: future " + index
                    + " is not one of them. " + ReplayValidator.CODE_CHANGED);
        }
        return index;
    }

    /**
     * Waits until one of the futures still running settles or, if another one is blocked until a time (a wait, a
     * retry backoff, a callback's deadline), until the engine's clock reaches the earliest such time, since it may
     * come while the others still run.
     */
    private static void waitForAny(Clock clock, List<DurableFutureBase<?>> all) {
        List<CompletableFuture<?>> awaited = new ArrayList<>();
        Instant earliest = null;
        for (DurableFutureBase<?> f : all) {
            CompletableFuture<? extends Outcome<?>> s = f.settled();
            if (!s.isDone()) {
                awaited.add(s);
            } else if (s.join().blocked() && s.join().wakeAt() != null) {
                earliest = earliest == null ? s.join().wakeAt() : Outcome.earliest(earliest, s.join().wakeAt());
            }
        }
        if (awaited.isEmpty()) {
            return;
        }
        CompletableFuture<Void> due = earliest == null ? null : clock.whenReached(earliest);
        if (due != null) {
            awaited.add(due);
        }
        try {
            CompletableFuture.anyOf(awaited.toArray(new CompletableFuture<?>[0])).join();
        } catch (CompletionException e) {
            // a future that failed has settled: the caller looks at it
        } finally {
            if (due != null) {
                due.cancel(false); // nothing waits for it any more
            }
        }
    }
}
