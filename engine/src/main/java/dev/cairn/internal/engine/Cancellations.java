package dev.cairn.internal.engine;

import dev.cairn.CancelOptions;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationType;
import dev.cairn.UnknownExecutionException;
import dev.cairn.internal.UserText;
import dev.cairn.internal.replay.InvokeOperation;
import dev.cairn.internal.run.HistoryCache;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.OperationRecord;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@code engine.cancel}: a pending, suspended or parked execution is cancelled at once (its waiters and its parent
 * hear of it); a running one is asked to stop, and its owner ends it at its next checkpoint. With
 * {@link CancelOptions#withInvokedChildren()}, the executions it invoked are cancelled too, depth first.
 */
final class Cancellations {

    private final ExecutionStore store;
    private final Clock clock;
    private final HistoryCache histories;
    private final Consumer<String> ended;
    private final Predicate<String> dispatch;

    Cancellations(ExecutionStore store, Clock clock, HistoryCache histories, Consumer<String> ended,
            Predicate<String> dispatch) {
        this.store = store;
        this.clock = clock;
        this.histories = histories;
        this.ended = ended;
        this.dispatch = dispatch;
    }

    ExecutionStatus cancel(String executionId, String reason, CancelOptions options) {
        ExecutionStatus status = cancelOne(executionId, reason);
        if (options.includeInvokedChildren()) {
            for (OperationRecord op : store.loadHistory(executionId).operations()) {
                if (op.type() == OperationType.INVOKE && !op.status().isTerminal()) {
                    String child = InvokeOperation.childId(executionId, op.operationId());
                    if (store.findExecution(child).isPresent()) {
                        cancel(child, "parent " + executionId + " cancelled: " + reason, options);
                    }
                }
            }
        }
        return status;
    }

    private ExecutionStatus cancelOne(String executionId, String reason) {
        String why = reason == null ? "cancelled" : UserText.storable(reason, ErrorInfo.MAX_MESSAGE_CHARS, "...");
        CancelResult result = store.cancel(executionId, why, clock.now());
        switch (result.outcome()) {
            case NOT_FOUND -> throw new UnknownExecutionException(executionId);
            case CANCELLED -> {
                histories.invalidate(executionId);
                ended.accept(executionId);
                store.findExecution(executionId).map(ExecutionRecord::parentId).ifPresent(dispatch::test);
                return ExecutionStatus.CANCELLED;
            }
            case REQUESTED -> {
                return ExecutionStatus.RUNNING;
            }
            default -> {
                return result.status();
            }
        }
    }
}
