package dev.cairn.internal.engine;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.HistoryEvent;
import dev.cairn.HistoryEventType;
import dev.cairn.HistoryOptions;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.UnknownExecutionException;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.EventRecord;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code engine.history}: an execution's events in the order they happened. Most are read off the rows as they
 * stand (an execution's start and end, each operation's first start and its end, each callback's creation and
 * outcome); the rest were appended as they happened ({@link EventRecord}: attempts after the first, retried
 * failures, heartbeats, pauses and resumptions). The two lists are merged by time; events at the same millisecond
 * are ordered by where they sit in the execution (an operation's start, then what ran inside it, then its end),
 * and appended events keep the order they were appended in.
 */
final class Histories {

    /** The last place in an operation's order: its end, after everything inside it. */
    private static final long END = Long.MAX_VALUE;

    private final ExecutionStore store;

    Histories(ExecutionStore store) {
        this.store = store;
    }

    List<HistoryEvent> history(String executionId, HistoryOptions options) {
        ExecutionRecord execution = store.findExecution(executionId)
                .orElseThrow(() -> new UnknownExecutionException(executionId));
        History history = store.loadHistory(executionId);
        List<EventRecord> appended = store.loadEvents(executionId);
        return new Builder(execution, history, options.includeData()).build(appended);
    }

    /** An event before it is numbered, with its place among events of the same millisecond. */
    private record Entry(Instant at, long[] place, HistoryEvent event) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::at)
            .thenComparing(Entry::place, Arrays::compare);

    private static final class Builder {
        private final ExecutionRecord execution;
        private final boolean data;
        private final Map<String, OperationRecord> operations = new HashMap<>();
        private final Map<String, CallbackRecord> callbacksByOperation = new HashMap<>();
        private final List<Entry> derived = new ArrayList<>();

        Builder(ExecutionRecord execution, History history, boolean data) {
            this.execution = execution;
            this.data = data;
            for (OperationRecord op : history.operations()) {
                operations.put(op.operationId(), op);
            }
            for (CallbackRecord cb : history.callbacks()) {
                callbacksByOperation.put(cb.operationId(), cb);
            }
        }

        List<HistoryEvent> build(List<EventRecord> appended) {
            deriveExecution();
            for (OperationRecord op : operations.values()) {
                deriveOperation(op);
            }
            derived.sort(ORDER);
            List<Entry> stored = new ArrayList<>(appended.size());
            for (EventRecord e : appended) {
                stored.add(fromRecord(e));
            }
            // Merge: the appended events keep their order among themselves, the derived ones are sorted.
            List<HistoryEvent> merged = new ArrayList<>(derived.size() + stored.size());
            int i = 0;
            int j = 0;
            while (i < derived.size() || j < stored.size()) {
                Entry next;
                if (j == stored.size() || (i < derived.size() && ORDER.compare(derived.get(i), stored.get(j)) <= 0)) {
                    next = derived.get(i++);
                } else {
                    next = stored.get(j++);
                }
                merged.add(numbered(next.event(), merged.size() + 1));
            }
            return List.copyOf(merged);
        }

        private static HistoryEvent numbered(HistoryEvent e, long sequence) {
            return new HistoryEvent(sequence, e.type(), e.timestamp(), e.operationId(), e.parentId(),
                    e.operationType(), e.subType(), e.name(), e.attempt(), e.scheduledAt(), e.callbackId(),
                    e.timeout(), e.heartbeatTimeout(), e.payload(), e.error());
        }

        private void deriveExecution() {
            add(execution.createdAt(), new long[] {0}, executionEvent(HistoryEventType.EXECUTION_STARTED,
                    execution.createdAt(), null, data ? execution.input() : null, null));
            if (execution.endedAt() == null) {
                return;
            }
            HistoryEventType type = switch (execution.status()) {
                case SUCCEEDED -> HistoryEventType.EXECUTION_SUCCEEDED;
                case CANCELLED -> HistoryEventType.EXECUTION_CANCELLED;
                case TIMED_OUT -> HistoryEventType.EXECUTION_TIMED_OUT;
                default -> HistoryEventType.EXECUTION_FAILED;
            };
            add(execution.endedAt(), new long[] {END}, executionEvent(type, execution.endedAt(), null,
                    data && execution.status() == ExecutionStatus.SUCCEEDED ? execution.output() : null,
                    error(execution.error())));
        }

        private HistoryEvent executionEvent(HistoryEventType type, Instant at, Instant scheduledAt, String payload,
                ErrorInfo error) {
            return new HistoryEvent(0, type, at, null, null, null, null, execution.function(), 0, scheduledAt, null,
                    null, null, payload, error);
        }

        private void deriveOperation(OperationRecord op) {
            switch (op.type()) {
                case STEP -> deriveStep(op);
                case WAIT -> deriveWait(op);
                case CALLBACK -> deriveCallback(op);
                case CONTEXT -> deriveEnds(op, HistoryEventType.CONTEXT_STARTED, HistoryEventType.CONTEXT_SUCCEEDED,
                        HistoryEventType.CONTEXT_FAILED);
                case INVOKE -> deriveEnds(op, HistoryEventType.INVOKE_STARTED, HistoryEventType.INVOKE_SUCCEEDED,
                        HistoryEventType.INVOKE_FAILED);
            }
        }

        /** A step's first start and its end; its other attempts were appended. */
        private void deriveStep(OperationRecord op) {
            if (op.startedAt() != null) {
                add(op.startedAt(), place(op, 2), opEvent(HistoryEventType.STEP_STARTED, op, op.startedAt(), 1, null,
                        null, null));
            }
            if (op.endedAt() == null) {
                return;
            }
            if (op.status() == OperationStatus.SUCCEEDED) {
                add(op.endedAt(), place(op, END), opEvent(HistoryEventType.STEP_SUCCEEDED, op, op.endedAt(),
                        op.attempt(), null, data ? op.result() : null, null));
            } else if (op.status() == OperationStatus.FAILED) {
                add(op.endedAt(), place(op, END), opEvent(HistoryEventType.STEP_FAILED, op, op.endedAt(),
                        op.attempt(), null, null, error(op.error())));
            }
        }

        private void deriveWait(OperationRecord op) {
            if (op.startedAt() != null) {
                add(op.startedAt(), place(op, 0), opEvent(HistoryEventType.WAIT_STARTED, op, op.startedAt(), 0,
                        op.scheduledAt(), null, null));
            }
            if (op.status() == OperationStatus.SUCCEEDED && op.endedAt() != null) {
                add(op.endedAt(), place(op, END), opEvent(HistoryEventType.WAIT_SUCCEEDED, op, op.endedAt(), 0, null,
                        null, null));
            } else if (!op.status().isTerminal() && execution.endedAt() != null) {
                add(execution.endedAt(), place(op, END), opEvent(HistoryEventType.WAIT_CANCELLED, op,
                        execution.endedAt(), 0, op.scheduledAt(), null, null));
            }
        }

        private void deriveCallback(OperationRecord op) {
            CallbackRecord cb = callbacksByOperation.get(op.operationId());
            Instant created = cb != null ? cb.createdAt() : op.startedAt();
            if (created == null) {
                return;
            }
            Duration timeout = cb == null || cb.timeoutAt() == null ? null : Duration.between(cb.createdAt(), cb.timeoutAt());
            add(created, place(op, 0), new HistoryEvent(0, HistoryEventType.CALLBACK_STARTED, created,
                    op.operationId(), op.parentId(), op.type(), op.subType(), op.name(), 0, null,
                    cb == null ? null : cb.id(), timeout, cb == null ? null : cb.heartbeatTimeout(), null, null));
            if (cb == null || cb.status() == CallbackStatus.PENDING || cb.completedAt() == null) {
                return;
            }
            HistoryEventType type = switch (cb.status()) {
                case SUCCEEDED -> HistoryEventType.CALLBACK_SUCCEEDED;
                case FAILED -> HistoryEventType.CALLBACK_FAILED;
                default -> HistoryEventType.CALLBACK_TIMED_OUT;
            };
            add(cb.completedAt(), place(op, END), new HistoryEvent(0, type, cb.completedAt(), op.operationId(),
                    op.parentId(), op.type(), op.subType(), op.name(), 0, null, cb.id(), null, null,
                    data && cb.status() == CallbackStatus.SUCCEEDED ? cb.result() : null, error(cb.error())));
        }

        private void deriveEnds(OperationRecord op, HistoryEventType started, HistoryEventType succeeded,
                HistoryEventType failed) {
            if (op.startedAt() != null) {
                add(op.startedAt(), place(op, 0), opEvent(started, op, op.startedAt(), 0, null, null, null));
            }
            if (op.endedAt() != null && op.status() == OperationStatus.SUCCEEDED) {
                add(op.endedAt(), place(op, END), opEvent(succeeded, op, op.endedAt(), 0, null,
                        data ? op.result() : null, null));
            } else if (op.endedAt() != null && op.status() == OperationStatus.FAILED) {
                add(op.endedAt(), place(op, END), opEvent(failed, op, op.endedAt(), 0, null, null, error(op.error())));
            }
        }

        private Entry fromRecord(EventRecord e) {
            OperationRecord op = e.operationId() == null ? null : operations.get(e.operationId());
            CallbackRecord cb = e.operationId() == null ? null : callbacksByOperation.get(e.operationId());
            long[] place;
            HistoryEvent event;
            if (op == null) {
                long at = e.type() == HistoryEventType.EXECUTION_RESUMED ? 1 : END - 1;
                place = e.operationId() == null ? new long[] {at} : ids(e.operationId(), 1);
                event = new HistoryEvent(0, e.type(), e.at(), e.operationId(), null, null, null,
                        e.operationId() == null ? execution.function() : null, e.attempt(), e.scheduledAt(),
                        cb == null ? null : cb.id(), null, null, null, error(e.error()));
            } else {
                long step = switch (e.type()) {
                    case STEP_STARTED -> 2L * e.attempt();
                    case STEP_FAILED -> 2L * e.attempt() + 1;
                    default -> 1;
                };
                place = place(op, step);
                event = new HistoryEvent(0, e.type(), e.at(), op.operationId(), op.parentId(), op.type(),
                        op.subType(), op.name(), e.attempt(), e.scheduledAt(), cb == null ? null : cb.id(), null, null,
                        null, error(e.error()));
            }
            return new Entry(e.at(), place, event);
        }

        private HistoryEvent opEvent(HistoryEventType type, OperationRecord op, Instant at, int attempt,
                Instant scheduledAt, String payload, ErrorInfo error) {
            return new HistoryEvent(0, type, at, op.operationId(), op.parentId(), op.type(), op.subType(), op.name(),
                    attempt, scheduledAt, null, null, null, payload, error);
        }

        /** An error as the options show it: without its stack trace unless data is asked for. */
        private ErrorInfo error(ErrorInfo error) {
            if (error == null || data || error.stackTrace() == null) {
                return error;
            }
            return new ErrorInfo(error.type(), error.message(), null);
        }

        private void add(Instant at, long[] place, HistoryEvent event) {
            derived.add(new Entry(at, place, event));
        }

        /**
         * Where an event of {@code op} sits among events of the same millisecond: its id's parts, each mapped to an
         * odd number (so that an operation's own events, at {@code 0} or {@code END}, come before and after those of
         * the operations inside it), then the event's own rank.
         */
        private static long[] place(OperationRecord op, long rank) {
            return ids(op.operationId(), rank);
        }

        private static long[] ids(String operationId, long rank) {
            String[] parts = operationId.split("-");
            long[] place = new long[parts.length + 1];
            for (int i = 0; i < parts.length; i++) {
                long n;
                try {
                    n = Long.parseLong(parts[i]);
                } catch (NumberFormatException e) {
                    n = 0;
                }
                place[i] = 2 * n + 1;
            }
            place[parts.length] = rank;
            return place;
        }
    }
}
