package dev.cairn.internal.run;

import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.History;
import dev.cairn.spi.OperationRecord;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * What replay reads: an execution's checkpointed operations by id and its callbacks by operation id. Loaded once
 * per claim, updated as the run checkpoints, and kept in the history cache for the next run on this node,
 * valid only for the claim that directly follows ({@code version + 1}).
 */
public final class ExecutionHistory {

    public final Map<String, OperationRecord> operations = new ConcurrentHashMap<>();
    public final Map<String, CallbackRecord> callbacksByOperation = new ConcurrentHashMap<>();
    public long version;

    public ExecutionHistory(History history, long version) {
        for (OperationRecord op : history.operations()) {
            operations.put(op.operationId(), op);
        }
        for (CallbackRecord cb : history.callbacks()) {
            callbacksByOperation.put(cb.operationId(), cb);
        }
        this.version = version;
    }

    public synchronized void replaceCallbacks(Iterable<CallbackRecord> callbacks) {
        callbacksByOperation.clear();
        for (CallbackRecord cb : callbacks) {
            callbacksByOperation.put(cb.operationId(), cb);
        }
    }

    public boolean hasPendingCallbacks() {
        for (CallbackRecord cb : callbacksByOperation.values()) {
            if (!cb.status().isTerminal()) {
                return true;
            }
        }
        return false;
    }
}
