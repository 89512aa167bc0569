package dev.cairn.internal.replay;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionContextPropagator;
import dev.cairn.ExecutionListener;
import dev.cairn.HistoryEventType;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.StepContext;
import dev.cairn.StepFailedException;
import dev.cairn.StepFunction;
import dev.cairn.StepInterruptedException;
import dev.cairn.StepTimeoutException;
import dev.cairn.TypeRef;
import dev.cairn.config.RetryDecision;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.internal.Listeners;
import dev.cairn.internal.run.Scope;
import java.time.Duration;
import dev.cairn.spi.OperationRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ctx.step}: its attempts, each checkpointed; at-most-once attempts with a start checkpoint before the body;
 * the retry decisions, with backoffs that suspend; and the step timeout.
 *
 * <p>Replay returns the recorded result or rethrows the recorded failure. A step recorded RETRY_PENDING resumes
 * with its next attempt once the retry is due; one recorded STARTED was an at-most-once attempt cut short, which
 * counts as failed ({@link StepInterruptedException}) and goes through the retry strategy.
 */
final class StepOperation<T> extends DurableOperation<T> {

    private static final Logger log = LoggerFactory.getLogger(StepOperation.class);

    private final String name;
    private final TypeRef<T> resultType;
    private final StepFunction<T> body;
    private final StepConfig config;

    StepOperation(ReplayContext ctx, String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config,
            String what) {
        super(ctx, OperationType.STEP, null, name, what);
        this.name = name;
        this.resultType = resultType;
        this.body = body;
        this.config = config;
    }

    @Override
    T replay() {
        if (recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(config.serializer(), recorded.result(), resultType.type(), "result of step '" + name + "'");
        }
        throw new StepFailedException(run.executionId(), id, name, recorded.attempt(), recorded.error());
    }

    @Override
    Instant dueAt() {
        return recorded != null && recorded.status() == OperationStatus.RETRY_PENDING ? recorded.scheduledAt() : null;
    }

    @Override
    T start(Scope s) {
        int attempts = 0;
        Instant startedAt = null;
        if (recorded != null) {
            startedAt = recorded.startedAt();
            attempts = recorded.attempt();
            switch (recorded.status()) {
                case RETRY_PENDING:
                    if (recorded.scheduledAt() != null && run.clockNow().isBefore(recorded.scheduledAt())) {
                        throw s.suspend(recorded.scheduledAt());
                    }
                    break;
                case STARTED:
                    // An at-most-once attempt was under way when its run stopped: it counts as failed.
                    StepInterruptedException interrupted = new StepInterruptedException("attempt " + attempts
                            + " of step '" + name + "' (operation " + id + " of execution " + run.executionId()
                            + ") started but did not finish before its run stopped; at-most-once semantics forbid"
                            + " running it again");
                    afterFailure(s, attempts, startedAt, interrupted);
                    break;
                default:
                    throw new IllegalStateException("unexpected status " + recorded.status());
            }
        }
        while (true) {
            attempts++;
            Instant now = run.clockNow();
            if (startedAt == null) {
                startedAt = now;
            }
            if (attempts > 1) {
                // The first attempt's start is the row's; a later one's is kept as an event of the history.
                run.event(HistoryEventType.STEP_STARTED, id, attempts, now, null, null);
            }
            if (config.semantics() == StepSemantics.AT_MOST_ONCE_PER_RETRY) {
                ctx.write(s, List.of(record(OperationStatus.STARTED, attempts, null, null, null, startedAt, null)),
                        List.of(), true);
            }
            T value;
            s.activeStep = name;
            Listeners listeners = run.env.listeners();
            long attemptStarted = 0;
            if (listeners.active()) {
                listeners.stepAttemptStarted(attemptEvent(attempts, null, null, Duration.ZERO));
                attemptStarted = System.nanoTime();
            }
            try {
                Attempt attempt = new Attempt(attempts);
                value = config.timeout() == null ? applyAttached(attempt) : applyWithTimeout(attempt);
            } catch (Throwable e) {
                if (listeners.active() && !ReplayContext.isControlFlow(e)) {
                    attemptFailed = attemptStarted;
                }
                s.activeStep = null;
                if (ReplayContext.isControlFlow(e)) {
                    throw (Error) e;
                }
                if (e instanceof VirtualMachineError) {
                    log.error("step '{}' (operation {} of execution {}) threw {}; the attempt failed", name, id,
                            run.executionId(), e.toString());
                }
                afterFailure(s, attempts, startedAt, e);
                continue; // afterFailure returned: the retry is due at once
            } finally {
                s.activeStep = null;
            }
            if (listeners.active()) {
                listeners.stepAttemptSucceeded(attemptEvent(attempts, null, null,
                        Duration.ofNanos(System.nanoTime() - attemptStarted)));
            }
            String data = run.payload(config.serializer(), value, resultType.type(), "the result of step '" + name
                    + "' (operation " + id + ")");
            ctx.write(s, List.of(record(OperationStatus.SUCCEEDED, attempts, data, null, null, startedAt,
                    run.clockNow())), List.of(), true);
            return value;
        }
    }

    /** When the attempt that just failed started ({@link System#nanoTime()}), for its listener event; 0 if none. */
    private long attemptFailed;

    private ExecutionListener.StepAttemptEvent attemptEvent(int attempt, Throwable error, Instant nextAttemptAt,
            Duration elapsed) {
        return new ExecutionListener.StepAttemptEvent(run.executionId(), run.function.name(), id, name, attempt, error,
                nextAttemptAt, elapsed);
    }

    /** Tells the listeners that an attempt failed, and when the next one is due (null: none). */
    private void reportFailure(int attempts, Throwable error, Instant retryAt) {
        Listeners listeners = run.env.listeners();
        if (listeners.active()) {
            Duration elapsed = attemptFailed == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - attemptFailed);
            attemptFailed = 0;
            listeners.stepAttemptFailed(attemptEvent(attempts, error, retryAt, elapsed));
        }
    }

    private OperationRecord record(OperationStatus status, int attempt, String result, ErrorInfo error,
            Instant scheduledAt, Instant startedAt, Instant endedAt) {
        return ctx.record(id, OperationType.STEP, null, name, status, attempt, result, error, scheduledAt, startedAt,
                endedAt);
    }

    /** Runs one attempt of the body on the current thread, with the propagated context attached for it. */
    private T applyAttached(Attempt attempt) throws Exception {
        try (ExecutionContextPropagator.Attachment attached = run.attachStepAttempt(id, name, attempt.attempt())) {
            return body.apply(attempt);
        }
    }

    /**
     * Runs one attempt of the body on a thread of its own, and waits for it at most the step's timeout on the
     * engine's clock (read every tick, so that a virtual clock moves it too). On timeout, the body's thread is
     * interrupted and abandoned, and the attempt fails with {@link StepTimeoutException}.
     */
    private T applyWithTimeout(Attempt attempt) throws Throwable {
        Instant deadline = run.clockNow().plus(config.timeout());
        Future<T> running = run.env.stepBodies().submit(run.onRunThreadCall(() -> applyAttached(attempt)));
        long slice = Math.max(1, run.env.tickMillis());
        try {
            while (true) {
                try {
                    return running.get(slice, TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    if (!run.clockNow().isBefore(deadline)) {
                        throw new StepTimeoutException("attempt " + attempt.attempt() + " of step '" + name
                                + "' (operation " + id + " of execution " + run.executionId() + ") ran longer than"
                                + " its timeout of " + config.timeout() + "; its thread was interrupted and is not"
                                + " waited for");
                    }
                    run.checkRun("step '" + name + "'");
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } finally {
            running.cancel(true);
        }
    }

    /**
     * Records a failed attempt and applies the retry strategy: throws {@link StepFailedException} when it gives up,
     * suspends when the retry is later, and returns when the retry is due at once.
     */
    private void afterFailure(Scope s, int attempts, Instant startedAt, Throwable error) {
        ErrorInfo info = ErrorInfo.of(error);
        RetryDecision decision;
        try {
            decision = config.retryStrategy().decide(error, attempts);
        } catch (RuntimeException e) {
            decision = RetryDecision.stop();
            info = ErrorInfo.of(e);
        }
        Instant now = run.clockNow();
        if (!decision.retry()) {
            reportFailure(attempts, error, null);
            ctx.write(s, List.of(record(OperationStatus.FAILED, attempts, null, info, null, startedAt, now)), List.of(),
                    true);
            throw new StepFailedException(run.executionId(), id, name, attempts, info);
        }
        Instant retryAt = now.plus(decision.delay());
        run.event(HistoryEventType.STEP_FAILED, id, attempts, now, retryAt, info);
        reportFailure(attempts, error, retryAt);
        ctx.write(s, List.of(record(OperationStatus.RETRY_PENDING, attempts, null, info, retryAt, startedAt, null)),
                List.of(), false);
        if (!decision.delay().isZero()) {
            throw s.suspend(retryAt);
        }
    }

    /** What a step's body sees. */
    private final class Attempt implements StepContext {
        private final int attempt;

        Attempt(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public String executionId() {
            return run.executionId();
        }

        @Override
        public String operationId() {
            return id;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public Logger logger() {
            return LoggerFactory.getLogger("dev.cairn.workflow." + run.function.name());
        }
    }
}
