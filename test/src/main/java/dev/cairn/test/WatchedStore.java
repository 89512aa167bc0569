package dev.cairn.test;

import dev.cairn.ErrorInfo;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.ForwardingExecutionStore;
import dev.cairn.spi.NewExecution;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The store one engine of a {@link TestEngine} writes through: it forwards every call to the test's store, tells
 * the kit after every write (so that the kit waits for the engine without looking at the clock), reports each
 * execution created through it, and carries out a {@link CrashPlan}.
 *
 * <p>Once the plan's point is reached the store is dead for its engine, as the disk is for a process killed with
 * {@code kill -9}: the write that reached the point and every later write fail, so nothing of them is durable, and
 * only what was acknowledged before survives for the fresh engine that resumes. Reads still answer; a killed
 * process reads nothing, but reading changes nothing either.
 */
final class WatchedStore extends ForwardingExecutionStore {

    /** The failure every write of a crashed engine gets: the engine handles it as a store outage. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String message) {
            super(message, null, false, false);
        }
    }

    private final Writes writes;
    private final Consumer<String> created;
    private volatile CrashPlan crash;
    private volatile String crashedAt;

    /**
     * @param store   the test's store
     * @param writes  told after every write
     * @param created told the id of every execution created through this store
     */
    WatchedStore(ExecutionStore store, Writes writes, Consumer<String> created) {
        super(store);
        this.writes = writes;
        this.created = created;
    }

    /** Makes the engine die where {@code plan} says, or never ({@code null}). */
    void arm(CrashPlan plan) {
        this.crash = plan;
    }

    /** The plan armed, or {@code null}. */
    CrashPlan armed() {
        return crash;
    }

    /** Where the engine died, or {@code null} while it lives. */
    String crashedAt() {
        return crashedAt;
    }

    private <T> T write(Supplier<T> call) {
        checkAlive();
        try {
            return call.get();
        } finally {
            writes.changed();
        }
    }

    private void checkAlive() {
        String at = crashedAt;
        if (at != null) {
            throw new SimulatedCrash("the engine was killed " + at + "; this write is lost");
        }
    }

    private void die(String at) {
        crashedAt = at;
        writes.changed();
        throw new SimulatedCrash("the engine is killed " + at + "; this write is lost");
    }

    @Override
    public CreateResult createExecution(NewExecution execution) {
        CreateResult result = write(() -> delegate().createExecution(execution));
        created.accept(result.record().id());
        return result;
    }

    @Override
    public List<ExecutionRecord> createExecutions(List<NewExecution> executions) {
        List<ExecutionRecord> rows = write(() -> delegate().createExecutions(executions));
        rows.forEach(r -> created.accept(r.id()));
        return rows;
    }

    @Override
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
            Instant leaseUntil) {
        return write(() -> delegate().claim(executionId, owner, now, leaseNow, leaseUntil));
    }

    @Override
    public List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now, Instant leaseNow,
            Instant leaseUntil) {
        return write(() -> delegate().claimAll(executionIds, owner, now, leaseNow, leaseUntil));
    }

    @Override
    public Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        return write(() -> delegate().renewLeases(owner, executionIds, leaseUntil));
    }

    @Override
    public int releaseOwned(String owner, Instant now) {
        return write(() -> delegate().releaseOwned(owner, now));
    }

    @Override
    public int releaseAllRunning(Instant now) {
        return write(() -> delegate().releaseAllRunning(now));
    }

    @Override
    public int unpark(Collection<String> functions, Instant now) {
        return write(() -> delegate().unpark(functions, now));
    }

    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        checkAlive();
        CrashPlan plan = crash;
        if (plan != null) {
            for (Checkpoint checkpoint : batch) {
                String at = plan.reachedBy(checkpoint);
                if (at != null) {
                    die(at);
                }
            }
        }
        List<CommitOutcome> outcomes = write(() -> delegate().commit(batch));
        for (Checkpoint checkpoint : batch) {
            checkpoint.children().forEach(child -> created.accept(child.id()));
        }
        if (plan != null) {
            batch.forEach(plan::committed);
        }
        return outcomes;
    }

    @Override
    public CallbackUpdate completeCallback(CallbackCompletion completion) {
        return write(() -> delegate().completeCallback(completion));
    }

    @Override
    public CallbackUpdate completeCallback(String callbackId, Function<CallbackRecord, CallbackCompletion> resolve,
            Claimant claimant) {
        return write(() -> delegate().completeCallback(callbackId, resolve, claimant));
    }

    @Override
    public CallbackUpdate heartbeatCallback(String callbackId, Instant now) {
        return write(() -> delegate().heartbeatCallback(callbackId, now));
    }

    @Override
    public boolean expireCallback(String callbackId, ErrorInfo error, Instant now) {
        return write(() -> delegate().expireCallback(callbackId, error, now));
    }

    @Override
    public CancelResult cancel(String executionId, String reason, Instant now) {
        return write(() -> delegate().cancel(executionId, reason, now));
    }

    /** Leaves the test's store open: the kit closes it once, after its last engine. */
    @Override
    public void close() {
    }

    /**
     * A count of the writes made through the kit's stores, which the kit waits on: a change in what the engine has
     * done to an execution is always a write, so between two writes there is nothing new to look at.
     */
    static final class Writes {
        private long count;

        synchronized void changed() {
            count++;
            notifyAll();
        }

        synchronized long count() {
            return count;
        }

        /**
         * Waits until a write is made after the {@code seen}-th one, or for {@code maxMillis}.
         *
         * @return false if interrupted
         */
        synchronized boolean awaitAfter(long seen, long maxMillis) {
            long deadline = System.nanoTime() + maxMillis * 1_000_000;
            while (count == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
