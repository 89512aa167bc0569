package dev.cairn.internal.replay;

import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.Outcome;
import dev.cairn.internal.run.Scope;
import dev.cairn.BatchItem;
import dev.cairn.BatchItemStatus;
import dev.cairn.BatchResult;
import dev.cairn.ChildFunction;
import dev.cairn.CompletionReason;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.TypeRef;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CompletionConfig;
import dev.cairn.config.Nesting;
import dev.cairn.spi.OperationRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ctx.map} and {@code ctx.parallel}: a batch run from the thread of the code that called it.
 *
 * <p>Item {@code i} of batch operation {@code n} is the child context {@code n-(i+1)}, checkpointed on its own:
 * STARTED when it starts, SUCCEEDED or FAILED when it ends. Items start in input order, each on a thread of its
 * own, while fewer than {@code maxConcurrency} are started and unfinished. An item that waits (a timer, a
 * callback, a retry) gives its thread back but keeps its place. When every started item is waiting and no more
 * can start, the batch, and with it the execution, suspends until the earliest wake-up; on resume it replays:
 * finished items return their checkpoints at once, started ones replay their operations, and the rest start as
 * places free up.
 *
 * <p>When the completion policy is decided, no new item starts; items still running are detached (they stop at
 * their next operation) and reported STARTED, the others SKIPPED. The batch operation's checkpoint records the
 * reason and every item's status in one short string, and the items' results stay in the items' own
 * checkpoints, so a batch of many items does not make one huge row.
 *
 * <p>With {@link Nesting#FLAT} the items are virtual contexts: numbered as above, their operations recorded as
 * children of the batch, but no checkpoint of their own. Their outcomes are kept in memory. A batch resumed before it
 * completed runs every item again (the finished ones replay their operations to their end at once); a completed
 * batch, replayed, runs again the items it recorded as finished to rebuild their results, and checks that each ends
 * as recorded.
 */
final class BatchOperation<T> extends DurableOperation<BatchResult<T>> {

    /** One item or branch; {@code type} is the type its result is checkpointed as, or null for the batch's. */
    record Task<T>(String name, ChildFunction<T> body, java.lang.reflect.Type type) {
        Task(String name, ChildFunction<T> body) {
            this(name, body, null);
        }
    }

    private enum State { NEW, DONE_OK, DONE_FAILED }

    private final String kind;
    private final String name;
    private final List<Task<T>> tasks;
    private final TypeRef<T> type;
    private final BatchConfig config;
    private final boolean flat;
    /**
     * The outcomes of finished items that are not checkpointed, by index: every item's of a flat batch, and the
     * results of a nested batch's items that were too large to checkpoint.
     */
    private Object[] kept;
    private ErrorInfo[] keptErrors;

    BatchOperation(ReplayContext ctx, String kind, String name, List<Task<T>> tasks, TypeRef<T> type,
            BatchConfig config) {
        super(ctx, OperationType.CONTEXT, kind, name, ReplayValidator.label(kind.toLowerCase(java.util.Locale.ROOT), name));
        this.kind = kind;
        this.name = name;
        this.tasks = tasks;
        this.type = type;
        this.config = config;
        this.flat = config.nesting() == Nesting.FLAT;
    }

    private java.lang.reflect.Type typeOf(int i) {
        java.lang.reflect.Type own = tasks.get(i).type();
        return own != null ? own : type.type();
    }

    private String itemId(int i) {
        return id + "-" + (i + 1);
    }

    private String itemKind() {
        return kind + "Item";
    }

    /** A batch is recorded SUCCEEDED with every item's status once its completion policy is decided; never FAILED. */
    @Override
    boolean isFinal() {
        return recorded != null && recorded.status() == OperationStatus.SUCCEEDED;
    }

    @Override
    BatchResult<T> replay() {
        run.visitSubtree(id);
        if (flat) {
            return replayFlat(recorded.result());
        }
        return fromCheckpoint(recorded.result());
    }

    @Override
    BatchResult<T> start(Scope s) {
        int n = tasks.size();
        Instant startedAt = recorded != null ? recorded.startedAt() : run.clockNow();
        OperationRecord started = ctx.record(id, OperationType.CONTEXT, kind, name, OperationStatus.STARTED, 0, null, null,
                null, startedAt, null);
        if (recorded == null) {
            ctx.write(s, started, false);
        }

        State[] state = new State[n];
        OperationRecord[] itemOps = new OperationRecord[n];
        int successes = 0;
        int failures = 0;
        kept = new Object[n];
        keptErrors = new ErrorInfo[n];
        for (int i = 0; i < n; i++) {
            if (flat) {
                state[i] = State.NEW; // a virtual item has no checkpoint: it runs (or replays) again
                continue;
            }
            OperationRecord op = run.visit(itemId(i));
            if (op != null) {
                checkItem(i, op);
            }
            itemOps[i] = op;
            state[i] = State.NEW;
            if (op != null && op.status() == OperationStatus.SUCCEEDED) {
                state[i] = State.DONE_OK;
                successes++;
                run.visitSubtree(itemId(i));
            } else if (op != null && op.status() == OperationStatus.FAILED) {
                state[i] = State.DONE_FAILED;
                failures++;
                run.visitSubtree(itemId(i));
            }
        }

        CompletionConfig completion = config.completion();
        Map<Integer, CompletableFuture<Outcome<T>>> inFlight = new LinkedHashMap<>();
        Map<Integer, Scope[]> scopes = new LinkedHashMap<>();
        int next = 0;
        CompletionReason reason;
        while (true) {
            try {
                reason = CompletionPolicy.decide(completion, successes, failures, n);
            } catch (RuntimeException e) {
                detachAll(inFlight, scopes); // a completion predicate threw: the batch stops here
                throw e;
            }
            if (reason != null) {
                break;
            }
            while (inFlight.size() < config.maxConcurrency() && next < n) {
                int i = next++;
                if (state[i] != State.NEW) {
                    continue;
                }
                startItem(i, itemOps, inFlight, scopes);
            }
            // Settle what has finished; suspend if everything in flight is waiting and nothing more can start.
            // The futures seen running in this pass: waited on below even if they finish meanwhile, so the wait
            // is never on an empty set (which would never complete).
            List<CompletableFuture<?>> running = new ArrayList<>();
            boolean progressed = false;
            Instant wake = null;
            boolean firstBlocked = true;
            for (Map.Entry<Integer, CompletableFuture<Outcome<T>>> e : new ArrayList<>(inFlight.entrySet())) {
                CompletableFuture<Outcome<T>> f = e.getValue();
                if (!f.isDone()) {
                    running.add(f);
                    continue;
                }
                Outcome<T> o = f.join();
                int i = e.getKey();
                switch (o.kind()) {
                    case BLOCKED -> {
                        wake = firstBlocked ? o.wakeAt() : Outcome.earliest(wake, o.wakeAt());
                        firstBlocked = false;
                    }
                    case VALUE -> {
                        if (finish(i, itemOps, o.value(), null)) {
                            state[i] = State.DONE_OK;
                            successes++;
                        } else {
                            state[i] = State.DONE_FAILED;
                            failures++;
                        }
                        inFlight.remove(i);
                        progressed = true;
                    }
                    case FAILED -> {
                        Throwable t = o.error();
                        if (t instanceof Error err && ReplayContext.isControlFlow(err)) {
                            detachAll(inFlight, scopes);
                            throw err;
                        }
                        if (run.nonDeterminism != null) {
                            detachAll(inFlight, scopes);
                            throw run.nonDeterminism;
                        }
                        finish(i, itemOps, null, t);
                        state[i] = State.DONE_FAILED;
                        failures++;
                        inFlight.remove(i);
                        progressed = true;
                    }
                    case DETACHED -> throw new IllegalStateException("item " + i + " of " + kind + " '" + name
                            + "' detached while its batch was still running");
                }
            }
            if (progressed) {
                continue;
            }
            if (running.isEmpty()) {
                if (inFlight.isEmpty() && next >= n) {
                    continue; // everything finished: decide() completes the batch
                }
                boolean canStartMore = inFlight.size() < config.maxConcurrency() && next < n;
                if (!canStartMore) {
                    throw s.suspend(wake);
                }
                continue;
            }
            CompletableFuture.anyOf(running.toArray(new CompletableFuture<?>[0])).join();
        }

        // Complete: what is still in flight is detached and reported STARTED.
        detachAll(inFlight, scopes);
        StringBuilder statuses = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            statuses.append(switch (state[i]) {
                case DONE_OK -> 'S';
                case DONE_FAILED -> 'F';
                case NEW -> (inFlight.containsKey(i) || itemOps[i] != null || (flat && hasCheckpoints(i))) ? 'T'
                        : 'K';
            });
            if (flat && state[i] == State.NEW) {
                run.visitSubtree(itemId(i)); // not reached again in this run
            }
        }
        String summary = reason.name() + ":" + statuses;
        ctx.write(s, OperationRecords.withOutcome(started, OperationStatus.SUCCEEDED, summary, null, run.clockNow()), false);
        if (!flat) {
            rebuildTooLarge(statuses.toString()); // items finished in an earlier run whose results were not stored
        }
        return build(reason, statuses.toString());
    }

    /** Checks that item {@code i}'s checkpoint is of the item the code has there now: its kind and its name. */
    private void checkItem(int i, OperationRecord op) {
        if (op.type() != OperationType.CONTEXT || !itemKind().equals(op.subType())
                || !java.util.Objects.equals(tasks.get(i).name(), op.name())) {
            throw run.nonDeterministic(itemId(i), "operation " + itemId(i) + " of execution " + run.executionId()
                    + " was recorded as " + op.type() + "/" + op.subType() + " '" + op.name() + "' but " + kind
                    + " '" + name + "' now has " + itemKind() + " '" + tasks.get(i).name() + "' there. "
                    + ReplayValidator.CODE_CHANGED);
        }
    }

    private void startItem(int i, OperationRecord[] itemOps, Map<Integer, CompletableFuture<Outcome<T>>> inFlight,
            Map<Integer, Scope[]> scopes) {
        String itemId = itemId(i);
        Task<T> task = tasks.get(i);
        if (itemOps[i] == null && !flat) {
            Instant now = run.clockNow();
            itemOps[i] = ctx.record(itemId, OperationType.CONTEXT, itemKind(), task.name(), OperationStatus.STARTED, 0,
                    null, null, null, now, null);
            ctx.write(itemOps[i], false);
        }
        Scope[] holder = new Scope[1];
        scopes.put(i, holder);
        inFlight.put(i, ctx.runInScope(s -> {
            ReplayContext child = flat ? new ReplayContext(run, s, itemId, id) : new ReplayContext(run, s, itemId);
            return runItem(task, child);
        }, holder));
    }

    private T runItem(Task<T> task, ReplayContext child) {
        try {
            return task.body().apply(child);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new ItemFailed(e);
        }
    }

    /** Carries a checked exception out of an item. */
    private static final class ItemFailed extends RuntimeException {
        ItemFailed(Exception cause) {
            super(cause);
        }
    }

    /** Checkpoints an item's end; returns whether it succeeded (a result that cannot be serialized fails it). */
    private boolean finish(int i, OperationRecord[] itemOps, T value, Throwable error) {
        if (flat) {
            return keep(i, value, error);
        }
        Instant now = run.clockNow();
        if (error == null) {
            try {
                // A result too large to checkpoint is kept here, recorded SUCCEEDED without it, and rebuilt on replay.
                String data = run.payloadUnlessTooLarge(config.serializer(), value, typeOf(i), "the result of "
                        + itemKind() + " " + i + " of " + kind + " '" + name + "'");
                if (data == null) {
                    kept[i] = value;
                }
                itemOps[i] = OperationRecords.withOutcome(itemOps[i], OperationStatus.SUCCEEDED, data, null, now);
                ctx.write(itemOps[i], false);
                return true;
            } catch (SerializationException e) {
                error = e;
            }
        }
        Throwable cause = error instanceof ItemFailed ? error.getCause() : error;
        itemOps[i] = OperationRecords.withOutcome(itemOps[i], OperationStatus.FAILED, null, ErrorInfo.of(cause), now);
        ctx.write(itemOps[i], false);
        return false;
    }

    /** Keeps an item's outcome in memory only; returns whether it succeeded. */
    private boolean keep(int i, T value, Throwable error) {
        if (error == null) {
            kept[i] = value;
            return true;
        }
        keptErrors[i] = ErrorInfo.of(error instanceof ItemFailed ? error.getCause() : error);
        return false;
    }

    private static void detachAll(Map<Integer, ? extends CompletableFuture<?>> inFlight, Map<Integer, Scope[]> scopes) {
        for (Map.Entry<Integer, ? extends CompletableFuture<?>> e : inFlight.entrySet()) {
            if (!e.getValue().isDone()) {
                Scope[] holder = scopes.get(e.getKey());
                synchronized (holder) {
                    if (holder[0] != null) {
                        holder[0].detached = true;
                    }
                }
            }
        }
    }

    private BatchResult<T> fromCheckpoint(String summary) {
        int colon = summary.indexOf(':');
        CompletionReason reason = CompletionReason.valueOf(summary.substring(0, colon));
        String statuses = recordedStatuses(summary.substring(colon + 1));
        int n = tasks.size();
        kept = new Object[n];
        keptErrors = new ErrorInfo[n];
        rebuildTooLarge(statuses);
        return build(reason, statuses);
    }

    /** A nested batch's succeeded items whose results were too large to checkpoint: run again to rebuild them. */
    private void rebuildTooLarge(String statuses) {
        OperationRecord[] recordedItems = new OperationRecord[tasks.size()];
        for (int i = 0; i < recordedItems.length; i++) {
            recordedItems[i] = run.history.operations.get(itemId(i));
        }
        rerun(statuses, recordedItems, i -> statuses.charAt(i) == 'S' && recordedItems[i] != null
                && recordedItems[i].result() == null && kept[i] == null);
    }

    private String recordedStatuses(String statuses) {
        if (statuses.length() != tasks.size()) {
            throw run.nonDeterministic(id, kind + " '" + name + "' (operation " + id + " of execution " + run.executionId()
                    + ") was recorded with " + statuses.length() + " items but the code now gives it " + tasks.size()
                    + ". The code or its input changed under a running execution, so it is failed.");
        }
        return statuses;
    }

    /** Whether virtual item {@code i} checkpointed an operation of its own (in an earlier run). */
    private boolean hasCheckpoints(int i) {
        return run.history.operations.containsKey(itemId(i) + "-1");
    }

    /**
     * A completed flat batch, replayed: runs again each item it recorded as finished, at most
     * {@code maxConcurrency} at once, to rebuild its result or error from its own operations' checkpoints, and
     * fails the execution as non-deterministic if one does not end as recorded.
     */
    private BatchResult<T> replayFlat(String summary) {
        int colon = summary.indexOf(':');
        CompletionReason reason = CompletionReason.valueOf(summary.substring(0, colon));
        String statuses = recordedStatuses(summary.substring(colon + 1));
        int n = tasks.size();
        kept = new Object[n];
        keptErrors = new ErrorInfo[n];
        rerun(statuses, new OperationRecord[n], i -> statuses.charAt(i) == 'S' || statuses.charAt(i) == 'F');
        return build(reason, statuses);
    }

    /**
     * Runs again the finished items {@code which} selects, at most {@code maxConcurrency} at once, each replaying its
     * operations from their checkpoints, and keeps their outcomes; fails the execution as non-deterministic if one
     * does not end as {@code statuses} recorded. {@code itemOps} are the items' own checkpoints (none when flat), so
     * that nothing of an item is written again.
     */
    private void rerun(String statuses, OperationRecord[] itemOps, java.util.function.IntPredicate which) {
        Map<Integer, CompletableFuture<Outcome<T>>> inFlight = new LinkedHashMap<>();
        Map<Integer, Scope[]> scopes = new LinkedHashMap<>();
        try {
            for (int i = 0; i < tasks.size(); i++) {
                if (!which.test(i)) {
                    continue;
                }
                if (inFlight.size() >= config.maxConcurrency()) {
                    settleReplayed(inFlight, statuses);
                }
                startItem(i, itemOps, inFlight, scopes);
            }
            while (!inFlight.isEmpty()) {
                settleReplayed(inFlight, statuses);
            }
        } catch (RuntimeException | Error e) {
            detachAll(inFlight, scopes);
            throw e;
        }
    }

    /** Waits for the first replayed item in flight to settle and checks that it ended as recorded. */
    private void settleReplayed(Map<Integer, CompletableFuture<Outcome<T>>> inFlight, String statuses) {
        Map.Entry<Integer, CompletableFuture<Outcome<T>>> first = inFlight.entrySet().iterator().next();
        int i = first.getKey();
        Outcome<T> o = first.getValue().join();
        inFlight.remove(i);
        if (o.kind() == Outcome.Kind.FAILED && o.error() instanceof Error err && ReplayContext.isControlFlow(err)) {
            throw err;
        }
        if (run.nonDeterminism != null) {
            throw run.nonDeterminism;
        }
        boolean recordedOk = statuses.charAt(i) == 'S';
        String ended = switch (o.kind()) {
            case VALUE -> recordedOk ? null : "succeeded";
            case FAILED -> recordedOk ? "failed (" + ErrorInfo.of(o.error() instanceof ItemFailed
                    ? o.error().getCause() : o.error()).summary() + ")" : null;
            case BLOCKED -> "waits again";
            case DETACHED -> "was detached";
        };
        if (ended != null) {
            throw run.nonDeterministic(itemId(i), itemKind() + " " + i + " '" + tasks.get(i).name() + "' of " + kind
                    + " '" + name + "' (operation " + id + " of execution " + run.executionId() + ") was recorded as "
                    + (recordedOk ? "succeeded" : "failed") + (flat ? " when the batch completed" : " with a result"
                    + " too large to checkpoint") + ", but replayed from its operations' checkpoints it " + ended + ". "
                    + ReplayValidator.CODE_CHANGED);
        }
        keep(i, o.kind() == Outcome.Kind.VALUE ? o.value() : null, o.kind() == Outcome.Kind.FAILED ? o.error() : null);
    }

    @SuppressWarnings("unchecked")
    private BatchResult<T> build(CompletionReason reason, String statuses) {
        List<BatchItem<T>> items = new ArrayList<>(statuses.length());
        for (int i = 0; i < statuses.length(); i++) {
            String itemName = tasks.get(i).name();
            if (flat) {
                items.add(switch (statuses.charAt(i)) {
                    case 'S' -> new BatchItem<>(i, itemName, BatchItemStatus.SUCCEEDED, (T) kept[i], null);
                    case 'F' -> new BatchItem<>(i, itemName, BatchItemStatus.FAILED, null, keptErrors[i]);
                    case 'T' -> new BatchItem<>(i, itemName, BatchItemStatus.STARTED, null, null);
                    default -> new BatchItem<>(i, itemName, BatchItemStatus.SKIPPED, null, null);
                });
                continue;
            }
            OperationRecord op = run.history.operations.get(itemId(i));
            if (op != null) {
                checkItem(i, op);
            }
            items.add(switch (statuses.charAt(i)) {
                case 'S' -> new BatchItem<>(i, itemName, BatchItemStatus.SUCCEEDED, op.result() == null ? (T) kept[i]
                        : run.read(config.serializer(), op.result(), typeOf(i),
                                "result of " + itemKind() + " " + i + " of '" + name + "'"), null);
                case 'F' -> new BatchItem<>(i, itemName, BatchItemStatus.FAILED, null, op.error());
                case 'T' -> new BatchItem<>(i, itemName, BatchItemStatus.STARTED, null, null);
                default -> new BatchItem<>(i, itemName, BatchItemStatus.SKIPPED, null, null);
            });
        }
        return new BatchResult<>(items, reason);
    }
}
