package dev.cairn.internal.replay;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionListener;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.internal.Listeners;
import java.time.Duration;
import java.time.Instant;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.OperationRecord;

/**
 * The template every durable operation follows. Constructing one takes the next id of its context and finds what
 * was recorded under it, checked by {@link ReplayValidator} to be this operation (type, sub-type, name); then
 * {@link #run(Scope)} replays the recorded outcome when it is final, or starts the operation (or resumes one that
 * was under way).
 *
 * @param <T> what the operation returns to the workflow
 */
abstract class DurableOperation<T> {

    final ReplayContext ctx;
    final ExecutionRun run;
    final String id;
    /** What was checkpointed under {@link #id}, validated; {@code null} the first time. */
    final OperationRecord recorded;
    private final OperationType type;
    private final String subType;
    private final String name;

    DurableOperation(ReplayContext ctx, OperationType type, String subType, String name, String what) {
        this.ctx = ctx;
        this.run = ctx.run();
        ReplayContext.Begun begun = ctx.begin(type, subType, name, what);
        this.id = begun.id();
        this.recorded = begun.recorded();
        this.type = type;
        this.subType = subType;
        this.name = name;
    }

    /** Whether what was recorded is the operation's final outcome, to be replayed without running anything. */
    boolean isFinal() {
        return recorded != null && recorded.status().isTerminal();
    }

    /** Replays or starts the operation, in scope {@code s} (the context's, or one of its own when asynchronous). */
    final T run(Scope s) {
        Listeners listeners = run.env.listeners();
        if (!listeners.active()) {
            return isFinal() ? replay() : start(s);
        }
        boolean replayed = isFinal();
        listeners.operationStarted(event(null, null, replayed, Duration.ZERO, replayed ? null : lateness()));
        long started = System.nanoTime();
        T value;
        try {
            value = replayed ? replay() : start(s);
        } catch (RuntimeException | Error e) {
            if (!ReplayContext.isControlFlow(e)) {
                listeners.operationEnded(event(OperationStatus.FAILED, ErrorInfo.of(e), replayed,
                        Duration.ofNanos(System.nanoTime() - started), null));
            }
            throw e;
        }
        listeners.operationEnded(event(OperationStatus.SUCCEEDED, null, replayed,
                Duration.ofNanos(System.nanoTime() - started), null));
        return value;
    }

    private ExecutionListener.OperationEvent event(OperationStatus status, ErrorInfo error, boolean replayed,
            Duration elapsed, Duration lateness) {
        return new ExecutionListener.OperationEvent(run.executionId(), run.function.name(), id, ctx.parentId(), type,
                subType, name, status, error, replayed, elapsed, lateness);
    }

    /** How long after {@link #dueAt()} this run reached the operation; null if it has none or it is not due yet. */
    private Duration lateness() {
        Instant due = dueAt();
        if (due == null) {
            return null;
        }
        Instant now = run.clockNow();
        return now.isBefore(due) ? null : Duration.between(due, now);
    }

    /**
     * When the timer that paused this operation in an earlier run is due (a wait's end, a step's next attempt), or
     * null if none did.
     */
    Instant dueAt() {
        return null;
    }

    /** Returns (or throws) the recorded final outcome. */
    abstract T replay();

    /** Starts the operation, or resumes it from what was recorded. */
    abstract T start(Scope s);
}
