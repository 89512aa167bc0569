package dev.cairn.internal.replay;

import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackSubmitter;
import dev.cairn.DurableCallback;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.StepFailedException;
import dev.cairn.TypeRef;
import dev.cairn.config.CallbackConfig;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.OperationRecord;

/**
 * {@code ctx.waitForCallback}: a child context holding a callback ({@code <id>-1}) and a step that hands its id to
 * the submitter ({@code <id>-2}), then the wait for its result. A submitter that fails after its retries fails the
 * callback (so a late completion is refused) and the operation, rather than waiting forever.
 */
final class WaitForCallbackOperation<T> extends DurableOperation<T> {

    static final String SUB_TYPE = "WaitForCallback";

    private final String name;
    private final TypeRef<T> resultType;
    private final CallbackSubmitter submitter;
    private final CallbackConfig config;

    WaitForCallbackOperation(ReplayContext ctx, String name, TypeRef<T> resultType, CallbackSubmitter submitter,
            CallbackConfig config) {
        super(ctx, OperationType.CONTEXT, SUB_TYPE, name, ReplayValidator.label("waitForCallback", name));
        this.name = name;
        this.resultType = resultType;
        this.submitter = submitter;
        this.config = config;
    }

    @Override
    T replay() {
        run.visitSubtree(id);
        if (recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(config.serializer(), recorded.result(), resultType.type(),
                    "result of waitForCallback '" + name + "'");
        }
        CallbackRecord cb = run.history.callbacksByOperation.get(id + "-1");
        if (cb != null && cb.status() == CallbackStatus.SUCCEEDED
                && SerializationException.class.getName().equals(recorded.error().type())) {
            // The callback was completed with a result that could not be read as the result type: what the first
            // run threw. (A callback failed by the caller with that error type is FAILED, not SUCCEEDED.)
            throw new SerializationException(recorded.error().message());
        }
        throw CallbackOperation.callbackError("waitForCallback '" + name + "'", cb == null ? null : cb.id(), id,
                recorded.error());
    }

    @Override
    T start(Scope s) {
        OperationRecord started = ctx.startContext(id, recorded, s, SUB_TYPE, name);
        ReplayContext child = new ReplayContext(run, s, id);
        DurableCallback<T> callback = child.createCallback(name, resultType, config);
        try {
            child.step(name == null ? "submit" : "submit " + name, Void.class, step -> {
                submitter.submit(callback.id(), step);
                return null;
            }, config.submitterConfig());
        } catch (StepFailedException e) {
            String message = "the submitter of callback '" + name + "' (id " + callback.id() + ", operation " + id
                    + " of execution " + run.executionId() + ") failed after " + e.attempts() + " attempt(s): "
                    + e.error().summary();
            ErrorInfo error = ErrorInfo.of(CallbackFailedException.class.getName(), message);
            run.env.failCallbackQuietly(callback.id(), error);
            ctx.write(s, OperationRecords.withOutcome(started, OperationStatus.FAILED, null, error, run.clockNow()), false);
            throw new CallbackFailedException(message, callback.id(), id, error);
        }
        T value;
        try {
            value = callback.result();
        } catch (CallbackFailedException e) {
            ctx.write(s, OperationRecords.withOutcome(started, OperationStatus.FAILED, null, e.error(), run.clockNow()),
                    false);
            throw e;
        } catch (RuntimeException e) {
            if (s.suspension == null && run.nonDeterminism == null) {
                ctx.write(s, OperationRecords.withOutcome(started, OperationStatus.FAILED, null, ErrorInfo.of(e),
                        run.clockNow()), false);
            }
            throw e;
        }
        OperationRecord childResult = run.history.operations.get(id + "-1");
        ctx.write(s, OperationRecords.withOutcome(started, OperationStatus.SUCCEEDED, childResult.result(), null,
                run.clockNow()), false);
        return value;
    }
}
