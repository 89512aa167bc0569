package dev.cairn.internal.commit;

import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackTimeout;
import dev.cairn.spi.EventRecord;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Transition;
import dev.cairn.spi.WriteRejectedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit writer. Unnamed execution starts and runs' checkpoints are submitted here; one thread takes whatever has queued up, merges
 * it per execution and hands it to {@link ExecutionStore#commit} as one batch: one transaction, one round trip
 * for all the executions that checkpointed meanwhile. Each submitter's future completes after that commit.
 *
 * <p>Starts that queued up together are inserted in one transaction of their own ({@link
 * ExecutionStore#createExecutions}), before the checkpoints of the same round.
 *
 * <p>A failure of one write fails that write alone. When the store refuses a batch for what one of its writes
 * contains ({@link WriteRejectedException}), each write of the batch is committed again on its own: the refused
 * one fails, the others succeed. When the store cannot be reached, every waiter of the batch fails, and each run
 * is tried again later.
 *
 * <p>Whoever waits for a write commits it, if no commit is under way: {@link #await} takes what has queued up
 * and commits it on the waiting thread, so that a run that goes step by step costs no hand-off between threads.
 * When a commit is under way, the waiter waits for it; whatever queued up meanwhile is committed by the writer's
 * own thread, woken when that commit ends. A write that nobody waits for goes with the next write that somebody
 * waits for, or within 50 ms.
 * One commit runs at a time: a lock, held while a batch is taken from the queue and committed, makes the thread
 * that holds it the writer.
 *
 * <p>Invariant: the writes of one execution are committed in the order they were submitted; a write that was
 * submitted without waiting is durable no later than any write submitted after it. This is what lets cheap
 * writes (a wait's completion, a recorded {@code now()}) go unawaited: whatever later write is awaited carries
 * them with it.
 */
public final class CheckpointWriter {

    private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);
    private static final int MAX_BATCH = 512;

    private final ExecutionStore store;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** Held by the thread that takes a batch from the queue and commits it. */
    private final ReentrantLock writing = new ReentrantLock();
    /** Whether the writer's thread has been woken and has not looked at the queue since. */
    private final AtomicBoolean woken = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;

    /** One submitted checkpoint part and its waiter. */
    private record Pending(Checkpoint part, CompletableFuture<CommitOutcome> done) {
    }

    /** One submitted start and its waiter. */
    private record PendingStart(NewExecution execution, CompletableFuture<ExecutionRecord> done) {
    }

    private final dev.cairn.internal.Listeners listeners;

    /** A writer that tells no listener. */
    public CheckpointWriter(ExecutionStore store, String nodeId) {
        this(store, nodeId, dev.cairn.internal.Listeners.NONE);
    }

    public CheckpointWriter(ExecutionStore store, String nodeId, dev.cairn.internal.Listeners listeners) {
        this.store = store;
        this.listeners = listeners;
        this.thread = new Thread(this::loop, "cairn-checkpoint-writer-" + nodeId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues the insert of a new, unnamed execution; the future completes once it is committed. */
    public CompletableFuture<ExecutionRecord> submitStart(NewExecution execution) {
        CompletableFuture<ExecutionRecord> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new IllegalStateException("checkpoint writer stopped"));
            return done;
        }
        queue.add(new PendingStart(execution, done));
        return done;
    }

    /**
     * Waits for a write submitted here to be committed, committing what has queued up on this thread if no commit
     * is under way.
     *
     * @return the write's outcome
     * @throws java.util.concurrent.CompletionException if the write failed
     */
    public <T> T await(CompletableFuture<T> done) {
        if (!done.isDone() && writing.tryLock()) {
            try {
                commitQueued();
            } finally {
                writing.unlock();
            }
            if (!queue.isEmpty()) {
                wake();
            }
        }
        return done.join();
    }

    private void wake() {
        if (woken.compareAndSet(false, true)) {
            LockSupport.unpark(thread);
        }
    }

    public CompletableFuture<CommitOutcome> submit(String executionId, long version, List<OperationRecord> inserts,
            List<OperationRecord> updates, List<CallbackRecord> callbacks, Transition transition, Instant now) {
        return submit(new Checkpoint(executionId, version, inserts, updates, callbacks, transition, now));
    }

    /** Queues a checkpoint; the future completes with its outcome once it is committed. */
    public CompletableFuture<CommitOutcome> submit(Checkpoint checkpoint) {
        CompletableFuture<CommitOutcome> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new IllegalStateException("checkpoint writer stopped"));
            return done;
        }
        queue.add(new Pending(checkpoint, done));
        if (writing.isLocked()) {
            wake(); // a commit is under way, and this write may have missed it: it goes in the next one
        }
        return done;
    }

    /** Stops after committing everything queued so far. */
    public void stop(long timeoutMillis) {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Object left;
        while ((left = queue.poll()) != null) {
            IllegalStateException closed = new IllegalStateException("engine closed before this write was committed");
            if (left instanceof Pending p) {
                p.done.completeExceptionally(closed);
            } else if (left instanceof PendingStart p) {
                p.done.completeExceptionally(closed);
            }
        }
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            if (queue.isEmpty()) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
            }
            woken.set(false);
            if (queue.isEmpty()) {
                continue;
            }
            writing.lock();
            try {
                while (commitQueued()) {
                    // on until the queue is empty: those who queued meanwhile wait for this thread
                }
            } finally {
                writing.unlock();
            }
        }
    }

    /**
     * Takes what has queued up (at most {@value #MAX_BATCH} writes) and commits it; called with {@link #writing}
     * held. @return whether there was anything to commit
     */
    private boolean commitQueued() {
        List<PendingStart> starts = new ArrayList<>();
        List<Pending> batch = new ArrayList<>();
        Object item;
        while (starts.size() + batch.size() < MAX_BATCH && (item = queue.poll()) != null) {
            if (item instanceof PendingStart start) {
                starts.add(start);
            } else {
                batch.add((Pending) item);
            }
        }
        if (starts.isEmpty() && batch.isEmpty()) {
            return false;
        }
        try {
            if (!starts.isEmpty()) {
                start(starts);
            }
            if (!batch.isEmpty()) {
                write(batch);
            }
        } catch (RuntimeException | Error e) {
            // Whatever fails (a driver may even throw an Error when its connection is cut), the writer goes on,
            // and every waiter of the batch hears of it: a dead writer would leave its runs waiting forever. The
            // store's messages quote no values, so the log carries no payload.
            log.warn("a group commit of {} writes and {} starts failed: {}", batch.size(), starts.size(),
                    e.toString());
            for (Pending p : batch) {
                p.done.completeExceptionally(e);
            }
            for (PendingStart p : starts) {
                p.done.completeExceptionally(e);
            }
        }
        return true;
    }

    private void start(List<PendingStart> starts) {
        List<NewExecution> executions = new ArrayList<>(starts.size());
        for (PendingStart p : starts) {
            executions.add(p.execution);
        }
        try {
            List<ExecutionRecord> rows = store.createExecutions(executions);
            for (int i = 0; i < starts.size(); i++) {
                starts.get(i).done.complete(rows.get(i));
            }
        } catch (WriteRejectedException e) {
            if (starts.size() == 1) {
                starts.get(0).done.completeExceptionally(e);
                return;
            }
            // One start the database refuses must not fail the others that shared its transaction.
            for (PendingStart p : starts) {
                try {
                    p.done.complete(store.createExecutions(List.of(p.execution)).get(0));
                } catch (RuntimeException alone) {
                    p.done.completeExceptionally(alone);
                }
            }
        } catch (RuntimeException | Error e) {
            for (PendingStart p : starts) {
                p.done.completeExceptionally(e);
            }
        }
    }

    private void write(List<Pending> batch) {
        if (!listeners.active()) {
            commit(batch);
            return;
        }
        long started = System.nanoTime();
        boolean failed = true;
        int size = batch.size();
        try {
            size = commit(batch);
            failed = false;
        } finally {
            listeners.checkpointBatchCommitted(new dev.cairn.ExecutionListener.CommitEvent(size,
                    java.time.Duration.ofNanos(System.nanoTime() - started), failed));
        }
    }

    /** Commits a batch and completes its waiters. @return how many checkpoints it merged into */
    private int commit(List<Pending> batch) {
        // Merge the parts of each (execution, version), keeping their order.
        Map<String, List<Pending>> byExecution = new LinkedHashMap<>();
        for (Pending p : batch) {
            byExecution.computeIfAbsent(p.part.executionId() + '\u0000' + p.part.version(), k -> new ArrayList<>()).add(p);
        }
        List<Checkpoint> merged = new ArrayList<>(byExecution.size());
        for (List<Pending> parts : byExecution.values()) {
            merged.add(merge(parts));
        }
        List<CommitOutcome> outcomes;
        try {
            outcomes = store.commit(merged);
        } catch (WriteRejectedException e) {
            if (merged.size() == 1) {
                throw e;
            }
            // One checkpoint the database refuses must not fail the others of the batch: commit each on its own.
            int i = 0;
            for (List<Pending> parts : byExecution.values()) {
                Checkpoint alone = merged.get(i++);
                try {
                    complete(parts, store.commit(List.of(alone)).get(0));
                } catch (RuntimeException failed) {
                    for (Pending p : parts) {
                        p.done.completeExceptionally(failed);
                    }
                }
            }
            return merged.size();
        }
        int i = 0;
        for (List<Pending> parts : byExecution.values()) {
            complete(parts, outcomes.get(i++));
        }
        return merged.size();
    }

    private static void complete(List<Pending> parts, CommitOutcome outcome) {
        for (Pending p : parts) {
            CommitOutcome own = outcome == CommitOutcome.SIGNALLED && p.part.transition() == null
                    ? CommitOutcome.APPLIED : outcome;
            p.done.complete(own);
        }
    }

    /**
     * One checkpoint for the parts of one execution, in their order. An operation that one part inserts and a later
     * one updates is inserted as it ends up, and an operation updated twice is updated once: one statement for
     * each row.
     */
    private static Checkpoint merge(List<Pending> parts) {
        if (parts.size() == 1) {
            return parts.get(0).part;
        }
        Map<String, OperationRecord> inserts = new LinkedHashMap<>();
        Map<String, OperationRecord> updates = new LinkedHashMap<>();
        List<CallbackRecord> callbacks = new ArrayList<>();
        List<NewExecution> children = new ArrayList<>();
        List<CallbackTimeout> timeouts = new ArrayList<>();
        List<EventRecord> events = new ArrayList<>();
        Transition transition = null;
        Instant now = null;
        for (Pending p : parts) {
            Checkpoint c = p.part;
            for (OperationRecord op : c.operationInserts()) {
                inserts.put(op.operationId(), op);
            }
            for (OperationRecord op : c.operationUpdates()) {
                if (inserts.containsKey(op.operationId())) {
                    inserts.put(op.operationId(), op);
                } else {
                    updates.put(op.operationId(), op);
                }
            }
            callbacks.addAll(c.callbacks());
            children.addAll(c.children());
            timeouts.addAll(c.callbackTimeouts());
            events.addAll(c.events());
            if (c.transition() != null) {
                transition = c.transition();
            }
            if (now == null || (c.now() != null && c.now().isAfter(now))) {
                now = c.now();
            }
        }
        Checkpoint first = parts.get(0).part;
        return new Checkpoint(first.executionId(), first.version(), List.copyOf(inserts.values()),
                List.copyOf(updates.values()), callbacks, transition, now, children, timeouts, events);
    }
}
