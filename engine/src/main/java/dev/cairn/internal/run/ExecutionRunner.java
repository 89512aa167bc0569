package dev.cairn.internal.run;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionListener;
import dev.cairn.ExecutionStatus;
import dev.cairn.HistoryEventType;
import dev.cairn.SerializationException;
import dev.cairn.internal.Listeners;
import dev.cairn.internal.commit.CheckpointWriter;
import dev.cairn.internal.replay.ReplayContext;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.EventRecord;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.Transition;
import dev.cairn.spi.WriteRejectedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a claimed execution: replays its function against its history until the function returns, fails or
 * suspends, and records how the run ended in the same group commit as its last checkpoints.
 *
 * <p>No connection or transaction is held while user code runs: the history is read before, checkpoints go
 * through the writer, and the run's end is one more write.
 *
 * <p>Every run ends in one of three ways, so that no execution stays RUNNING with nothing running it: its end is
 * written (succeeded, failed, suspended, parked, given back); or the store failed, and the execution is claimed
 * again after a delay ({@link EngineRuntime#retryOwned}); or another node holds it now (fenced). A failure that
 * writing again would not cure (an error of the workflow, a fatal {@link Error}, a value the store refuses) ends
 * the execution FAILED, once.
 */
public final class ExecutionRunner {

    private static final Logger log = LoggerFactory.getLogger(ExecutionRunner.class);

    /** The SLF4J MDC key that holds the execution id while user code runs. */
    public static final String MDC_EXECUTION_ID = "cairn.executionId";

    /** The SLF4J MDC key that holds the function's name while user code runs. */
    public static final String MDC_FUNCTION = "cairn.function";

    /** How long a run that stopped on a store failure waits before its execution is claimed again. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final RunEnvironment env;
    private final HistoryCache histories;

    public ExecutionRunner(RunEnvironment env, HistoryCache histories) {
        this.env = env;
        this.histories = histories;
    }

    /** Runs a claimed execution until its run ends. */
    public void execute(ExecutionRecord execution) {
        RegisteredFunction function = env.functions().get(execution.function());
        if (function == null) {
            park(execution);
            return;
        }
        ExecutionHistory history;
        try {
            history = histories.historyFor(execution, env.store());
        } catch (RuntimeException e) {
            retry(execution, "its history could not be loaded", e);
            return;
        }
        // A claim of an execution that ran before (a pause, a takeover) is recorded with the run's first write.
        boolean resumed = execution.version() > 1;
        Listeners listeners = env.listeners();
        long claimed = System.nanoTime();
        if (listeners.active()) {
            ExecutionListener.ExecutionEvent began = new ExecutionListener.ExecutionEvent(execution.id(),
                    execution.function(), ExecutionStatus.RUNNING, env.clock().now(), null, null, Duration.ZERO);
            if (resumed) {
                listeners.executionResumed(began);
            } else {
                listeners.executionStarted(began);
            }
        }
        try {
            while (true) {
                RunEnd end = runOnce(execution, function, history, resumed, claimed);
                resumed = false;
                if (end != RunEnd.REPLAY) {
                    return;
                }
                // A signal arrived while the run went on (a callback completed, a cancel request): the next
                // suspension must carry the signal count the row has now, or it would be refused again and again.
                ExecutionRecord row;
                try {
                    history.replaceCallbacks(env.store().loadCallbacks(execution.id()));
                    row = env.store().findExecution(execution.id()).orElse(null);
                } catch (RuntimeException e) {
                    retry(execution, "its callbacks and row could not be read", e);
                    return;
                }
                if (row == null || row.version() != execution.version()) {
                    return; // no longer this run's: its owner now runs it
                }
                execution = execution.toBuilder().signals(row.signals()).build();
            }
        } catch (RuntimeException | Error e) {
            // A fault of the engine itself, not of the workflow: running the execution again would most likely
            // fail the same way, so it is failed, with the error for whoever looks.
            log.error("execution {}: Cairn failed while running it; it is failed", execution.id(), e);
            histories.invalidate(execution.id());
            ErrorInfo error = safely(e, "Cairn failed while running execution " + execution.id() + ": " + e);
            commitEnd(execution, Transition.end(ExecutionStatus.FAILED, error), function, List.of(), claimed);
        }
    }

    private enum RunEnd { DONE, REPLAY }

    private RunEnd runOnce(ExecutionRecord execution, RegisteredFunction function, ExecutionHistory history,
            boolean resumed, long claimed) {
        ExecutionRun run = new ExecutionRun(env, execution, function, history, claimed);
        if (resumed) {
            run.event(HistoryEventType.EXECUTION_RESUMED, null, 0, env.clock().now(), null, null);
        }
        if (execution.timeoutAt() != null && !env.clock().now().isBefore(execution.timeoutAt())) {
            return abandoned(run, RunAbandoned.Reason.TIMED_OUT);
        }
        try {
            expireOverdueCallbacks(run);
        } catch (ExecutionRun.StoreUnavailable e) {
            retry(execution, "its overdue callbacks could not be timed out", e.getCause());
            return RunEnd.DONE;
        }
        Object input;
        try {
            input = run.read(execution.input(), function.inputType(), "input");
        } catch (SerializationException e) {
            return end(run, Transition.end(ExecutionStatus.FAILED, ErrorInfo.of(e)));
        }
        ReplayContext ctx = new ReplayContext(run, run.rootScope, null);
        Object output = null;
        Throwable failure = null;
        ExecutionRun.putMdc(execution.id(), function.name());
        try {
            output = function.function().handle(input, ctx);
        } catch (Throwable t) {
            failure = t;
        } finally {
            ExecutionRun.clearMdc();
            // Work the function started on other threads settles before the run ends, so that nothing is still
            // running (and checkpointing) once the run has suspended or ended.
            run.awaitAsyncWork();
            run.finished = true;
        }
        // What the run did takes precedence over what the function made of it: user code may have caught the
        // unwinding signals, or a non-determinism error.
        if (failure instanceof ExecutionRun.StoreUnavailable || (failure != null
                && failure.getCause() instanceof ExecutionRun.StoreUnavailable)) {
            histories.invalidate(execution.id());
            retry(execution, "a checkpoint could not be written", failure);
            return RunEnd.DONE;
        }
        if (run.abandoned != null) {
            return abandoned(run, run.abandoned.reason);
        }
        if (run.rejected != null) {
            return end(run, Transition.end(ExecutionStatus.FAILED, refused(run, run.rejected)));
        }
        if (run.nonDeterminism != null) {
            return end(run, Transition.end(ExecutionStatus.FAILED, ErrorInfo.of(run.nonDeterminism)));
        }
        if (run.rootScope.suspension != null) {
            return suspend(run, Outcome.earliest(Outcome.earliest(run.rootScope.suspension.wakeAt,
                    execution.timeoutAt()), earliestCallbackDeadline(run)));
        }
        if (failure instanceof VirtualMachineError fatal) {
            log.error("execution {} ({}) threw {}; it is failed", execution.id(), function.name(), fatal.toString());
        }
        if (failure != null) {
            return end(run, Transition.end(ExecutionStatus.FAILED, safely(failure, null)));
        }
        String data;
        try {
            data = run.payload(output, function.outputType(), "the output");
        } catch (SerializationException e) {
            return end(run, Transition.end(ExecutionStatus.FAILED, ErrorInfo.of(e)));
        }
        return end(run, Transition.succeed(data));
    }

    /**
     * Times out, before the function runs, every pending callback whose deadline has passed: the execution was
     * woken for it ({@link #earliestCallbackDeadline}), whether or not the workflow is waiting for it now.
     */
    private void expireOverdueCallbacks(ExecutionRun run) {
        Instant now = env.clock().now();
        for (CallbackRecord callback : List.copyOf(run.history.callbacksByOperation.values())) {
            if (callback.isOverdue(now)) {
                run.expire(callback);
            }
        }
    }

    /** When the earliest pending callback times out, so that a suspended execution wakes for it; or null. */
    private static Instant earliestCallbackDeadline(ExecutionRun run) {
        Instant earliest = null;
        for (CallbackRecord callback : run.history.callbacksByOperation.values()) {
            if (callback.status() == CallbackStatus.PENDING && callback.deadline() != null
                    && (earliest == null || callback.deadline().isBefore(earliest))) {
                earliest = callback.deadline();
            }
        }
        return earliest;
    }

    /** The error recorded when the store refused one of the run's writes. */
    private static ErrorInfo refused(ExecutionRun run, WriteRejectedException rejection) {
        return ErrorInfo.of(SerializationException.class.getName(), "a checkpoint of execution "
                + run.executionId() + " was refused by the store, and writing it again would fail again: "
                + rejection.getMessage());
    }

    /**
     * The error recorded for a throwable; if recording it fails too (the heap is exhausted, say), a short one made
     * of its class name and {@code fallback}.
     */
    private static ErrorInfo safely(Throwable failure, String fallback) {
        try {
            return ErrorInfo.of(failure);
        } catch (RuntimeException | Error e) {
            return ErrorInfo.of(failure.getClass().getName(), fallback);
        }
    }

    private RunEnd suspend(ExecutionRun run, Instant wakeAt) {
        run.event(HistoryEventType.EXECUTION_SUSPENDED, null, 0, env.clock().now(), wakeAt, null);
        CommitOutcome outcome = commit(run, Transition.suspend(wakeAt, run.execution.signals()));
        if (outcome == null) {
            return RunEnd.DONE;
        }
        switch (outcome) {
            case APPLIED -> {
                histories.put(run.execution.id(), run.history);
                env.scheduled(run.execution.id(), wakeAt);
                if (env.listeners().active()) {
                    env.listeners().executionSuspended(new ExecutionListener.ExecutionEvent(run.execution.id(),
                            run.function.name(), ExecutionStatus.SUSPENDED, env.clock().now(), wakeAt, null,
                            run.runTime()));
                }
                return RunEnd.DONE;
            }
            case SIGNALLED -> {
                return RunEnd.REPLAY;
            }
            case CANCELLED -> {
                histories.invalidate(run.execution.id());
                env.ended(run.execution.id());
                return RunEnd.DONE;
            }
            default -> {
                histories.invalidate(run.execution.id());
                return RunEnd.DONE;
            }
        }
    }

    private RunEnd end(ExecutionRun run, Transition transition) {
        histories.invalidate(run.execution.id());
        commitEnd(run.execution, transition, run.function, run.drainEvents(), run.claimedNanos);
        return RunEnd.DONE;
    }

    /** Writes how an execution ended, with the run's last events, and tells whoever waits for it. */
    private void commitEnd(ExecutionRecord e, Transition transition, RegisteredFunction function,
            List<EventRecord> events, long claimed) {
        CommitOutcome outcome = write(e, transition, events);
        if (outcome == CommitOutcome.APPLIED || outcome == CommitOutcome.CANCELLED) {
            if (env.listeners().active()) {
                boolean cancelled = outcome == CommitOutcome.CANCELLED;
                env.listeners().executionEnded(new ExecutionListener.ExecutionEvent(e.id(), e.function(),
                        cancelled ? ExecutionStatus.CANCELLED : transition.status(), env.clock().now(), null,
                        cancelled ? null : transition.error(), Duration.ofNanos(System.nanoTime() - claimed)));
            }
            if (transition.status() == ExecutionStatus.FAILED && outcome == CommitOutcome.APPLIED) {
                log.info("execution {} ({}) failed: {}", e.id(), function.name(), transition.error().summary());
            }
            if (outcome == CommitOutcome.APPLIED) {
                Instant now = env.clock().now();
                env.ended(new ExecutionRecord(e.id(), e.name(), e.function(), transition.status(), e.input(),
                        transition.output(), transition.error(), e.createdAt(), now, now, null, null, null, e.version(),
                        e.signals(), e.cancelReason(), e.timeoutAt(), e.parentId()));
            } else {
                env.ended(e.id());
            }
            if (e.parentId() != null) {
                env.dispatch(e.parentId());
            }
        }
    }

    private RunEnd abandoned(ExecutionRun run, RunAbandoned.Reason reason) {
        histories.invalidate(run.execution.id());
        switch (reason) {
            case CANCELLED -> {
                env.ended(run.execution.id());
                if (env.listeners().active()) {
                    env.listeners().executionEnded(new ExecutionListener.ExecutionEvent(run.execution.id(),
                            run.function.name(), ExecutionStatus.CANCELLED, env.clock().now(), null, null,
                            run.runTime()));
                }
                if (run.execution.parentId() != null) {
                    env.dispatch(run.execution.parentId());
                }
            }
            case CLOSING -> commit(run, Transition.release(env.clock().now()));
            case FENCED -> log.info("execution {} was taken over by another node; this run stops", run.execution.id());
            case TIMED_OUT -> {
                return end(run, Transition.end(ExecutionStatus.TIMED_OUT, ErrorInfo.of("dev.cairn.ExecutionTimedOut",
                        "execution " + run.execution.id() + " ran past its timeout at " + run.execution.timeoutAt())));
            }
        }
        return RunEnd.DONE;
    }

    /**
     * Writes the run's end, with the events it recorded since its last checkpoint; null if it could not be written
     * (the execution is then claimed again later).
     */
    private CommitOutcome commit(ExecutionRun run, Transition transition) {
        return write(run.execution, transition, run.drainEvents());
    }

    private CommitOutcome write(ExecutionRecord execution, Transition transition, List<EventRecord> events) {
        try {
            return submit(execution, transition, events);
        } catch (CompletionException | IllegalStateException e) {
            if (env.isClosing()) {
                return null;
            }
            if (e.getCause() instanceof WriteRejectedException rejected && transition.status() != ExecutionStatus.FAILED) {
                // The end itself was refused (an output the store cannot hold): end it failed, saying why.
                log.warn("execution {}: the store refused its end ({}); it is failed", execution.id(),
                        rejected.getMessage());
                return write(execution, Transition.end(ExecutionStatus.FAILED, ErrorInfo.of(
                        SerializationException.class.getName(), "the end of execution " + execution.id()
                                + " was refused by the store: " + rejected.getMessage())), events);
            }
            histories.invalidate(execution.id());
            retry(execution, "the end of its run could not be recorded", e.getCause() != null ? e.getCause() : e);
            return null;
        }
    }

    private CommitOutcome submit(ExecutionRecord execution, Transition transition, List<EventRecord> events) {
        CheckpointWriter writer = env.writer(execution.id());
        return writer.await(writer.submit(new Checkpoint(execution.id(), execution.version(), List.of(), List.of(),
                List.of(), transition, env.clock().now(), List.of(), List.of(), events)));
    }

    /** The run stopped on a store failure: the execution is claimed again after a delay. */
    private void retry(ExecutionRecord execution, String what, Throwable cause) {
        if (env.isClosing()) {
            return;
        }
        log.warn("execution {}: {} ({}); it is claimed again in {} ms", execution.id(), what,
                cause == null ? "unknown" : cause.getMessage(), RETRY_DELAY.toMillis());
        env.retryOwned(execution.id(), RETRY_DELAY);
    }

    private void park(ExecutionRecord execution) {
        String message = "function '" + execution.function() + "' is not registered on node " + env.nodeId()
                + " (registered: " + env.functions().names() + "); the execution resumes once an engine with it"
                + " registered starts, or it is registered with DurableEngine.register";
        log.warn("execution {} parked: {}", execution.id(), message);
        try {
            submit(execution, Transition.park(ErrorInfo.of("dev.cairn.UnknownFunctionException", message)), List.of());
        } catch (CompletionException | IllegalStateException e) {
            retry(execution, "it could not be parked", e.getCause() != null ? e.getCause() : e);
        }
    }
}
