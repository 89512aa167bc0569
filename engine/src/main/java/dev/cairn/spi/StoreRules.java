package dev.cairn.spi;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The rules an {@link ExecutionStore} implementation applies, written once so that every store applies the same:
 * how a signal changes an execution, what a callback completion or heartbeat finds before it may change anything,
 * and what a cancel request does to an execution by its status.
 *
 * <p>A store reads (and, if it can be shared, locks) the rows, asks these methods what to do, and writes the
 * result its own way, in the same atomic unit as the read. Each store keeps its own precision: a database store
 * may round the instants it writes to milliseconds.
 */
public final class StoreRules {

    /** The error type a store records when it ends an execution because of a cancel request. */
    public static final String CANCELLED_ERROR_TYPE = "Cancelled";

    /** The reason recorded when a cancel request gives none. */
    public static final String DEFAULT_CANCEL_REASON = "cancelled";

    /** The order of execution lists: newest first, by creation time and then by id, both descending. */
    public static final java.util.Comparator<dev.cairn.ExecutionSummary> NEWEST_FIRST = java.util.Comparator
            .comparing(dev.cairn.ExecutionSummary::createdAt)
            .thenComparing(dev.cairn.ExecutionSummary::id)
            .reversed();

    private StoreRules() {
    }

    /**
     * {@code text} as a store's message may quote it: whole if it is at most 200 characters, else its first 200 and
     * its length. Ids and names come from users, and a message must not echo a megabyte of one.
     */
    public static String quote(String text) {
        return dev.cairn.internal.UserText.quote(text);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Signals

    /**
     * The status and wake-up of an execution, as signals change them: a callback's completion or time-out
     * signals the execution waiting for it, and the end of an execution started with {@code ctx.invoke} signals
     * its parent. With each signal the store also increments the execution's signal count and sets its update
     * time.
     *
     * @param status the execution's status
     * @param wakeAt when it is due, or {@code null} if it waits only for a signal
     */
    public record Signalled(ExecutionStatus status, Instant wakeAt) {

        /**
         * The status and wake-up of {@code execution}.
         *
         * @param execution a row
         * @return its status and wake-up
         */
        public static Signalled of(ExecutionRecord execution) {
            return new Signalled(execution.status(), execution.wakeAt());
        }

        /**
         * After one more signal at {@code now}: a {@link ExecutionStatus#SUSPENDED} execution becomes
         * {@link ExecutionStatus#PENDING} and due at {@code now}; a pending one that was due later (or only on a
         * signal) is made due at {@code now}; any other keeps its status and wake-up.
         *
         * @param now when the signal arrives (engine clock)
         * @return the status and wake-up after it
         */
        public Signalled signal(Instant now) {
            if (status == ExecutionStatus.SUSPENDED) {
                return new Signalled(ExecutionStatus.PENDING, now);
            }
            if (status == ExecutionStatus.PENDING && (wakeAt == null || wakeAt.isAfter(now))) {
                return new Signalled(status, now);
            }
            return this;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Callback completions and heartbeats

    /** What a callback completion or heartbeat does, decided from the rows it found: see {@link #checkCallback}. */
    public enum CallbackCheck {
        /** No callback has that id: nothing changes; the outcome is {@link CallbackUpdate.Outcome#NOT_FOUND}. */
        NOT_FOUND(CallbackUpdate.Outcome.NOT_FOUND),
        /** It was completed, failed or timed out already: nothing changes. */
        ALREADY_COMPLETED(CallbackUpdate.Outcome.ALREADY_COMPLETED),
        /** The execution waiting for it has ended (or is gone): nothing changes. */
        EXECUTION_ENDED(CallbackUpdate.Outcome.EXECUTION_ENDED),
        /**
         * It is past its deadline: the store times it out ({@link CallbackRecord#timedOut}) and signals its
         * execution, so that it wakes to see it; the outcome is {@link CallbackUpdate.Outcome#ALREADY_COMPLETED},
         * with the timed-out callback and the execution's status after the signal.
         */
        TIME_OUT(null),
        /** The completion or heartbeat applies. */
        APPLY(null);

        private final CallbackUpdate.Outcome unchanged;

        CallbackCheck(CallbackUpdate.Outcome unchanged) {
            this.unchanged = unchanged;
        }

        /**
         * What the store returns for a check that changes nothing ({@link #NOT_FOUND}, {@link #ALREADY_COMPLETED},
         * {@link #EXECUTION_ENDED}).
         *
         * @param callback        the callback as found, or {@code null}
         * @param executionStatus its execution's status, or {@code null}
         * @return the update to return
         * @throws IllegalStateException for {@link #TIME_OUT} and {@link #APPLY}, which change something
         */
        public CallbackUpdate unchanged(CallbackRecord callback, ExecutionStatus executionStatus) {
            if (unchanged == null) {
                throw new IllegalStateException(this + " changes the callback");
            }
            return this == NOT_FOUND
                    ? new CallbackUpdate(unchanged, null, null)
                    : new CallbackUpdate(unchanged, callback, executionStatus);
        }
    }

    /**
     * Checks what a completion or a heartbeat of {@code callback} at {@code now} does, in this order: a missing
     * callback is {@link CallbackCheck#NOT_FOUND}; one that is not PENDING is {@link
     * CallbackCheck#ALREADY_COMPLETED}; one whose execution has ended or is missing is {@link
     * CallbackCheck#EXECUTION_ENDED}; one that is {@linkplain CallbackRecord#isOverdue overdue} at {@code now}
     * is {@link CallbackCheck#TIME_OUT}; otherwise {@link CallbackCheck#APPLY}.
     *
     * @param callback        the callback row, or {@code null} if there is none
     * @param executionStatus the status of the execution waiting for it, or {@code null} if there is none
     * @param now             the completion's or heartbeat's time (engine clock)
     * @return what to do
     */
    public static CallbackCheck checkCallback(CallbackRecord callback, ExecutionStatus executionStatus,
                                              Instant now) {
        if (callback == null) {
            return CallbackCheck.NOT_FOUND;
        }
        if (callback.status() != CallbackStatus.PENDING) {
            return CallbackCheck.ALREADY_COMPLETED;
        }
        if (executionStatus == null || executionStatus.isTerminal()) {
            return CallbackCheck.EXECUTION_ENDED;
        }
        if (callback.isOverdue(now)) {
            return CallbackCheck.TIME_OUT;
        }
        return CallbackCheck.APPLY;
    }

    /**
     * The row of an execution that a callback completion left PENDING, once {@code claimant} has claimed it in the
     * same transaction, as {@link ExecutionStore#claim} would: RUNNING, owned, leased, at the next version, with no
     * wake-up.
     *
     * @param signalled the row after the completion's signal
     * @param claimant  who claims it
     * @param now       the completion's time, at the store's precision
     * @return the claimed row
     */
    public static ExecutionRecord claimed(ExecutionRecord signalled, Claimant claimant, Instant now) {
        return signalled.toBuilder()
                .status(ExecutionStatus.RUNNING)
                .owner(claimant.owner())
                .leaseUntil(claimant.leaseUntil())
                .version(signalled.version() + 1)
                .wakeAt(null)
                .updatedAt(now)
                .build();
    }

    /**
     * Checks a completion request before anything is read: it has a time, and completes the callback
     * {@link CallbackStatus#SUCCEEDED} or {@link CallbackStatus#FAILED}.
     *
     * @param completion the request
     * @throws NullPointerException     if it or its time is {@code null}
     * @throws IllegalArgumentException if its status is neither SUCCEEDED nor FAILED
     */
    public static void checkCompletion(CallbackCompletion completion) {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(completion.now(), "completion.now");
        if (completion.status() != CallbackStatus.SUCCEEDED && completion.status() != CallbackStatus.FAILED) {
            throw new IllegalArgumentException("a callback completes SUCCEEDED or FAILED, not " + completion.status());
        }
    }

    /**
     * {@code callback} completed by {@code completion}: with its status, and its result if it SUCCEEDED or its
     * error if it FAILED.
     *
     * @param callback    the pending callback
     * @param completion  the completion, {@linkplain #checkCompletion checked}
     * @param completedAt the completion time, at the store's precision
     * @return the completed callback
     */
    public static CallbackRecord completed(CallbackRecord callback, CallbackCompletion completion,
                                           Instant completedAt) {
        boolean succeeded = completion.status() == CallbackStatus.SUCCEEDED;
        return callback.toBuilder()
                .status(completion.status())
                .result(succeeded ? completion.result() : null)
                .error(succeeded ? null : completion.error())
                .completedAt(completedAt)
                .build();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Cancel requests

    /**
     * The row a new execution starts as: {@link ExecutionStatus#PENDING} and due at once, or, with an owner,
     * {@link ExecutionStatus#RUNNING} under that owner at version 1.
     *
     * @param precision what the store keeps of an instant (a database may keep milliseconds)
     * @throws NullPointerException if the id, function or creation time is missing, or the lease of an owned
     *                              execution
     */
    public static ExecutionRecord newExecution(NewExecution execution, UnaryOperator<Instant> precision) {
        Objects.requireNonNull(execution, "execution");
        Objects.requireNonNull(execution.id(), "execution.id");
        Objects.requireNonNull(execution.function(), "execution.function");
        Objects.requireNonNull(execution.createdAt(), "execution.createdAt");
        boolean owned = execution.owner() != null;
        if (owned) {
            Objects.requireNonNull(execution.leaseUntil(), "execution.leaseUntil is required with an owner");
        }
        Instant created = precision.apply(execution.createdAt());
        return ExecutionRecord.builder()
                .id(execution.id())
                .name(execution.name())
                .function(execution.function())
                .status(owned ? ExecutionStatus.RUNNING : ExecutionStatus.PENDING)
                .input(execution.input())
                .createdAt(created)
                .updatedAt(created)
                .wakeAt(owned ? null : created)
                .owner(execution.owner())
                .leaseUntil(owned ? precision.apply(execution.leaseUntil()) : null)
                .version(owned ? 1 : 0)
                .timeoutAt(execution.timeoutAt() == null ? null : precision.apply(execution.timeoutAt()))
                .parentId(execution.parentId())
                .propagatedContext(execution.propagatedContext())
                .build();
    }

    /**
     * The reason a cancel request records.
     *
     * @param reason the reason given, or {@code null}
     * @return {@code reason}, or {@link #DEFAULT_CANCEL_REASON} if it is {@code null}
     */
    public static String cancelReason(String reason) {
        return reason == null ? DEFAULT_CANCEL_REASON : reason;
    }

    /**
     * The error an execution ends with when it is cancelled: type {@link #CANCELLED_ERROR_TYPE}, the reason as
     * its message, no stack trace.
     *
     * @param reason the cancel reason
     * @return the error
     */
    public static ErrorInfo cancelledError(String reason) {
        return ErrorInfo.of(CANCELLED_ERROR_TYPE, reason);
    }

    /**
     * What a cancel request does to an execution of status {@code status}, as the result the store returns:
     * <ul>
     *   <li>{@link CancelResult.Outcome#NOT_FOUND} if there is no execution ({@code status} is {@code null});
     *   <li>{@link CancelResult.Outcome#ALREADY_ENDED}, with its status, if it has ended: nothing changes;
     *   <li>{@link CancelResult.Outcome#REQUESTED}, with RUNNING, if it is RUNNING: the store records the reason
     *       (the first request's reason stays) and counts a signal, and the owner ends the execution CANCELLED at
     *       its next checkpoint;
     *   <li>{@link CancelResult.Outcome#CANCELLED}, with CANCELLED, otherwise (pending, suspended, parked): the
     *       store counts a signal and ends it CANCELLED now, with {@link #cancelledError} and without output,
     *       wake-up, owner or lease, and signals its parent, if it has one that has not ended.
     * </ul>
     *
     * @param status the execution's status, or {@code null} if there is none
     * @return the result
     */
    public static CancelResult cancel(ExecutionStatus status) {
        if (status == null) {
            return new CancelResult(CancelResult.Outcome.NOT_FOUND, null);
        }
        if (status.isTerminal()) {
            return new CancelResult(CancelResult.Outcome.ALREADY_ENDED, status);
        }
        if (status == ExecutionStatus.RUNNING) {
            return new CancelResult(CancelResult.Outcome.REQUESTED, ExecutionStatus.RUNNING);
        }
        return new CancelResult(CancelResult.Outcome.CANCELLED, ExecutionStatus.CANCELLED);
    }

    /** The {@link dev.cairn.HistoryEventType#CALLBACK_HEARTBEAT} event a store appends for a heartbeat at {@code now}. */
    public static EventRecord heartbeat(CallbackRecord callback, Instant now) {
        return new EventRecord(callback.executionId(), dev.cairn.HistoryEventType.CALLBACK_HEARTBEAT, now,
                callback.operationId(), 0, null, null);
    }
}
