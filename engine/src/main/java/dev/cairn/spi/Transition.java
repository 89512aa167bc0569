package dev.cairn.spi;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import java.time.Instant;

/**
 * How a run ends, written in the same transaction as the run's last checkpoints.
 *
 * @param status        {@link ExecutionStatus#SUSPENDED}, {@link ExecutionStatus#PENDING} (give the execution
 *                      back, to be claimed again at {@code wakeAt}), {@link ExecutionStatus#PARKED}, or a terminal
 *                      status
 * @param wakeAt        for SUSPENDED and PENDING: when it becomes due, or {@code null} (a callback will wake it)
 * @param output        for SUCCEEDED: the serialized result
 * @param error         for FAILED, CANCELLED, TIMED_OUT and PARKED: why
 * @param signals       for SUSPENDED: the signal count the run started with. The suspension is applied only if
 *                      the row still has this count; otherwise a callback completion or a cancel request
 *                      arrived meanwhile and the store answers {@link CommitOutcome#SIGNALLED}.
 */
public record Transition(ExecutionStatus status, Instant wakeAt, String output, ErrorInfo error, long signals) {

    /** Suspends until {@code wakeAt} (or until a callback, when {@code null}). */
    public static Transition suspend(Instant wakeAt, long signals) {
        return new Transition(ExecutionStatus.SUSPENDED, wakeAt, null, null, signals);
    }

    /** Gives the execution back unowned, due at {@code wakeAt}. */
    public static Transition release(Instant wakeAt) {
        return new Transition(ExecutionStatus.PENDING, wakeAt, null, null, 0);
    }

    /** Parks an execution whose function is not registered. */
    public static Transition park(ErrorInfo why) {
        return new Transition(ExecutionStatus.PARKED, null, null, why, 0);
    }

    /** Ends the execution with a result. */
    public static Transition succeed(String output) {
        return new Transition(ExecutionStatus.SUCCEEDED, null, output, null, 0);
    }

    /** Ends the execution with a terminal status other than SUCCEEDED. */
    public static Transition end(ExecutionStatus status, ErrorInfo error) {
        if (!status.isTerminal() || status == ExecutionStatus.SUCCEEDED) {
            throw new IllegalArgumentException("not a failing terminal status: " + status);
        }
        return new Transition(status, null, null, error, 0);
    }
}
