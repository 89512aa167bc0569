package dev.cairn.internal.replay;

import dev.cairn.OperationType;
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

    DurableOperation(ReplayContext ctx, OperationType type, String subType, String name, String what) {
        this.ctx = ctx;
        this.run = ctx.run();
        ReplayContext.Begun begun = ctx.begin(type, subType, name, what);
        this.id = begun.id();
        this.recorded = begun.recorded();
    }

    /** Whether what was recorded is the operation's final outcome, to be replayed without running anything. */
    boolean isFinal() {
        return recorded != null && recorded.status().isTerminal();
    }

    /** Replays or starts the operation, in scope {@code s} (the context's, or one of its own when asynchronous). */
    final T run(Scope s) {
        return isFinal() ? replay() : start(s);
    }

    /** Returns (or throws) the recorded final outcome. */
    abstract T replay();

    /** Starts the operation, or resumes it from what was recorded. */
    abstract T start(Scope s);
}
