package dev.cairn.test;

import dev.cairn.CallbackDescription;
import dev.cairn.CallbackStatus;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the {@link TestEngine} reads of executions to drive them: which can make progress now, when the next one is
 * due, what a blocked one waits for, and a callback by its operation's name. It only reads, from the store and from
 * the engine the test engine runs now (a crash replaces it).
 */
final class ExecutionProbe {

    private final ExecutionStore store;
    private final VirtualClock clock;
    private final Supplier<DurableEngine> engine;

    ExecutionProbe(ExecutionStore store, VirtualClock clock, Supplier<DurableEngine> engine) {
        this.store = store;
        this.clock = clock;
        this.engine = engine;
    }

    CallbackDescription callback(String executionId, String operationName) {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(operationName, "operationName");
        ExecutionDescription d = engine.get().describe(executionId);
        Map<String, String> names = new HashMap<>();
        for (OperationDescription op : d.operations()) {
            names.put(op.id(), op.name());
        }
        List<CallbackDescription> named = new ArrayList<>();
        for (CallbackDescription cb : d.callbacks()) {
            if (operationName.equals(names.get(cb.operationId()))) {
                named.add(cb);
            }
        }
        if (named.isEmpty()) {
            List<String> known = d.callbacks().stream().map(cb -> "'" + names.get(cb.operationId()) + "'").toList();
            throw new NoSuchElementException("execution " + executionId + " (" + d.status() + ") has no callback "
                    + "named '" + operationName + "'" + (known.isEmpty() ? "; it has created no callback yet"
                    : "; its callbacks: " + String.join(", ", known)));
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        List<CallbackDescription> pending = named.stream().filter(cb -> cb.status() == CallbackStatus.PENDING).toList();
        if (pending.size() == 1) {
            return pending.get(0);
        }
        if (pending.isEmpty()) {
            return named.get(named.size() - 1);
        }
        throw new IllegalStateException("execution " + executionId + " has " + pending.size() + " pending callbacks"
                + " named '" + operationName + "' (operations " + pending.stream().map(CallbackDescription::operationId)
                .toList() + "); complete one by id through engine().completeCallback(id, result)");
    }

    /** The first of {@code ids} (or of the executions they invoked) that can make progress now, or null. */
    String firstBusy(List<String> ids) {
        Instant now = clock.now();
        for (String id : ids) {
            ExecutionRecord row = store.findExecution(id).orElse(null);
            if (row == null || row.status().isTerminal() || row.status() == ExecutionStatus.PARKED) {
                continue;
            }
            if (row.status() == ExecutionStatus.RUNNING || row.wakeAt() != null && !row.wakeAt().isAfter(now)
                    || row.status() == ExecutionStatus.PENDING && row.wakeAt() == null) {
                return id;
            }
            String child = firstBusy(engine.get().describe(id).childExecutionIds());
            if (child != null) {
                return child;
            }
        }
        return null;
    }

    /** The earliest wake-up of an execution or of the executions it invoked, or null if none has one. */
    Instant nextWakeUp(String id) {
        ExecutionRecord row = store.findExecution(id).orElse(null);
        if (row == null || row.status().isTerminal()) {
            return null;
        }
        Instant next = row.status() == ExecutionStatus.PARKED ? null : row.wakeAt();
        for (String child : engine.get().describe(id).childExecutionIds()) {
            Instant c = nextWakeUp(child);
            if (c != null && (next == null || c.isBefore(next))) {
                next = c;
            }
        }
        return next;
    }

    ExecutionBlockedException blocked(String id) {
        List<ExecutionBlockedException.PendingCallback> pending = new ArrayList<>();
        List<String> others = new ArrayList<>();
        collectPending(id, pending, others);
        StringBuilder message = new StringBuilder("execution " + id + " is " + row(id).status() + " with nothing due at "
                + clock.now() + ": no wait, retry or timeout will move it on, only something from outside.");
        if (!pending.isEmpty()) {
            message.append(" It waits for ");
            for (int i = 0; i < pending.size(); i++) {
                ExecutionBlockedException.PendingCallback p = pending.get(i);
                message.append(i == 0 ? "" : ", ").append("callback '").append(p.operationName()).append("' (operation ")
                        .append(p.operationId()).append(p.executionId().equals(id) ? "" : " of execution "
                                + p.executionId()).append(", callback id ").append(p.callbackId()).append(')');
            }
            message.append(". Complete it with completeCallback(executionId, \"").append(pending.get(0).operationName())
                    .append("\", result), failCallback(...), or give it a timeout and use timeoutCallback(...).");
        }
        for (String other : others) {
            message.append(' ').append(other);
        }
        return new ExecutionBlockedException(id, pending, message.toString());
    }

    private void collectPending(String id, List<ExecutionBlockedException.PendingCallback> pending, List<String> others) {
        ExecutionDescription d = engine.get().describe(id);
        Map<String, String> names = new HashMap<>();
        for (OperationDescription op : d.operations()) {
            names.put(op.id(), op.name());
        }
        for (CallbackDescription cb : d.callbacks()) {
            if (cb.status() == CallbackStatus.PENDING) {
                pending.add(new ExecutionBlockedException.PendingCallback(id, names.get(cb.operationId()),
                        cb.operationId(), cb.id()));
            }
        }
        for (String child : d.childExecutionIds()) {
            ExecutionRecord row = store.findExecution(child).orElse(null);
            if (row != null && row.status() == ExecutionStatus.PARKED) {
                others.add("Invoked execution " + child + " is PARKED: " + (row.error() == null ? ""
                        : row.error().message()) + ".");
            } else if (row != null && !row.status().isTerminal()) {
                collectPending(child, pending, others);
            }
        }
    }

    ExecutionRecord row(String id) {
        return store.findExecution(id).orElseThrow(() -> new NoSuchElementException("no execution " + id));
    }

    /** The names of the operations the executions {@code ids} checkpointed, in their order. */
    List<String> operationNames(List<String> ids) {
        List<String> names = new ArrayList<>();
        for (String id : ids) {
            for (OperationDescription op : engine.get().describe(id).operations()) {
                if (op.name() != null) {
                    names.add(op.name());
                }
            }
        }
        return names;
    }
}
