package dev.cairn.internal;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.SerializationException;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.Transition;
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
 */
final class ExecutionRunner {

    private static final Logger log = LoggerFactory.getLogger(ExecutionRunner.class);

    private final EngineRuntime engine;

    ExecutionRunner(EngineRuntime engine) {
        this.engine = engine;
    }

    /** Runs a claimed execution until its run ends. */
    void execute(ExecutionRecord execution) {
        RegisteredFunction function = engine.registry().get(execution.function());
        if (function == null) {
            park(execution);
            return;
        }
        ExecutionHistory history;
        try {
            history = engine.historyFor(execution);
        } catch (RuntimeException e) {
            log.warn("cannot load the history of execution {}; retrying", execution.id(), e);
            engine.retryOwned(execution, Duration.ofSeconds(1));
            return;
        }
        while (true) {
            RunEnd end = runOnce(execution, function, history);
            if (end != RunEnd.REPLAY) {
                return;
            }
            try {
                history.replaceCallbacks(engine.store().loadCallbacks(execution.id()));
            } catch (RuntimeException e) {
                engine.retryOwned(execution, Duration.ofSeconds(1));
                return;
            }
        }
    }

    private enum RunEnd { DONE, REPLAY }

    private RunEnd runOnce(ExecutionRecord execution, RegisteredFunction function, ExecutionHistory history) {
        ExecutionRun run = new ExecutionRun(engine, execution, function, history);
        if (execution.timeoutAt() != null && !engine.clock().now().isBefore(execution.timeoutAt())) {
            return abandoned(run, RunAbandoned.Reason.TIMED_OUT);
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
        try {
            output = function.function().handle(input, ctx);
        } catch (Throwable t) {
            failure = t;
        } finally {
            // Work the function started on other threads settles before the run ends, so that nothing is still
            // running (and checkpointing) once the run has suspended or ended.
            run.awaitAsyncWork();
            run.finished = true;
        }
        // What the run did takes precedence over what the function made of it: user code may have caught the
        // unwinding signals, or a non-determinism error.
        if (failure instanceof ExecutionRun.StoreUnavailable || (failure != null
                && failure.getCause() instanceof ExecutionRun.StoreUnavailable)) {
            log.warn("execution {}: checkpoint failed; retrying the run", execution.id(), failure);
            engine.invalidateHistory(execution.id());
            engine.retryOwned(execution, Duration.ofSeconds(1));
            return RunEnd.DONE;
        }
        if (run.abandoned != null) {
            return abandoned(run, run.abandoned.reason);
        }
        if (run.nonDeterminism != null) {
            return end(run, Transition.end(ExecutionStatus.FAILED, ErrorInfo.of(run.nonDeterminism)));
        }
        if (run.rootScope.suspension != null) {
            return suspend(run, Outcome.earliest(run.rootScope.suspension.wakeAt, execution.timeoutAt()));
        }
        if (failure instanceof VirtualMachineError error) {
            throw error;
        }
        if (failure != null) {
            return end(run, Transition.end(ExecutionStatus.FAILED, ErrorInfo.of(failure)));
        }
        String data;
        try {
            data = run.payload(output, "the output");
        } catch (SerializationException e) {
            return end(run, Transition.end(ExecutionStatus.FAILED, ErrorInfo.of(e)));
        }
        return end(run, Transition.succeed(data));
    }

    private RunEnd suspend(ExecutionRun run, Instant wakeAt) {
        CommitOutcome outcome = commit(run, Transition.suspend(wakeAt, run.execution.signals()));
        if (outcome == null) {
            return RunEnd.DONE;
        }
        switch (outcome) {
            case APPLIED -> {
                engine.cacheHistory(run.execution.id(), run.history);
                engine.scheduler().scheduled(run.execution.id(), wakeAt);
                return RunEnd.DONE;
            }
            case SIGNALLED -> {
                return RunEnd.REPLAY;
            }
            case CANCELLED -> {
                engine.invalidateHistory(run.execution.id());
                engine.ended(run.execution.id());
                return RunEnd.DONE;
            }
            default -> {
                engine.invalidateHistory(run.execution.id());
                return RunEnd.DONE;
            }
        }
    }

    private RunEnd end(ExecutionRun run, Transition transition) {
        CommitOutcome outcome = commit(run, transition);
        engine.invalidateHistory(run.execution.id());
        if (outcome == CommitOutcome.APPLIED || outcome == CommitOutcome.CANCELLED) {
            if (transition.status() == ExecutionStatus.FAILED && outcome == CommitOutcome.APPLIED) {
                log.info("execution {} ({}) failed: {}", run.execution.id(), run.function.name(),
                        transition.error().summary());
            }
            if (outcome == CommitOutcome.APPLIED) {
                ExecutionRecord e = run.execution;
                Instant now = engine.clock().now();
                engine.ended(new ExecutionRecord(e.id(), e.name(), e.function(), transition.status(), e.input(),
                        transition.output(), transition.error(), e.createdAt(), now, now, null, null, null, e.version(),
                        e.signals(), e.cancelReason(), e.timeoutAt(), e.parentId()));
            } else {
                engine.ended(run.execution.id());
            }
            if (run.execution.parentId() != null) {
                engine.dispatch(run.execution.parentId());
            }
        }
        return RunEnd.DONE;
    }

    private RunEnd abandoned(ExecutionRun run, RunAbandoned.Reason reason) {
        engine.invalidateHistory(run.execution.id());
        switch (reason) {
            case CANCELLED -> {
                engine.ended(run.execution.id());
                if (run.execution.parentId() != null) {
                    engine.dispatch(run.execution.parentId());
                }
            }
            case CLOSING -> commit(run, Transition.release(engine.clock().now()));
            case FENCED -> log.info("execution {} was taken over by another node; this run stops", run.execution.id());
            case TIMED_OUT -> {
                return end(run, Transition.end(ExecutionStatus.TIMED_OUT, ErrorInfo.of("dev.cairn.ExecutionTimedOut",
                        "execution " + run.execution.id() + " ran past its timeout at " + run.execution.timeoutAt())));
            }
        }
        return RunEnd.DONE;
    }

    /** Writes the run's end; null if the store failed (the run is then retried). */
    private CommitOutcome commit(ExecutionRun run, Transition transition) {
        try {
            return engine.writer(run.execution.id()).submit(run.execution.id(), run.execution.version(), List.of(), List.of(), List.of(),
                    transition, engine.clock().now()).join();
        } catch (CompletionException | IllegalStateException e) {
            if (engine.isClosing()) {
                return null;
            }
            log.warn("execution {}: could not record the end of its run; retrying", run.execution.id(), e);
            engine.invalidateHistory(run.execution.id());
            engine.retryOwned(run.execution, Duration.ofSeconds(1));
            return null;
        }
    }

    private void park(ExecutionRecord execution) {
        String message = "function '" + execution.function() + "' is not registered on node " + engine.nodeId()
                + " (registered: " + engine.registry().names() + "); the execution resumes once an engine with it"
                + " registered starts, or it is registered with DurableEngine.register";
        log.warn("execution {} parked: {}", execution.id(), message);
        try {
            engine.writer(execution.id()).submit(execution.id(), execution.version(), List.of(), List.of(), List.of(),
                    Transition.park(ErrorInfo.of("dev.cairn.UnknownFunctionException", message)), engine.clock().now())
                    .join();
        } catch (CompletionException | IllegalStateException e) {
            log.warn("could not park execution {}", execution.id(), e);
        }
    }
}
