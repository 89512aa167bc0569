package dev.cairn.internal;

import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackSubmitter;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.StepContext;
import dev.cairn.StepFailedException;
import dev.cairn.StepFunction;
import dev.cairn.StepInterruptedException;
import dev.cairn.TypeRef;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.RetryDecision;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay loop's view from inside a durable function: each operation takes the next id of its context,
 * looks for its checkpoint, checks that the checkpoint matches what is called, and either returns the recorded
 * outcome or runs the operation and checkpoints it.
 *
 * <p>Operation ids are a counter per context: {@code "1"}, {@code "2"}, ... at the top; a child context of
 * operation {@code "3"} numbers its own {@code "3-1"}, {@code "3-2"}.
 */
final class ReplayContext implements DurableContext {

    private final ExecutionRun run;
    private final String prefix;
    private final String parentId;
    private int counter;
    private Logger logger;

    ReplayContext(ExecutionRun run, String parentId) {
        this.run = run;
        this.parentId = parentId;
        this.prefix = parentId == null ? "" : parentId + "-";
    }

    // ---------------------------------------------------------------- operation bookkeeping

    /** Takes the next id, and returns its checkpoint (validated) or null. */
    private OperationRecord begin(OperationType type, String subType, String name, String what) {
        run.checkActive(what);
        String id = prefix + (++counter);
        OperationRecord recorded = run.visit(id);
        if (recorded != null) {
            if (recorded.type() != type || !Objects.equals(recorded.subType(), subType)
                    || !Objects.equals(recorded.name(), name)) {
                throw run.nonDeterministic(id, "operation " + id + " of execution " + run.executionId()
                        + " was recorded as " + describe(recorded.type(), recorded.subType(), recorded.name())
                        + " but the code now calls " + describe(type, subType, name)
                        + ". The code changed under a running execution; its checkpoints no longer fit, so it is"
                        + " failed. Keep the old code registered until such executions end, or start new executions.");
            }
        }
        lastId = id;
        return recorded;
    }

    private String lastId;

    private static String describe(OperationType type, String subType, String name) {
        return type + (subType == null ? "" : "/" + subType) + (name == null ? "" : " '" + name + "'");
    }

    private OperationRecord record(String id, OperationType type, String subType, String name, OperationStatus status,
            int attempt, String result, ErrorInfo error, Instant scheduledAt, Instant startedAt, Instant endedAt) {
        return new OperationRecord(run.executionId(), id, parentId, type, subType, name, status, attempt, result, error,
                scheduledAt, startedAt, endedAt);
    }

    private static String requireName(String name, String what) {
        Objects.requireNonNull(name, what + " name");
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be blank");
        }
        if (name.length() > 200) {
            throw new IllegalArgumentException(what + " name is " + name.length() + " characters; the limit is 200");
        }
        return name;
    }

    // ---------------------------------------------------------------- step

    @Override
    public <T> T step(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        requireName(name, "step");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(config, "config");
        OperationRecord recorded = begin(OperationType.STEP, null, name, "step '" + name + "'");
        String id = lastId;
        int attempts = 0;
        Instant startedAt = null;
        if (recorded != null) {
            startedAt = recorded.startedAt();
            attempts = recorded.attempt();
            switch (recorded.status()) {
                case SUCCEEDED:
                    return run.read(recorded.result(), resultType.type(), "result of step '" + name + "'");
                case FAILED:
                    throw new StepFailedException(run.executionId(), id, name, recorded.attempt(), recorded.error());
                case RETRY_PENDING:
                    if (recorded.scheduledAt() != null && run.clockNow().isBefore(recorded.scheduledAt())) {
                        throw run.suspend(recorded.scheduledAt());
                    }
                    break;
                case STARTED:
                    // An attempt was under way when its run stopped (at-most-once): it counts as failed.
                    StepInterruptedException interrupted = new StepInterruptedException("attempt " + attempts
                            + " of step '" + name + "' (operation " + id + " of execution " + run.executionId()
                            + ") started but did not finish before its run stopped; at-most-once semantics forbid"
                            + " running it again");
                    T retried = afterFailure(id, name, attempts, startedAt, interrupted, config, true);
                    if (retried != null) {
                        return retried;
                    }
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
            if (config.semantics() == StepSemantics.AT_MOST_ONCE_PER_RETRY) {
                run.checkpoint(List.of(record(id, OperationType.STEP, null, name, OperationStatus.STARTED, attempts,
                        null, null, null, startedAt, null)), List.of(), true);
            }
            T value;
            run.activeStep = name;
            try {
                value = body.apply(new Step(id, attempts));
            } catch (Suspension | RunAbandoned | ExecutionRun.StoreUnavailable | VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                run.activeStep = null;
                afterFailure(id, name, attempts, startedAt, e, config, false);
                continue; // afterFailure returned: retry at once
            } finally {
                run.activeStep = null;
            }
            String data = run.payload(value, "the result of step '" + name + "' (operation " + id + ")");
            run.checkpoint(List.of(record(id, OperationType.STEP, null, name, OperationStatus.SUCCEEDED, attempts, data,
                    null, null, startedAt, run.clockNow())), List.of(), true);
            return value;
        }
    }

    /**
     * Records a failed attempt and applies the retry strategy: throws {@link StepFailedException} when it gives up,
     * suspends when the retry is later, and returns (null) when the retry is due at once.
     */
    private <T> T afterFailure(String id, String name, int attempts, Instant startedAt, Throwable error, StepConfig config,
            boolean replayedInterruption) {
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
            run.checkpoint(List.of(record(id, OperationType.STEP, null, name, OperationStatus.FAILED, attempts, null, info,
                    null, startedAt, now)), List.of(), true);
            throw new StepFailedException(run.executionId(), id, name, attempts, info);
        }
        Instant retryAt = now.plus(decision.delay());
        run.checkpoint(List.of(record(id, OperationType.STEP, null, name, OperationStatus.RETRY_PENDING, attempts, null,
                info, retryAt, startedAt, null)), List.of(), false);
        if (decision.delay().isZero()) {
            return null;
        }
        throw run.suspend(retryAt);
    }

    /** What a step's body sees. */
    private final class Step implements StepContext {
        private final String operationId;
        private final int attempt;

        Step(String operationId, int attempt) {
            this.operationId = operationId;
            this.attempt = attempt;
        }

        @Override
        public String executionId() {
            return run.executionId();
        }

        @Override
        public String operationId() {
            return operationId;
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

    // ---------------------------------------------------------------- wait

    @Override
    public void wait(String name, Duration duration) {
        requireName(name, "wait");
        Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("wait '" + name + "' duration must be positive, was " + duration);
        }
        OperationRecord recorded = begin(OperationType.WAIT, null, name, "wait '" + name + "'");
        String id = lastId;
        Instant now = run.clockNow();
        if (recorded == null) {
            Instant wakeAt = now.plus(duration);
            run.checkpoint(List.of(record(id, OperationType.WAIT, null, name, OperationStatus.STARTED, 0, null, null,
                    wakeAt, now, null)), List.of(), false);
            throw run.suspend(wakeAt);
        }
        if (recorded.status() == OperationStatus.SUCCEEDED) {
            return;
        }
        if (now.isBefore(recorded.scheduledAt())) {
            throw run.suspend(recorded.scheduledAt());
        }
        run.checkpoint(List.of(record(id, OperationType.WAIT, null, name, OperationStatus.SUCCEEDED, 0, null, null,
                recorded.scheduledAt(), recorded.startedAt(), now)), List.of(), false);
    }

    // ---------------------------------------------------------------- callbacks

    @Override
    public <T> DurableCallback<T> createCallback(String name, TypeRef<T> resultType, CallbackConfig config) {
        requireName(name, "callback");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(config, "config");
        OperationRecord recorded = begin(OperationType.CALLBACK, null, name, "createCallback '" + name + "'");
        String id = lastId;
        if (recorded == null) {
            Instant now = run.clockNow();
            CallbackRecord callback = new CallbackRecord(CallbackIds.next(), run.executionId(), id, CallbackStatus.PENDING,
                    null, null, config.timeout() == null ? null : now.plus(config.timeout()), config.heartbeatTimeout(),
                    config.heartbeatTimeout() == null ? null : now.plus(config.heartbeatTimeout()), now, null);
            run.checkpoint(List.of(record(id, OperationType.CALLBACK, null, name, OperationStatus.STARTED, 0, null, null,
                    null, now, null)), List.of(callback), true);
            return new Callback<>(id, name, callback.id(), resultType);
        }
        CallbackRecord callback = run.history.callbacksByOperation.get(id);
        if (callback == null) {
            throw new IllegalStateException("callback operation " + id + " of execution " + run.executionId()
                    + " has a checkpoint but no callback row; the store is inconsistent");
        }
        return new Callback<>(id, name, callback.id(), resultType);
    }

    private final class Callback<T> implements DurableCallback<T> {
        private final String operationId;
        private final String name;
        private final String callbackId;
        private final TypeRef<T> type;

        Callback(String operationId, String name, String callbackId, TypeRef<T> type) {
            this.operationId = operationId;
            this.name = name;
            this.callbackId = callbackId;
            this.type = type;
        }

        @Override
        public String id() {
            return callbackId;
        }

        @Override
        public T result() {
            run.checkActive("result of callback '" + name + "'");
            OperationRecord op = run.history.operations.get(operationId);
            String where = "callback '" + name + "' (id " + callbackId + ", operation " + operationId + " of execution "
                    + run.executionId() + ")";
            if (op.status() == OperationStatus.SUCCEEDED) {
                return run.read(op.result(), type.type(), "result of " + where);
            }
            if (op.status() == OperationStatus.FAILED) {
                throw callbackError(where, callbackId, op.error());
            }
            while (true) {
                CallbackRecord cb = run.history.callbacksByOperation.get(operationId);
                Instant now = run.clockNow();
                switch (cb.status()) {
                    case SUCCEEDED -> {
                        T value = run.read(cb.result(), type.type(), "result of " + where);
                        run.checkpoint(List.of(withOutcome(op, OperationStatus.SUCCEEDED, cb.result(), null, now)),
                                List.of(), false);
                        return value;
                    }
                    case FAILED, TIMED_OUT -> {
                        run.checkpoint(List.of(withOutcome(op, OperationStatus.FAILED, null, cb.error(), now)), List.of(),
                                false);
                        throw callbackError(where, callbackId, cb.error());
                    }
                    case PENDING -> {
                        Instant deadline = cb.deadline();
                        if (deadline == null || now.isBefore(deadline)) {
                            throw run.suspend(deadline);
                        }
                        boolean timedOut = cb.timeoutAt() != null && !now.isBefore(cb.timeoutAt());
                        String message = timedOut
                                ? where + " timed out: not completed within " + Duration.between(cb.createdAt(), cb.timeoutAt())
                                : where + " timed out: no heartbeat within " + cb.heartbeatTimeout();
                        ErrorInfo error = ErrorInfo.of(CallbackTimeoutException.class.getName(), message);
                        if (run.engine.store().expireCallback(callbackId, error, now)) {
                            run.history.callbacksByOperation.put(operationId, new CallbackRecord(cb.id(), cb.executionId(),
                                    cb.operationId(), CallbackStatus.TIMED_OUT, null, error, cb.timeoutAt(),
                                    cb.heartbeatTimeout(), cb.heartbeatDeadline(), cb.createdAt(), now));
                        } else {
                            // Completed (or heartbeated) meanwhile: read it again.
                            run.history.replaceCallbacks(run.engine.store().loadCallbacks(run.executionId()));
                        }
                    }
                }
            }
        }
    }

    private static OperationRecord withOutcome(OperationRecord op, OperationStatus status, String result, ErrorInfo error,
            Instant endedAt) {
        return new OperationRecord(op.executionId(), op.operationId(), op.parentId(), op.type(), op.subType(), op.name(),
                status, op.attempt(), result, error, op.scheduledAt(), op.startedAt(), endedAt);
    }

    private static CallbackFailedException callbackError(String where, String callbackId, ErrorInfo error) {
        if (CallbackTimeoutException.class.getName().equals(error.type())) {
            return new CallbackTimeoutException(error.message(), callbackId, error);
        }
        if (CallbackFailedException.class.getName().equals(error.type())) {
            return new CallbackFailedException(error.message(), callbackId, error);
        }
        return new CallbackFailedException(where + " was failed: " + error.summary(), callbackId, error);
    }

    @Override
    public <T> T waitForCallback(String name, TypeRef<T> resultType, CallbackSubmitter submitter, CallbackConfig config) {
        requireName(name, "waitForCallback");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(config, "config");
        OperationRecord recorded = begin(OperationType.CONTEXT, "WaitForCallback", name, "waitForCallback '" + name + "'");
        String id = lastId;
        if (recorded != null && recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(recorded.result(), resultType.type(), "result of waitForCallback '" + name + "'");
        }
        if (recorded != null && recorded.status() == OperationStatus.FAILED) {
            CallbackRecord cb = run.history.callbacksByOperation.get(id + "-1");
            throw callbackError("waitForCallback '" + name + "'", cb == null ? null : cb.id(), recorded.error());
        }
        Instant startedAt = recorded != null ? recorded.startedAt() : run.clockNow();
        OperationRecord started = record(id, OperationType.CONTEXT, "WaitForCallback", name, OperationStatus.STARTED, 0,
                null, null, null, startedAt, null);
        if (recorded == null) {
            run.checkpoint(List.of(started), List.of(), false);
        }
        ReplayContext child = new ReplayContext(run, id);
        DurableCallback<T> callback = child.createCallback(name, resultType, config);
        try {
            child.step("submit " + name, Void.class, step -> {
                submitter.submit(callback.id(), step);
                return null;
            }, config.submitterConfig());
        } catch (StepFailedException e) {
            String message = "the submitter of callback '" + name + "' (id " + callback.id() + ", operation " + id
                    + " of execution " + run.executionId() + ") failed after " + e.attempts() + " attempt(s): "
                    + e.error().summary();
            ErrorInfo error = ErrorInfo.of(CallbackFailedException.class.getName(), message);
            run.engine.failCallbackQuietly(callback.id(), error);
            run.checkpoint(List.of(withOutcome(started, OperationStatus.FAILED, null, error, run.clockNow())), List.of(),
                    false);
            throw new CallbackFailedException(message, callback.id(), error);
        }
        T value;
        try {
            value = callback.result();
        } catch (CallbackFailedException e) {
            run.checkpoint(List.of(withOutcome(started, OperationStatus.FAILED, null, e.error(), run.clockNow())),
                    List.of(), false);
            throw e;
        }
        OperationRecord childResult = run.history.operations.get(id + "-1");
        run.checkpoint(List.of(withOutcome(started, OperationStatus.SUCCEEDED, childResult.result(), null, run.clockNow())),
                List.of(), false);
        return value;
    }

    // ---------------------------------------------------------------- recorded values

    @Override
    public Instant now() {
        OperationRecord recorded = begin(OperationType.STEP, "Now", "now", "now()");
        if (recorded != null && recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(recorded.result(), Instant.class, "now()");
        }
        Instant now = run.clockNow();
        run.checkpoint(List.of(record(lastId, OperationType.STEP, "Now", "now", OperationStatus.SUCCEEDED, 1,
                run.payload(now, "now()"), null, null, now, now)), List.of(), false);
        return now;
    }

    @Override
    public UUID randomUUID() {
        OperationRecord recorded = begin(OperationType.STEP, "RandomUUID", "randomUUID", "randomUUID()");
        if (recorded != null && recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(recorded.result(), UUID.class, "randomUUID()");
        }
        UUID uuid = UUID.randomUUID();
        Instant now = run.clockNow();
        run.checkpoint(List.of(record(lastId, OperationType.STEP, "RandomUUID", "randomUUID", OperationStatus.SUCCEEDED, 1,
                run.payload(uuid, "randomUUID()"), null, null, now, now)), List.of(), false);
        return uuid;
    }

    // ---------------------------------------------------------------- the rest

    @Override
    public Logger logger() {
        if (logger == null) {
            logger = new ReplayAwareLogger(LoggerFactory.getLogger("dev.cairn.workflow." + run.function.name()),
                    run::isReplaying);
        }
        return logger;
    }

    @Override
    public boolean isReplaying() {
        return run.isReplaying();
    }

    @Override
    public String executionId() {
        return run.executionId();
    }
}
