package dev.cairn.internal.replay;

import dev.cairn.ChildContextFailedException;
import dev.cairn.ChildFunction;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.TypeRef;
import dev.cairn.config.ChildContextConfig;
import dev.cairn.config.Nesting;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.OperationRecord;
import java.util.List;

/**
 * {@code ctx.runInChildContext} and its async variant: a child context whose operations are numbered under the
 * child's id, checkpointed as one unit. A finished child returns its checkpoint without running (nor are its own
 * operations reached again); otherwise the body runs in a fresh child context and its outcome, or its failure, is
 * checkpointed.
 *
 * <p>A result too large to checkpoint (over the payload limit or the store's) does not fail the child: it is
 * recorded SUCCEEDED without a result, and a replay runs the body again, its operations replaying from their own
 * checkpoints, to rebuild it.
 *
 * <p>A {@link Nesting#FLAT} child is a virtual context: it takes its id and numbers its operations under it, but
 * writes nothing itself; its operations are recorded as children of the enclosing context, and the body runs on
 * every replay.
 */
final class ChildContextOperation<T> extends DurableOperation<T> {

    static final String SUB_TYPE = "RunInChildContext";

    private final String name;
    private final TypeRef<T> resultType;
    private final ChildFunction<T> body;
    private final boolean flat;
    private final ChildContextConfig config;

    ChildContextOperation(ReplayContext ctx, String name, TypeRef<T> resultType, ChildFunction<T> body,
            ChildContextConfig config, String what) {
        super(ctx, OperationType.CONTEXT, SUB_TYPE, name, what);
        this.name = name;
        this.resultType = resultType;
        this.body = body;
        this.config = config;
        this.flat = config.nesting() == Nesting.FLAT;
        if (flat && recorded != null) {
            throw run.nonDeterministic(id, "operation " + id + " of execution " + run.executionId() + " was recorded"
                    + " as child context '" + name + "' with a checkpoint of its own, but the code now runs it as a"
                    + " FLAT (virtual) child context. " + ReplayValidator.CODE_CHANGED);
        }
    }

    /** Recorded SUCCEEDED without its result, which was too large: the body runs again to rebuild it. */
    private boolean rebuildsResult() {
        return recorded != null && recorded.status() == OperationStatus.SUCCEEDED && recorded.result() == null;
    }

    @Override
    boolean isFinal() {
        return super.isFinal() && !rebuildsResult();
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
        if (flat) {
            return startFlat(s);
        }
        boolean rebuilding = rebuildsResult();
        OperationRecord started = rebuilding ? recorded : ctx.startContext(id, recorded, s, SUB_TYPE, name);
        ReplayContext child = new ReplayContext(run, s, id);
        T value;
        try {
            value = body.apply(child);
        } catch (Throwable t) {
            if (rebuilding && s.suspension != null && t == s.suspension) {
                throw notRebuilt("waits again");
            }
            ErrorInfo error = bodyFailure(t, s);
            if (rebuilding) {
                throw notRebuilt("throws " + error.summary());
            }
            throw failed(s, started, error);
        } finally {
            child.close();
        }
        if (s.suspension != null) {
            if (rebuilding) {
                throw notRebuilt("waits again");
            }
            throw s.suspension; // the body caught its own suspension
        }
        if (rebuilding) {
            return value; // rebuilt from the child's own checkpoints; nothing to write
        }
        String data;
        try {
            data = run.payloadUnlessTooLarge(config.serializer(), value, resultType.type(), "the result of child"
                    + " context '" + name + "' (operation " + id + ")");
        } catch (SerializationException e) {
            throw failed(s, started, ErrorInfo.of(e));
        }
        ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.SUCCEEDED, data, null,
                run.clockNow())), List.of(), false);
        return value;
    }

    /** Runs the body in a virtual context: the same control flow as a checkpointed child, without the writes. */
    private T startFlat(Scope s) {
        ReplayContext child = new ReplayContext(run, s, id, ctx.parentId());
        try {
            T value = body.apply(child);
            if (s.suspension != null) {
                throw s.suspension; // the body caught its own suspension
            }
            return value;
        } catch (Throwable t) {
            ErrorInfo error = bodyFailure(t, s);
            throw new ChildContextFailedException(failure(error), id, error);
        } finally {
            child.close();
        }
    }

    /**
     * What the body threw, as the child's error; rethrows instead the engine's control flow, the suspension of the
     * body's scope and a non-determinism found meanwhile, which are not the child's failure.
     */
    private ErrorInfo bodyFailure(Throwable t, Scope s) {
        if (ReplayContext.isControlFlow(t)) {
            throw (Error) t;
        }
        if (s.suspension != null) {
            throw s.suspension;
        }
        if (run.nonDeterminism != null) {
            throw run.nonDeterminism;
        }
        return ErrorInfo.of(t);
    }

    private RuntimeException notRebuilt(String how) {
        return run.nonDeterministic(id, "child context '" + name + "' (operation " + id + " of execution "
                + run.executionId() + ") succeeded with a result too large to checkpoint, so its body runs again on"
                + " replay to rebuild it; replayed from its operations' checkpoints, it now " + how + ". "
                + ReplayValidator.CODE_CHANGED);
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
