package dev.cairn.internal.replay;

import dev.cairn.ConditionCheck;
import dev.cairn.ConditionNotMetException;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.StepFailedException;
import dev.cairn.TypeRef;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.OperationRecord;
import java.util.List;

/**
 * {@code ctx.waitForCondition}: durable polling in a child context, a step per poll ({@code check n}) and a wait
 * between polls ({@code delay n}) by the config's wait strategy. It ends SUCCEEDED with the state that met the
 * condition, or FAILED: polled its maximum number of times ({@link ConditionNotMetException}), or a poll failed
 * after its retries ({@link StepFailedException}). A failed one is not replayed from its record: its polls replay
 * from theirs and fail it again.
 */
final class WaitForConditionOperation<S> extends DurableOperation<S> {

    static final String SUB_TYPE = "WaitForCondition";

    private final String name;
    private final TypeRef<S> stateType;
    private final ConditionCheck<S> check;
    private final WaitForConditionConfig<S> config;

    WaitForConditionOperation(ReplayContext ctx, String name, TypeRef<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        super(ctx, OperationType.CONTEXT, SUB_TYPE, name, "waitForCondition '" + name + "'");
        this.name = name;
        this.stateType = stateType;
        this.check = check;
        this.config = config;
    }

    @Override
    boolean isFinal() {
        return recorded != null && recorded.status() == OperationStatus.SUCCEEDED;
    }

    @Override
    S replay() {
        run.visitSubtree(id);
        return run.read(config.serializer(), recorded.result(), stateType.type(),
                "state of waitForCondition '" + name + "'");
    }

    @Override
    S start(Scope s) {
        OperationRecord started = ctx.startContext(id, recorded, s, SUB_TYPE, name);
        ReplayContext child = new ReplayContext(run, s, id);
        S state = config.initialState();
        for (int attempt = 1; ; attempt++) {
            S previous = state;
            try {
                state = child.step("check " + attempt, stateType, step -> check.check(previous, step),
                        config.checkConfig());
            } catch (StepFailedException e) {
                // The check failed after its retries: so does the wait, with the check's error.
                ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.FAILED, null, e.error(),
                        run.clockNow())), List.of(), false);
                throw e;
            }
            if (config.isDone(state)) {
                String data = run.payload(config.serializer(), state, stateType.type(),
                        "the state of waitForCondition '" + name + "'");
                ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.SUCCEEDED, data, null,
                        run.clockNow())), List.of(), false);
                return state;
            }
            if (attempt >= config.maxAttempts()) {
                String last = run.payload(config.serializer(), state, stateType.type(),
                        "the state of waitForCondition '" + name + "'");
                String message = "waitForCondition '" + name + "' (operation " + id + " of execution "
                        + run.executionId() + ") polled " + attempt + " times and the condition was not met; last state: "
                        + last;
                ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.FAILED, null,
                        ErrorInfo.of(ConditionNotMetException.class.getName(), message), run.clockNow())), List.of(),
                        false);
                throw new ConditionNotMetException(message, id, last);
            }
            child.wait("delay " + attempt, config.delayAfter(attempt));
        }
    }
}
