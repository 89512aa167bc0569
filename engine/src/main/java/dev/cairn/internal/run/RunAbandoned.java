package dev.cairn.internal.run;

/**
 * Unwinds a durable function whose run must stop without writing anything more: another node took the
 * execution over, it was cancelled, or the engine is closing.
 */
public final class RunAbandoned extends Error {

    enum Reason { FENCED, CANCELLED, CLOSING, TIMED_OUT }

    final transient Reason reason;

    RunAbandoned(Reason reason) {
        super("run abandoned: " + reason, null, false, false);
        this.reason = reason;
    }
}
