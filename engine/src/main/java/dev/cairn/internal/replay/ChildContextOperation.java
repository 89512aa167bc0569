package dev.cairn.internal.replay;

import dev.cairn.ChildContextFailedException;
import dev.cairn.ChildFunction;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.TypeRef;
import dev.cairn.config.ChildContextConfig;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.OperationRecord;
import java.util.List;

/**
 * {@code ctx.runInChildContext} and its async variant: a child context whose operations are numbered under the
 * child's id, checkpointed as one unit. A finished child returns its checkpoint without running (nor are its own
 * operations reached again); otherwise the body runs in a fresh child context and its outcome, or its failure, is
 * checkpointed.
 */
final class ChildContextOperation<T> extends DurableOperation<T> {

    static final String SUB_TYPE = "RunInChildContext";

    private final String name;
    private final TypeRef<T> resultType;
    private final ChildFunction<T> body;
    private final ChildContextConfig config;

    ChildContextOperation(ReplayContext ctx, String name, TypeRef<T> resultType, ChildFunction<T> body,
            ChildContextConfig config, String what) {
        super(ctx, OperationType.CONTEXT, SUB_TYPE, name, what);
        this.name = name;
        this.resultType = resultType;
        this.body = body;
        this.config = config;
    }

    @Override
    T replay() {
        run.visitSubtree(id);
        if (recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(config.serializer(), recorded.result(), resultType.type(),
                    "result of child context '" + name + "'");
        }
        throw new ChildContextFailedException(failure(recorded.error()), id, recorded.error());
    }

    @Override
    T start(Scope s) {
        OperationRecord started = ctx.startContext(id, recorded, s, SUB_TYPE, name);
        ReplayContext child = new ReplayContext(run, s, id);
        T value;
        try {
            value = body.apply(child);
        } catch (Throwable t) {
            if (ReplayContext.isControlFlow(t)) {
                throw (Error) t;
            }
            if (s.suspension != null) {
                throw s.suspension;
            }
            if (run.nonDeterminism != null) {
                throw run.nonDeterminism;
            }
            throw failed(s, started, ErrorInfo.of(t));
        } finally {
            child.close();
        }
        if (s.suspension != null) {
            throw s.suspension; // the body caught its own suspension
        }
        String data;
        try {
            data = run.payload(config.serializer(), value, resultType.type(), "the result of child context '" + name
                    + "' (operation " + id + ")");
        } catch (SerializationException e) {
            throw failed(s, started, ErrorInfo.of(e));
        }
        ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.SUCCEEDED, data, null,
                run.clockNow())), List.of(), false);
        return value;
    }

    private ChildContextFailedException failed(Scope s, OperationRecord started, ErrorInfo error) {
        ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.FAILED, null, error,
                run.clockNow())), List.of(), false);
        return new ChildContextFailedException(failure(error), id, error);
    }

    private String failure(ErrorInfo error) {
        return "child context '" + name + "' (operation " + id + " of execution " + run.executionId() + ") failed: "
                + error.summary();
    }
}
