package dev.cairn.internal.replay;

import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.TypeRef;
import dev.cairn.config.CallbackConfig;
import dev.cairn.internal.CallbackIds;
import dev.cairn.internal.CallbackResultType;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.Outcome;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Serializer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ctx.createCallback}: the callback row (with an id of 128 random bits and its deadlines) is durable, with
 * its STARTED operation, before {@code createCallback} returns, so the id can be handed out at once. Reading the
 * result suspends while the callback is pending, times it out once its deadline has passed, and checkpoints the
 * operation's outcome.
 */
final class CallbackOperation<T> extends DurableOperation<DurableCallback<T>> {

    private final String name;
    private final TypeRef<T> resultType;
    private final CallbackConfig config;

    CallbackOperation(ReplayContext ctx, String name, TypeRef<T> resultType, CallbackConfig config) {
        super(ctx, OperationType.CALLBACK, null, name, ReplayValidator.label("createCallback", name));
        this.name = name;
        this.resultType = resultType;
        this.config = config;
    }

    /** A recorded callback operation is replayed whatever its status: its row says where it stands. */
    @Override
    boolean isFinal() {
        return recorded != null;
    }

    @Override
    DurableCallback<T> replay() {
        CallbackRecord callback = run.history.callbacksByOperation.get(id);
        if (callback == null) {
            throw new IllegalStateException("callback operation " + id + " of execution " + run.executionId()
                    + " has a checkpoint but no callback row; the store is inconsistent");
        }
        return new CallbackFuture<>(ctx, id, name, callback.id(), resultType, config.serializer());
    }

    @Override
    DurableCallback<T> start(Scope s) {
        Instant now = run.clockNow();
        CallbackRecord callback = new CallbackRecord(CallbackIds.next(), run.executionId(), id, CallbackStatus.PENDING,
                null, null, config.timeout() == null ? null : now.plus(config.timeout()), config.heartbeatTimeout(),
                config.heartbeatTimeout() == null ? null : now.plus(config.heartbeatTimeout()), now, null,
                CallbackResultType.of(resultType.type(), config.serializer() != null));
        ctx.write(ctx.scope, List.of(ctx.record(id, OperationType.CALLBACK, null, name, OperationStatus.STARTED, 0,
                null, null, null, now, null)), List.of(callback), true);
        return new CallbackFuture<>(ctx, id, name, callback.id(), resultType, config.serializer());
    }

    /** The exception a failed or timed-out callback surfaces as. */
    static CallbackFailedException callbackError(String where, String callbackId, String operationId,
            ErrorInfo error) {
        if (CallbackTimeoutException.class.getName().equals(error.type())) {
            return new CallbackTimeoutException(error.message(), callbackId, operationId, error);
        }
        if (CallbackFailedException.class.getName().equals(error.type())) {
            return new CallbackFailedException(error.message(), callbackId, operationId, error);
        }
        return new CallbackFailedException(where + " was failed: " + error.summary(), callbackId, operationId, error);
    }

    /** A callback as the workflow holds it: its id, and its result once it is completed. */
    private static final class CallbackFuture<T> extends DurableFutureBase<T> implements DurableCallback<T> {
        private final String operationId;
        private final String name;
        private final String callbackId;
        private final TypeRef<T> type;
        /** The operation's own serializer of the result, or null for the engine's. */
        private final Serializer serializer;

        CallbackFuture(ReplayContext owner, String operationId, String name, String callbackId, TypeRef<T> type,
                Serializer serializer) {
            super(owner);
            this.operationId = operationId;
            this.name = name;
            this.callbackId = callbackId;
            this.type = type;
            this.serializer = serializer;
        }

        @Override
        public String id() {
            return callbackId;
        }

        @Override
        public T get() {
            return result();
        }

        private String where() {
            return "callback '" + name + "' (id " + callbackId + ", operation " + operationId + " of execution "
                    + owner.run().executionId() + ")";
        }

        @Override
        CompletableFuture<Outcome<T>> settled() {
            ExecutionRun run = owner.run();
            OperationRecord op = run.history.operations.get(operationId);
            if (op.status() == OperationStatus.SUCCEEDED) {
                return CompletableFuture.completedFuture(Outcome.value(run.read(serializer, op.result(), type.type(),
                        "result of " + where())));
            }
            if (op.status() == OperationStatus.FAILED) {
                return CompletableFuture.completedFuture(Outcome.failed(callbackError(where(), callbackId, operationId, op.error())));
            }
            CallbackRecord cb = run.history.callbacksByOperation.get(operationId);
            return CompletableFuture.completedFuture(switch (cb.status()) {
                case SUCCEEDED -> Outcome.value(run.read(serializer, cb.result(), type.type(), "result of " + where()));
                case FAILED, TIMED_OUT -> Outcome.failed(callbackError(where(), callbackId, operationId, cb.error()));
                case PENDING -> Outcome.blocked(cb.deadline());
            });
        }

        @Override
        public T result() {
            owner.checkActive("result of callback '" + name + "'");
            ExecutionRun run = owner.run();
            OperationRecord op = run.history.operations.get(operationId);
            if (op.status() == OperationStatus.SUCCEEDED) {
                return run.read(serializer, op.result(), type.type(), "result of " + where());
            }
            if (op.status() == OperationStatus.FAILED) {
                throw callbackError(where(), callbackId, operationId, op.error());
            }
            while (true) {
                CallbackRecord cb = run.history.callbacksByOperation.get(operationId);
                Instant now = run.clockNow();
                switch (cb.status()) {
                    case SUCCEEDED -> {
                        T value = run.read(serializer, cb.result(), type.type(), "result of " + where());
                        owner.write(OperationRecords.withOutcome(op, OperationStatus.SUCCEEDED, cb.result(), null, now),
                                false);
                        return value;
                    }
                    case FAILED, TIMED_OUT -> {
                        owner.write(OperationRecords.withOutcome(op, OperationStatus.FAILED, null, cb.error(), now),
                                false);
                        throw callbackError(where(), callbackId, operationId, cb.error());
                    }
                    case PENDING -> {
                        if (!cb.isOverdue(now)) {
                            throw owner.scope.suspend(cb.deadline());
                        }
                        run.expire(cb); // timed out now, or completed or heartbeated meanwhile: look again
                    }
                }
            }
        }
    }
}
