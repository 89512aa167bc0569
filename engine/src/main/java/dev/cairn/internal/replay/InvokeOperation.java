package dev.cairn.internal.replay;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.InvokeFailedException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.TypeRef;
import dev.cairn.config.InvokeConfig;
import dev.cairn.internal.run.RegisteredFunction;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Serializer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code ctx.invoke}: starts a child execution whose id is the parent's id, a slash and the operation id, and
 * waits for it, suspended. The child's end signals the parent in the store, which resumes it.
 *
 * <p>Crash safety: the INVOKE operation and the child are written in one checkpoint, fenced like every write of
 * the run, so a run that lost its execution cannot start a child. Creating the child is idempotent (its id is
 * also its unique name): a replay that finds the operation started but no child creates the child, and one that
 * finds the child never creates a second.
 */
public final class InvokeOperation<O> extends DurableOperation<O> {

    private final String name;
    private final String functionName;
    private final Object input;
    private final TypeRef<O> resultType;
    /** The serializer of the operation's checkpoint of the child's result, or null for the engine's. */
    private final Serializer serializer;

    InvokeOperation(ReplayContext ctx, String name, String functionName, Object input, TypeRef<O> resultType,
            InvokeConfig config) {
        super(ctx, OperationType.INVOKE, functionName, name, ReplayValidator.label("invoke", name));
        this.name = name;
        this.functionName = functionName;
        this.input = input;
        this.resultType = resultType;
        this.serializer = config.serializer();
    }

    /** The id of the execution invoked by operation {@code operationId} of {@code parentId}. */
    public static String childId(String parentId, String operationId) {
        return parentId + "/" + operationId;
    }

    private String childId() {
        return childId(run.executionId(), id);
    }

    private String where() {
        return "invoke '" + name + "' of function '" + functionName + "' (operation " + id + " of execution "
                + run.executionId() + ", child execution " + childId() + ")";
    }

    @Override
    O replay() {
        if (recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(serializer, recorded.result(), resultType.type(), "result of " + where());
        }
        ExecutionStatus status = childStatus(recorded);
        if (status == ExecutionStatus.SUCCEEDED) {
            // The child succeeded but its output could not be read as the result type: what the first run threw.
            throw new SerializationException(recorded.error().message());
        }
        throw failure(where(), id, childId(), status, recorded.error());
    }

    /** The child to insert, with what the propagators capture for it on the invoking thread. */
    private NewExecution child(String childId, String input, Instant now) {
        return new NewExecution(childId, childId, functionName, input, now, null, null, null, run.executionId(),
                run.captureForChild(childId, functionName));
    }

    @Override
    O start(Scope s) {
        String childId = childId();
        String where = where();
        ExecutionStore store = run.env.store();
        OperationRecord op = recorded;
        RegisteredFunction target = run.env.functions().get(functionName);
        if (op == null) {
            if (input == null) {
                throw new IllegalArgumentException("the input of " + where + " must not be null");
            }
            target = run.env.functions().byName(functionName);
            String data = run.payload(input, target == null ? null : target.inputType(), "the input of " + where);
            Instant now = run.clockNow();
            op = ctx.record(id, OperationType.INVOKE, functionName, name, OperationStatus.STARTED, 0, null, null,
                    null, now, null);
            // The operation and the child in one checkpoint, fenced like every write of the run.
            ctx.write(s, List.of(op), List.of(), List.of(child(childId, data, now)), true);
            run.env.dispatch(childId);
            throw s.suspend(null);
        }
        Optional<ExecutionRecord> child = run.storeCall(() -> store.findExecution(childId));
        if (child.isEmpty()) {
            // The operation was recorded, the child was not: an operation recorded before its child rode with it.
            String data = run.payload(input, target == null ? null : target.inputType(), "the input of " + where);
            ctx.write(s, List.of(), List.of(), List.of(child(childId, data, run.clockNow())), true);
            run.env.dispatch(childId);
            throw s.suspend(null);
        }
        ExecutionRecord c = child.get();
        if (!c.status().isTerminal()) {
            throw s.suspend(null);
        }
        Instant now = run.clockNow();
        if (c.status() == ExecutionStatus.SUCCEEDED) {
            O value;
            String data;
            try {
                value = run.read(c.output(), resultType.type(), "result of " + where);
                // The child wrote its output with the engine's serializer; the operation keeps it in its own.
                data = serializer == null ? c.output()
                        : run.payload(serializer, value, resultType.type(), "the result of " + where);
            } catch (SerializationException e) {
                // Recorded with the child's status, SUCCEEDED, so that a replay throws this again.
                ctx.write(s, OperationRecords.withOutcome(op, OperationStatus.FAILED, run.payload(c.status().name(), null,
                        "the status of " + where), ErrorInfo.of(e), now), false);
                throw e;
            }
            ctx.write(s, OperationRecords.withOutcome(op, OperationStatus.SUCCEEDED, data, null, now), false);
            return value;
        }
        ErrorInfo error = c.error() != null ? c.error() : ErrorInfo.of("dev.cairn." + c.status(), "child ended " + c.status());
        ErrorInfo recordedError = new ErrorInfo(error.type(), "[" + c.status() + "] " + error.message(), error.stackTrace());
        // The child's status is recorded as the operation's result: data to replay from, not text to parse.
        ctx.write(s, OperationRecords.withOutcome(op, OperationStatus.FAILED, run.payload(c.status().name(), null,
                "the status of " + where), recordedError, now), false);
        throw failure(where, id, childId, c.status(), recordedError);
    }

    /**
     * The terminal status of the child of a failed invoke operation: recorded as its result; an operation recorded
     * before that was recorded only says it at the start of its error message. {@code SUCCEEDED} when the child
     * succeeded but its output could not be read as the result type; recorded before the status was, such a failure
     * is a {@link SerializationException} without the {@code [STATUS] } prefix every failure of a child has.
     */
    private ExecutionStatus childStatus(OperationRecord failed) {
        if (failed.result() != null) {
            return ExecutionStatus.valueOf(run.read(failed.result(), String.class, "status of " + where()));
        }
        String message = failed.error().message() == null ? "" : failed.error().message();
        for (ExecutionStatus s : new ExecutionStatus[] {ExecutionStatus.CANCELLED, ExecutionStatus.TIMED_OUT,
                ExecutionStatus.FAILED}) {
            if (message.startsWith("[" + s + "] ")) {
                return s;
            }
        }
        if (SerializationException.class.getName().equals(failed.error().type())) {
            return ExecutionStatus.SUCCEEDED;
        }
        return ExecutionStatus.FAILED;
    }

    private static InvokeFailedException failure(String where, String operationId, String childId,
            ExecutionStatus status, ErrorInfo error) {
        return new InvokeFailedException(where + " ended " + status + ": " + error.summary(), operationId, childId,
                status, error);
    }
}
