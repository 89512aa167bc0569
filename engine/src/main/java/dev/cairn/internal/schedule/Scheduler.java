package dev.cairn.internal.schedule;

import dev.cairn.spi.DueExecution;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires timers and finds work. One thread, which never runs user code:
 *
 * <ul>
 *   <li>keeps a near-term window of due times (the next {@code window}, at most {@code batch} rows at a time) in
 *       a {@link TimerWheel}, loaded from the store's {@code wake_at} index. The watermark is the end of what has
 *       been loaded: a timer that this node sets at or before the watermark goes into the wheel at once, later
 *       ones are loaded when the window moves past them. Loading is skipped while the workers are backlogged, so
 *       a pile of overdue timers after a restart fires in budgeted batches;</li>
 *   <li>re-reads the store every {@code pollInterval} for work made due elsewhere (callbacks completed on other
 *       nodes, executions started there), and for running executions whose owner's lease ran out;</li>
 *   <li>renews, through {@link LeaseRenewer}, the leases of the executions this node runs, and only those: an
 *       execution this node holds but no longer runs (its run stopped on a store failure and was dropped) lets its
 *       lease run out, so that it is taken over rather than kept RUNNING with nothing running it.</li>
 * </ul>
 *
 * Firing hands ids to the engine, which claims them in the store before running them, so a timer loaded twice,
 * or fired on two nodes, runs the execution once.
 */
public final class Scheduler {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final int BATCH = 500;

    /** What the scheduler works for: the engine's clocks, its store and its dispatcher. */
    public interface Host {
        /** The engine's clock. */
        dev.cairn.spi.Clock clock();

        /** The lease clock: real elapsed time. */
        dev.cairn.spi.Clock leaseClock();

        /** The store. */
        dev.cairn.spi.ExecutionStore store();

        /** Claims and runs an execution that became due; @return whether it was queued now. */
        boolean dispatch(String executionId);

        /** Whether the workers have more queued than they can take soon: loading more timers waits then. */
        boolean backlogged();

        /** The executions whose leases this node renews. */
        java.util.Set<String> heldExecutions();

        /** This node's id. */
        String nodeId();
    }

    private final Host engine;
    private final LeaseRenewer leases;
    private final TimerWheel wheel;
    private final Duration window;
    private final Duration pollInterval;
    private final Duration tick;
    private final Thread thread;
    private volatile boolean running;
    private volatile Instant watermark = Instant.MIN;
    private Instant lastPoll = Instant.MIN;
    private volatile boolean pollRequested = true;

    public Scheduler(Host engine, Duration window, Duration pollInterval, Duration tick, Duration lease) {
        this.engine = engine;
        this.leases = new LeaseRenewer(engine.store(), engine.nodeId(), lease, engine::heldExecutions,
                engine::dispatch);
        this.window = window;
        this.pollInterval = pollInterval;
        this.tick = tick;
        this.wheel = new TimerWheel(tick.toMillis(), window.toMillis());
        this.thread = new Thread(this::loop, "cairn-scheduler-" + engine.nodeId());
        this.thread.setDaemon(true);
    }

    public void start() {
        running = true;
        leases.start(engine.leaseClock().now());
        thread.start();
    }

    public void stop() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An execution this node suspended until {@code wakeAt} (null: until a callback). */
    public void scheduled(String executionId, Instant wakeAt) {
        if (wakeAt == null) {
            return;
        }
        if (!wakeAt.isAfter(watermark)) {
            wheel.schedule(executionId, wakeAt);
            LockSupport.unpark(thread);
        }
    }

    /** The timer wheel's resolution in milliseconds: how often the scheduler looks at the clock. */
    public long tickMillis() {
        return tick.toMillis();
    }

    /** Asks for a store poll at the next tick. */
    public void requestPoll() {
        pollRequested = true;
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (running) {
            try {
                tickOnce();
            } catch (RuntimeException e) {
                log.warn("scheduler pass failed ({}); retrying in {} ms", e.getMessage(), pollInterval.toMillis());
                sleep(pollInterval);
            } catch (Error e) {
                // The scheduler must outlive whatever happens: without it nothing fires and no lease is renewed.
                log.error("scheduler pass failed; retrying in {} ms", pollInterval.toMillis(), e);
                sleep(pollInterval);
            }
            if (running) {
                LockSupport.parkNanos(tick.toNanos());
            }
        }
    }

    private void tickOnce() {
        Instant now = engine.clock().now();
        for (String id : wheel.advance(now)) {
            engine.dispatch(id);
        }
        Instant real = engine.leaseClock().now();
        boolean windowMoved = now.plus(window.dividedBy(2)).isAfter(watermark);
        boolean pollDue = !real.isBefore(lastPoll.plus(pollInterval));
        if (pollRequested || windowMoved || pollDue) {
            if (!engine.backlogged()) {
                pollRequested = false;
                loadWindow(now);
            }
        }
        if (pollDue) {
            lastPoll = real;
            leases.takeOverExpired(real);
        }
        leases.renewIfDue(real);
    }

    private void loadWindow(Instant now) {
        Instant until = now.plus(window);
        List<DueExecution> due = engine.store().findDue(until, BATCH);
        for (DueExecution d : due) {
            if (!d.wakeAt().isAfter(now)) {
                engine.dispatch(d.executionId());
            } else {
                wheel.schedule(d.executionId(), d.wakeAt());
            }
        }
        // If the batch was full, what lies beyond its last row is not loaded yet.
        watermark = due.size() < BATCH ? until : due.get(due.size() - 1).wakeAt();
    }

    private static void sleep(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }
}
