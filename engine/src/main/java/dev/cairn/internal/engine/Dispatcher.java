package dev.cairn.internal.engine;

import dev.cairn.internal.run.ExecutionRunner;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who runs what on this node: the worker threads, the executions queued or running on them, and the claims that
 * put an execution there. An execution is dispatched at most once at a time; one asked for again while it is in
 * flight is dispatched again when its run ends. A claim or a run that the store failed is tried again after a
 * delay, and until then the execution counts as held: its lease is renewed with those of the running ones.
 *
 * <p>Executions dispatched together are claimed together: a claim task on a worker takes what has been dispatched
 * and not claimed yet, up to {@code concurrency} executions, claims them with one store call
 * ({@link ExecutionStore#claimAll}), runs the first and hands the others to the workers. While it claims, what is
 * dispatched meanwhile waits for the next claim task, so that under load a claim costs one transaction for many
 * executions, and alone it costs what a single claim does.
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final ExecutionStore store;
    private final String nodeId;
    private final Clock clock;
    private final Clock leaseClock;
    private final Duration leaseDuration;
    private final int concurrency;
    private final ScheduledExecutorService delays;
    private final ThreadPoolExecutor workers;
    private ExecutionRunner runner;
    /** Executions queued or running here, mapped to whether they were asked for again meanwhile. */
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    /**
     * Executions this node holds but whose run stopped on a store failure: each is claimed again after a delay.
     * With {@link #inFlight}, what this node renews the leases of; nothing else it owns is renewed.
     */
    private final Set<String> retrying = ConcurrentHashMap.newKeySet();
    /** Told when an execution is no longer queued or running here. */
    private final Consumer<String> runOver;
    /** Executions dispatched here and not claimed yet: the next claim task claims them. */
    private final ConcurrentLinkedQueue<String> toClaim = new ConcurrentLinkedQueue<>();
    /** How many executions wait in {@link #toClaim}. */
    private final AtomicInteger awaitingClaim = new AtomicInteger();
    /** Claim tasks queued on the workers and not started yet. */
    private final AtomicInteger claimsQueued = new AtomicInteger();
    private volatile boolean closing;

    Dispatcher(ExecutionStore store, String nodeId, Clock clock, Clock leaseClock, Duration leaseDuration,
            int concurrency, ScheduledExecutorService delays, Consumer<String> runOver) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
        this.leaseClock = leaseClock;
        this.leaseDuration = leaseDuration;
        this.concurrency = concurrency;
        this.delays = delays;
        this.runOver = runOver;
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "cairn-worker-" + nodeId + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Sets the runner that claimed executions are run by (built after this dispatcher, which it dispatches to). */
    void runWith(ExecutionRunner runner) {
        this.runner = runner;
    }

    /** Runs an execution this node has just inserted RUNNING (a start): no claim is needed. */
    void runStarted(ExecutionRecord execution) {
        inFlight.put(execution.id(), Boolean.FALSE);
        try {
            workers.execute(() -> run(execution));
        } catch (RejectedExecutionException e) {
            inFlight.remove(execution.id());
            runOver.accept(execution.id());
        }
    }

    /**
     * Claims and runs an execution that became due, unless it is already queued or running here.
     *
     * @return whether it was queued now
     */
    boolean dispatch(String executionId) {
        if (closing) {
            return false;
        }
        if (inFlight.putIfAbsent(executionId, Boolean.FALSE) != null) {
            inFlight.put(executionId, Boolean.TRUE);
            return false;
        }
        claimLater(executionId);
        return true;
    }

    /**
     * Claims and runs an execution that the store lists as due, unless it is queued or running here: that run
     * claims it, or has seen its row as it is now.
     *
     * @return whether it was queued now
     */
    boolean dispatchIfIdle(String executionId) {
        if (closing || inFlight.putIfAbsent(executionId, Boolean.FALSE) != null) {
            return false;
        }
        claimLater(executionId);
        return true;
    }

    /** Queues an execution that is in flight here for the next claim task, and makes sure one is coming. */
    private void claimLater(String executionId) {
        toClaim.add(executionId);
        awaitingClaim.incrementAndGet();
        if (claimsQueued.get() == 0) {
            submitClaims();
        }
    }

    private void submitClaims() {
        claimsQueued.incrementAndGet();
        try {
            workers.execute(this::claimQueued);
        } catch (RejectedExecutionException e) {
            claimsQueued.decrementAndGet();
            for (String id = pollToClaim(); id != null; id = pollToClaim()) {
                inFlight.remove(id);
                runOver.accept(id);
            }
        }
    }

    private String pollToClaim() {
        String id = toClaim.poll();
        if (id != null) {
            awaitingClaim.decrementAndGet();
        }
        return id;
    }

    /**
     * Claims what has been dispatched and not claimed yet, at most {@code concurrency} executions with one store
     * call, runs the first here and hands the others to the workers. If more is left to claim, another claim task
     * takes it meanwhile. If the store cannot be reached, each claim is tried again later: a timer or a callback that
     * made an execution due must not be lost to an outage.
     */
    private void claimQueued() {
        claimsQueued.decrementAndGet();
        List<String> batch = new ArrayList<>();
        String next;
        while (batch.size() < concurrency && (next = pollToClaim()) != null) {
            batch.add(next);
        }
        if (!toClaim.isEmpty() && claimsQueued.get() == 0) {
            submitClaims();
        }
        if (batch.isEmpty()) {
            return;
        }
        if (closing) {
            batch.forEach(this::finished);
            return;
        }
        List<ExecutionRecord> claimed;
        try {
            Instant leaseNow = leaseClock.now();
            claimed = store.claimAll(batch, nodeId, clock.now(), leaseNow, leaseNow.plus(leaseDuration));
        } catch (RuntimeException e) {
            log.warn("{}: cannot claim {}, the store failed ({}); trying again in {} ms", batch.size() == 1
                    ? "execution " + batch.get(0) : batch.size() + " executions", batch.size() == 1 ? "it" : "them",
                    e.getMessage(), ExecutionRunner.RETRY_DELAY.toMillis());
            for (String id : batch) {
                retryOwned(id, ExecutionRunner.RETRY_DELAY);
                finished(id);
            }
            return;
        }
        Set<String> runs = new HashSet<>();
        for (ExecutionRecord execution : claimed) {
            runs.add(execution.id());
        }
        for (String id : batch) {
            if (!runs.contains(id)) {
                finished(id); // not runnable any more: claimed elsewhere, ended, or not due
            }
        }
        for (int k = 1; k < claimed.size(); k++) {
            ExecutionRecord execution = claimed.get(k);
            try {
                workers.execute(() -> run(execution));
            } catch (RejectedExecutionException e) {
                run(execution); // closing: the run gives it back at once
            }
        }
        if (!claimed.isEmpty()) {
            run(claimed.get(0));
        }
    }

    /** Who claims executions for this node now; null while it is closing, when nothing is claimed. */
    Claimant claimant() {
        if (closing) {
            return null;
        }
        Instant leaseNow = leaseClock.now();
        return new Claimant(nodeId, leaseNow, leaseNow.plus(leaseDuration));
    }

    /**
     * Runs an execution that this node claimed as it completed one of its callbacks. If it is queued or its run is
     * ending here, that run's end dispatches it again, and the claim then (of an execution this node holds) takes it.
     */
    void runClaimed(ExecutionRecord execution) {
        if (inFlight.putIfAbsent(execution.id(), Boolean.FALSE) != null) {
            inFlight.put(execution.id(), Boolean.TRUE);
            return;
        }
        try {
            workers.execute(() -> run(execution));
        } catch (RejectedExecutionException e) {
            finished(execution.id()); // closing: the next start of this node, or another node, resumes it
        }
    }

    /** Runs an execution this node holds, until its run ends. */
    private void run(ExecutionRecord execution) {
        try {
            runner.execute(execution);
        } catch (Throwable e) {
            // The runner ends an execution whose run failed unexpectedly; this is the last resort.
            log.error("execution {}: unexpected error in its run; it is claimed again later", execution.id(), e);
            retryOwned(execution.id(), ExecutionRunner.RETRY_DELAY);
        } finally {
            finished(execution.id());
        }
    }

    /** An execution is no longer queued or running here; if it was asked for meanwhile, it is dispatched again. */
    private void finished(String executionId) {
        Boolean again = inFlight.remove(executionId);
        runOver.accept(executionId);
        if (Boolean.TRUE.equals(again)) {
            dispatch(executionId);
        }
    }

    /**
     * Claims an execution this node holds again after a delay, and runs it: its run stopped because the store
     * failed. The claim succeeds if the row is still this node's (or due, or its lease ran out), and increments the
     * version; if another node took the execution over meanwhile, it fails and the execution is that node's. Until
     * then its lease is renewed with those of the running executions.
     */
    void retryOwned(String executionId, Duration delay) {
        if (closing) {
            return;
        }
        retrying.add(executionId);
        try {
            delays.schedule(() -> {
                boolean queued = inFlight.putIfAbsent(executionId, Boolean.FALSE) == null;
                retrying.remove(executionId);
                if (queued) {
                    claimLater(executionId);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            retrying.remove(executionId); // closing: the next start of this node, or another node, resumes it
        }
    }

    /** Whether an execution is queued or running here. */
    boolean isInFlight(String executionId) {
        return inFlight.containsKey(executionId);
    }

    /** The executions whose leases this node renews: those it runs, queues, or is about to claim again. */
    Set<String> heldExecutions() {
        Set<String> held = new HashSet<>(inFlight.keySet());
        held.addAll(retrying);
        return held;
    }

    /** Whether more work is queued than the workers will take soon. */
    boolean backlogged() {
        return awaitingClaim.get() + workers.getQueue().size() > concurrency * 4;
    }

    boolean isClosing() {
        return closing;
    }

    /** Stops dispatching: runs stop at their next operation, and nothing new is claimed. */
    void markClosing() {
        closing = true;
    }

    /** Stops dispatching, and gives running executions {@code grace} to reach a checkpoint. */
    void stop(Duration grace) {
        closing = true;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} executions still running after the shutdown grace; they resume on the next start",
                        workers.getActiveCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Interrupts what still runs on the workers. */
    void stopNow() {
        workers.shutdownNow();
    }
}
