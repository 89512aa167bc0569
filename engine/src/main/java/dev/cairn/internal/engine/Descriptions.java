package dev.cairn.internal.engine;

import dev.cairn.CallbackDescription;
import dev.cairn.ExecutionDescription;
import dev.cairn.OperationDescription;
import dev.cairn.OperationType;
import dev.cairn.UnknownExecutionException;
import dev.cairn.internal.replay.InvokeOperation;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.OperationRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code engine.describe}: an execution's row, its operations in the order they started, its callbacks, its children. */
final class Descriptions {

    private final ExecutionStore store;

    Descriptions(ExecutionStore store) {
        this.store = store;
    }

    ExecutionDescription describe(String executionId) {
        ExecutionRecord r = store.findExecution(executionId)
                .orElseThrow(() -> new UnknownExecutionException(executionId));
        History history = store.loadHistory(executionId);
        List<OperationDescription> operations = new ArrayList<>();
        List<OperationRecord> sorted = new ArrayList<>(history.operations());
        sorted.sort(Comparator.comparing(OperationRecord::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(OperationRecord::operationId, Descriptions::compareIds));
        for (OperationRecord op : sorted) {
            operations.add(new OperationDescription(op.operationId(), op.parentId(), op.type(), op.subType(), op.name(),
                    op.status(), op.attempt(), op.result(), op.error(), op.scheduledAt(), op.startedAt(), op.endedAt()));
        }
        List<CallbackDescription> callbacks = new ArrayList<>();
        for (CallbackRecord cb : history.callbacks()) {
            callbacks.add(new CallbackDescription(cb.id(), cb.operationId(), cb.status(), cb.result(), cb.error(),
                    cb.timeoutAt(), cb.heartbeatDeadline(), cb.createdAt(), cb.completedAt()));
        }
        List<String> children = new ArrayList<>();
        for (OperationRecord op : sorted) {
            if (op.type() == OperationType.INVOKE) {
                children.add(InvokeOperation.childId(r.id(), op.operationId()));
            }
        }
        return new ExecutionDescription(r.id(), r.name(), r.function(), r.status(), r.input(), r.output(), r.error(),
                r.createdAt(), r.updatedAt(), r.endedAt(), r.wakeAt(), r.parentId(), children, operations, callbacks);
    }

    /** Orders operation ids "2" < "10" and "3" < "3-1" < "3-2" < "4". */
    static int compareIds(String a, String b) {
        String[] pa = a.split("-");
        String[] pb = b.split("-");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = Long.compare(Long.parseLong(pa[i]), Long.parseLong(pb[i]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }
}
