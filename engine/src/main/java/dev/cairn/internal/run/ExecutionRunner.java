package dev.cairn.internal.run;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionContextPropagator;
import dev.cairn.ExecutionListener;
import dev.cairn.ExecutionStatus;
import dev.cairn.HistoryEventType;
import dev.cairn.SerializationException;
import dev.cairn.internal.ContextPropagation;
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
import java.util.Map;
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

    /** The error type of an interrupted run ({@link ExecutionListener#executionInterrupted}): the engine closes. */
    public static final String INTERRUPTED_BY_CLOSE = "dev.cairn.EngineClosing";

    /** The error type of an interrupted run: another node claimed the execution, or it ended meanwhile. */
    public static final String INTERRUPTED_BY_TAKEOVER = "dev.cairn.ExecutionTakenOver";

    /** The error type of an interrupted run: the store failed; the execution is claimed again after a delay. */
    public static final String INTERRUPTED_BY_STORE = "dev.cairn.StoreUnavailable";

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
        Map<String, String> context = listeners.active() || env.propagation().active()
                ? ContextPropagation.decode(execution.propagatedContext(), execution.id()) : Map.of();
        long claimed = System.nanoTime();
        ExecutionRun first = new ExecutionRun(env, execution, function, history, claimed, context);
        if (listeners.active()) {
            ExecutionListener.ExecutionEvent began = new ExecutionListener.ExecutionEvent(execution.id(),
                    execution.function(), ExecutionStatus.RUNNING, env.clock().now(), null, null, Duration.ZERO,
                    context);
            if (resumed) {
                listeners.executionResumed(began);
            } else {
                listeners.executionStarted(began);
            }
        }
        // The context is attached to the run's thread from just after the run's first event to just after its last,
        // so that a listener that began something for the run (a span) can have it attached.
        try (ExecutionContextPropagator.Attachment attached = first.attachRun()) {
            ErrorInfo interrupted = runUntilStopped(first, resumed);
            if (interrupted != null && listeners.active()) {
                listeners.executionInterrupted(new ExecutionListener.ExecutionEvent(execution.id(),
                        execution.function(), ExecutionStatus.RUNNING, env.clock().now(), null, interrupted,
                        Duration.ofNanos(System.nanoTime() - claimed), context));
            }
        }
    }

    /**
     * Runs the function until its run suspends, ends or stops; runs it again at once while a signal refuses the
     * suspension.
     *
     * @return why the run stopped before it could suspend or end its execution; null if its suspension or end was
     *         reported
     */
    private ErrorInfo runUntilStopped(ExecutionRun first, boolean resumed) {
        ExecutionRecord execution = first.execution;
        ExecutionRun run = first;
        try {
            while (true) {
                RunEnd end = runOnce(run, resumed);
                resumed = false;
                if (!end.replay()) {
                    return end.interrupted();
                }
                // A signal arrived while the run went on (a callback completed, a cancel request): the next
                // suspension must carry the signal count the row has now, or it would be refused again and again.
                ExecutionRecord row;
                try {
                    run.history.replaceCallbacks(env.store().loadCallbacks(execution.id()));
                    row = env.store().findExecution(execution.id()).orElse(null);
                } catch (RuntimeException e) {
                    return retry(execution, "its callbacks and row could not be read", e);
                }
                if (row == null || row.version() != execution.version()) {
                    return takenOver(execution); // no longer this run's: its owner now runs it
                }
                execution = execution.toBuilder().signals(row.signals()).build();
                run = new ExecutionRun(env, execution, first.function, first.history, first.claimedNanos,
                        first.propagatedContext);
            }
        } catch (RuntimeException | Error e) {
            // A fault of the engine itself, not of the workflow: running the execution again would most likely
            // fail the same way, so it is failed, with the error for whoever looks.
            log.error("execution {}: Cairn failed while running it; it is failed", execution.id(), e);
            histories.invalidate(execution.id());
            ErrorInfo error = safely(e, "Cairn failed while running execution " + execution.id() + ": " + e);
            return commitEnd(execution, Transition.end(ExecutionStatus.FAILED, error), first.function, List.of(),
                    first.claimedNanos, first.propagatedContext).interrupted();
        }
    }

    /**
     * How one pass of a run over the function stopped: to be run again at once ({@code replay}), or done, with its
     * suspension or end reported ({@code interrupted == null}) or stopped before it, saying why.
     */
    private record RunEnd(boolean replay, ErrorInfo interrupted) {
        static final RunEnd REPORTED = new RunEnd(false, null);
        static final RunEnd REPLAY = new RunEnd(true, null);

        static RunEnd interrupted(ErrorInfo why) {
            return new RunEnd(false, why);
        }
    }

    private RunEnd runOnce(ExecutionRun run, boolean resumed) {
        ExecutionRecord execution = run.execution;
        RegisteredFunction function = run.function;
        if (resumed) {
            run.event(HistoryEventType.EXECUTION_RESUMED, null, 0, env.clock().now(), null, null);
        }
        if (execution.timeoutAt() != null && !env.clock().now().isBefore(execution.timeoutAt())) {
            return abandoned(run, RunAbandoned.Reason.TIMED_OUT);
        }
        try {
            expireOverdueCallbacks(run);
        } catch (ExecutionRun.StoreUnavailable e) {
            return RunEnd.interrupted(retry(execution, "its overdue callbacks could not be timed out", e.getCause()));
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
            return RunEnd.interrupted(retry(execution, "a checkpoint could not be written", failure));
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
        Written written = commit(run, Transition.suspend(wakeAt, run.execution.signals()));
        if (written.failure() != null) {
            return RunEnd.interrupted(written.failure());
        }
        switch (written.outcome()) {
            case APPLIED -> {
                histories.put(run.execution.id(), run.history);
                env.scheduled(run.execution.id(), wakeAt);
                if (env.listeners().active()) {
                    env.listeners().executionSuspended(new ExecutionListener.ExecutionEvent(run.execution.id(),
                            run.function.name(), ExecutionStatus.SUSPENDED, env.clock().now(), wakeAt, null,
                            run.runTime(), run.propagatedContext));
                }
                return RunEnd.REPORTED;
            }
            case SIGNALLED -> {
                return RunEnd.REPLAY;
            }
            case CANCELLED -> {
                histories.invalidate(run.execution.id());
                env.ended(run.execution.id());
                if (env.listeners().active()) {
                    env.listeners().executionEnded(new ExecutionListener.ExecutionEvent(run.execution.id(),
                            run.function.name(), ExecutionStatus.CANCELLED, env.clock().now(), null, null,
                            run.runTime(), run.propagatedContext));
                }
                return RunEnd.REPORTED;
            }
            default -> {
                histories.invalidate(run.execution.id());
                return RunEnd.interrupted(takenOver(run.execution));
            }
        }
    }

    private RunEnd end(ExecutionRun run, Transition transition) {
        histories.invalidate(run.execution.id());
        return commitEnd(run.execution, transition, run.function, run.drainEvents(), run.claimedNanos,
                run.propagatedContext);
    }

    /** Writes how an execution ended, with the run's last events, and tells whoever waits for it. */
    private RunEnd commitEnd(ExecutionRecord e, Transition transition, RegisteredFunction function,
            List<EventRecord> events, long claimed, Map<String, String> context) {
        Written written = write(e, transition, events);
        if (written.failure() != null) {
            return RunEnd.interrupted(written.failure());
        }
        CommitOutcome outcome = written.outcome();
        if (outcome != CommitOutcome.APPLIED && outcome != CommitOutcome.CANCELLED) {
            return RunEnd.interrupted(takenOver(e));
        }
        if (env.listeners().active()) {
            boolean cancelled = outcome == CommitOutcome.CANCELLED;
            env.listeners().executionEnded(new ExecutionListener.ExecutionEvent(e.id(), e.function(),
                    cancelled ? ExecutionStatus.CANCELLED : written.transition().status(), env.clock().now(), null,
                    cancelled ? null : written.transition().error(), Duration.ofNanos(System.nanoTime() - claimed),
                    context));
        }
        if (written.transition().status() == ExecutionStatus.FAILED && outcome == CommitOutcome.APPLIED) {
            log.info("execution {} ({}) failed: {}", e.id(), function.name(), written.transition().error().summary());
        }
        if (outcome == CommitOutcome.APPLIED) {
            Instant now = env.clock().now();
            Transition t = written.transition();
            env.ended(new ExecutionRecord(e.id(), e.name(), e.function(), t.status(), e.input(), t.output(),
                    t.error(), e.createdAt(), now, now, null, null, null, e.version(), e.signals(), e.cancelReason(),
                    e.timeoutAt(), e.parentId(), e.propagatedContext()));
        } else {
            env.ended(e.id());
        }
        if (e.parentId() != null) {
            env.dispatch(e.parentId());
        }
        return RunEnd.REPORTED;
    }

    private RunEnd abandoned(ExecutionRun run, RunAbandoned.Reason reason) {
        histories.invalidate(run.execution.id());
        switch (reason) {
            case CANCELLED -> {
                env.ended(run.execution.id());
                if (env.listeners().active()) {
                    env.listeners().executionEnded(new ExecutionListener.ExecutionEvent(run.execution.id(),
                            run.function.name(), ExecutionStatus.CANCELLED, env.clock().now(), null, null,
                            run.runTime(), run.propagatedContext));
                }
                if (run.execution.parentId() != null) {
                    env.dispatch(run.execution.parentId());
                }
                return RunEnd.REPORTED;
            }
            case CLOSING -> {
                commit(run, Transition.release(env.clock().now()));
                return RunEnd.interrupted(closing(run.execution));
            }
            case FENCED -> {
                log.info("execution {} was taken over by another node; this run stops", run.execution.id());
                return RunEnd.interrupted(takenOver(run.execution));
            }
            case TIMED_OUT -> {
                return end(run, Transition.end(ExecutionStatus.TIMED_OUT, ErrorInfo.of("dev.cairn.ExecutionTimedOut",
                        "execution " + run.execution.id() + " ran past its timeout at " + run.execution.timeoutAt())));
            }
            default -> throw new IllegalStateException("unexpected reason " + reason);
        }
    }

    /** Why a run stopped: the engine is closing. */
    private ErrorInfo closing(ExecutionRecord execution) {
        return ErrorInfo.of(INTERRUPTED_BY_CLOSE, "engine " + env.nodeId() + " is closing; execution "
                + execution.id() + " resumes when an engine next claims it");
    }

    /** Why a run stopped: the execution is no longer this run's. */
    private ErrorInfo takenOver(ExecutionRecord execution) {
        return ErrorInfo.of(INTERRUPTED_BY_TAKEOVER, "execution " + execution.id() + " is no longer held by this run"
                + " on node " + env.nodeId() + " (another node claimed it, or it ended)");
    }

    /**
     * What writing a run's end did: the store's outcome and the transition written, or why nothing could be
     * written ({@code failure}; the execution is then claimed again later).
     */
    private record Written(CommitOutcome outcome, Transition transition, ErrorInfo failure) {
    }

    /** Writes the run's end, with the events it recorded since its last checkpoint. */
    private Written commit(ExecutionRun run, Transition transition) {
        return write(run.execution, transition, run.drainEvents());
    }

    private Written write(ExecutionRecord execution, Transition transition, List<EventRecord> events) {
        try {
            return new Written(submit(execution, transition, events), transition, null);
        } catch (CompletionException | IllegalStateException e) {
            if (env.isClosing()) {
                return new Written(null, transition, closing(execution));
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
            return new Written(null, transition, retry(execution, "the end of its run could not be recorded",
                    e.getCause() != null ? e.getCause() : e));
        }
    }

    private CommitOutcome submit(ExecutionRecord execution, Transition transition, List<EventRecord> events) {
        CheckpointWriter writer = env.writer(execution.id());
        return writer.await(writer.submit(new Checkpoint(execution.id(), execution.version(), List.of(), List.of(),
                List.of(), transition, env.clock().now(), List.of(), List.of(), events)));
    }

    /**
     * The run stopped on a store failure: the execution is claimed again after a delay.
     *
     * @return why the run stopped
     */
    private ErrorInfo retry(ExecutionRecord execution, String what, Throwable cause) {
        if (env.isClosing()) {
            return closing(execution);
        }
        String message = cause == null ? "unknown" : cause.getMessage();
        log.warn("execution {}: {} ({}); it is claimed again in {} ms", execution.id(), what, message,
                RETRY_DELAY.toMillis());
        env.retryOwned(execution.id(), RETRY_DELAY);
        return ErrorInfo.of(INTERRUPTED_BY_STORE, "execution " + execution.id() + ": " + what + " (" + message
                + "); it is claimed again in " + RETRY_DELAY.toMillis() + " ms");
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
