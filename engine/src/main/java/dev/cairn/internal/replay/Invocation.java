package dev.cairn.internal.replay;

import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.RegisteredFunction;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.InvokeFailedException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.TypeRef;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import java.time.Instant;
import java.util.Optional;

/**
 * One {@code ctx.invoke}: starts a child execution whose id is the parent's id, a slash and the operation id, and
 * waits for it, suspended. The child's end signals the parent in the store, which resumes it.
 *
 * <p>Crash safety: the INVOKE operation is checkpointed before the child is created, and creating it is
 * idempotent (its id is also its unique name), so a replay that finds the operation started but no child creates
 * the child, and one that finds the child never creates a second.
 */
public final class Invocation {

    private final ReplayContext ctx;
    private final ExecutionRun run;
    private final String operationId;
    private final OperationRecord recorded;
    private final String name;
    private final String functionName;

    Invocation(ReplayContext ctx, String operationId, OperationRecord recorded, String name, String functionName) {
        this.ctx = ctx;
        this.run = ctx.run();
        this.operationId = operationId;
        this.recorded = recorded;
        this.name = name;
        this.functionName = functionName;
    }

    /** The id of the execution invoked by operation {@code operationId} of {@code parentId}. */
    public static String childId(String parentId, String operationId) {
        return parentId + "/" + operationId;
    }

    <O> O await(Object input, TypeRef<O> resultType) {
        String childId = childId(run.executionId(), operationId);
        String where = "invoke '" + name + "' of function '" + functionName + "' (operation " + operationId
                + " of execution " + run.executionId() + ", child execution " + childId + ")";
        if (recorded != null && recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(recorded.result(), resultType.type(), "result of " + where);
        }
        if (recorded != null && recorded.status() == OperationStatus.FAILED) {
            throw failure(where, childId, recorded.error());
        }
        ExecutionStore store = run.engine.store();
        OperationRecord op = recorded;
        RegisteredFunction target = run.engine.registry().get(functionName);
        if (op == null) {
            if (input == null) {
                throw new IllegalArgumentException("the input of " + where + " must not be null");
            }
            target = run.engine.registry().byName(functionName);
            Instant now = run.clockNow();
            op = ctx.record(operationId, OperationType.INVOKE, functionName, name, OperationStatus.STARTED, 0, null, null,
                    null, now, null);
            ctx.write(ctx.scope, java.util.List.of(op), java.util.List.of(), true);
        }
        Optional<ExecutionRecord> child = run.storeCall(() -> store.findExecution(childId));
        if (child.isEmpty()) {
            String data = run.payload(input, target == null ? null : target.inputType(), "the input of " + where);
            run.storeCall(() -> store.createExecution(new NewExecution(childId, childId, functionName, data,
                    run.clockNow(), null, null, null, run.executionId())));
            run.engine.dispatch(childId);
            throw ctx.scope.suspend(null);
        }
        ExecutionRecord c = child.get();
        if (!c.status().isTerminal()) {
            throw ctx.scope.suspend(null);
        }
        Instant now = run.clockNow();
        if (c.status() == ExecutionStatus.SUCCEEDED) {
            O value;
            try {
                value = run.read(c.output(), resultType.type(), "result of " + where);
            } catch (dev.cairn.SerializationException e) {
                ctx.write(ReplayContext.withOutcome(op, OperationStatus.FAILED, null, ErrorInfo.of(e), now), false);
                throw e;
            }
            ctx.write(ReplayContext.withOutcome(op, OperationStatus.SUCCEEDED, c.output(), null, now), false);
            return value;
        }
        ErrorInfo error = c.error() != null ? c.error() : ErrorInfo.of("dev.cairn." + c.status(), "child ended " + c.status());
        ErrorInfo recordedError = new ErrorInfo(error.type(), "[" + c.status() + "] " + error.message(), error.stackTrace());
        ctx.write(ReplayContext.withOutcome(op, OperationStatus.FAILED, null, recordedError, now), false);
        throw failure(where, childId, recordedError);
    }

    private static InvokeFailedException failure(String where, String childId, ErrorInfo error) {
        ExecutionStatus status = ExecutionStatus.FAILED;
        String message = error.message() == null ? "" : error.message();
        for (ExecutionStatus s : new ExecutionStatus[] {ExecutionStatus.CANCELLED, ExecutionStatus.TIMED_OUT,
                ExecutionStatus.FAILED}) {
            if (message.startsWith("[" + s + "] ")) {
                status = s;
                break;
            }
        }
        return new InvokeFailedException(where + " ended " + status + ": " + error.summary(), childId, status, error);
    }
}
