package dev.cairn.micrometer;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionListener;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for a Cairn engine. It is an {@link ExecutionListener}, given to the engine's builder, and is
 * then bound to the engine it listens to, for the gauges that read the engine:
 *
 * <pre>{@code
 * CairnMetrics metrics = CairnMetrics.builder(registry).statusCountInterval(Duration.ofSeconds(30)).build();
 * DurableEngine engine = DurableEngine.builder().store(store).register(new Orders()).listener(metrics).build();
 * metrics.bindTo(engine);
 * }</pre>
 *
 * <p>The meters, each named with the prefix {@code cairn.} (a registry renders the names in its own convention, such
 * as {@code cairn_executions_started_total} for Prometheus):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what it measures</th></tr>
 *   <tr><td>{@code cairn.executions.started}</td><td>counter</td><td>function</td>
 *       <td>first runs of executions begun on this node</td></tr>
 *   <tr><td>{@code cairn.executions.resumed}</td><td>counter</td><td>function</td>
 *       <td>runs of executions that ran before (after a pause, or taken over from a node that went away)</td></tr>
 *   <tr><td>{@code cairn.executions.suspended}</td><td>counter</td><td>function</td>
 *       <td>runs that paused their execution (a wait, a callback, a retry backoff)</td></tr>
 *   <tr><td>{@code cairn.executions.ended}</td><td>counter</td><td>function, status</td>
 *       <td>executions that reached a terminal status on this node: SUCCEEDED, FAILED, CANCELLED, TIMED_OUT</td></tr>
 *   <tr><td>{@code cairn.execution.run}</td><td>timer</td><td>function, status</td>
 *       <td>the real time of a run, from its claim to its pause (status SUSPENDED) or its end (the terminal
 *       status); an execution's waits are not in it</td></tr>
 *   <tr><td>{@code cairn.step.attempts}</td><td>counter</td><td>function, outcome</td>
 *       <td>attempts of steps that ran their body: outcome SUCCEEDED, RETRIED (failed, another attempt is due) or
 *       FAILED (failed, the step fails); replayed steps are not counted</td></tr>
 *   <tr><td>{@code cairn.step.duration}</td><td>timer</td><td>function, outcome</td>
 *       <td>the real time a step attempt's body ran, with the attempt's outcome as above</td></tr>
 *   <tr><td>{@code cairn.checkpoint.commit}</td><td>timer</td><td>outcome</td>
 *       <td>the store's latency for one group commit of checkpoints: outcome SUCCEEDED or FAILED</td></tr>
 *   <tr><td>{@code cairn.checkpoint.batch.size}</td><td>distribution summary</td><td>none</td>
 *       <td>how many checkpoints one group commit wrote together (base unit: checkpoints)</td></tr>
 *   <tr><td>{@code cairn.timer.lateness}</td><td>timer</td><td>function, operation</td>
 *       <td>how long after its due time a run reached a wait (operation WAIT) or a step's next attempt after its
 *       retry backoff (operation STEP), on the engine's clock: the scheduler's delay, the claim and the replay up to
 *       the operation</td></tr>
 *   <tr><td>{@code cairn.timers.pending}</td><td>gauge</td><td>none</td>
 *       <td>timers this node's scheduler holds and has not fired ({@link DurableEngine#scheduledTimers()}): those
 *       due within its window; needs {@link #bindTo}</td></tr>
 *   <tr><td>{@code cairn.executions.stored}</td><td>gauge</td><td>status</td>
 *       <td>executions in the store in each status, from {@link DurableEngine#countByStatus()}, read at most once
 *       per {@link Builder#statusCountInterval} (a query of the whole executions table); needs {@link #bindTo}</td></tr>
 *   <tr><td>{@code cairn.leases.taken.over}</td><td>counter</td><td>none</td>
 *       <td>executions this node took over from a node whose lease ran out</td></tr>
 * </table>
 *
 * <p>Tag values: {@code function} is the function's registered name; {@code status} an {@link ExecutionStatus}
 * name; {@code operation} an {@link OperationType} name. No tag holds an execution id, an operation id, a step name
 * or a payload: step and operation names may be built from data, and would make a meter per execution. Percentiles
 * and histograms of the timers are left to the registry's configuration (a {@code MeterFilter}).
 *
 * <p>Recording costs a few map look-ups and atomic additions on the engine's threads, as a listener's work must be;
 * the status counts are read on the thread that reads the gauge (the registry's publisher), never on the engine's.
 * Thread-safe.
 */
public final class CairnMetrics implements ExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(CairnMetrics.class);

    /** The tag of the function's registered name. */
    public static final String TAG_FUNCTION = "function";
    /** The tag of an execution's status. */
    public static final String TAG_STATUS = "status";
    /** The tag of a step attempt's or a commit's outcome. */
    public static final String TAG_OUTCOME = "outcome";
    /** The tag of an operation's type. */
    public static final String TAG_OPERATION = "operation";

    /** A step attempt or a commit succeeded. */
    public static final String OUTCOME_SUCCEEDED = "SUCCEEDED";
    /** A step attempt failed and another is due. */
    public static final String OUTCOME_RETRIED = "RETRIED";
    /** A step attempt failed and the step fails; or a commit failed. */
    public static final String OUTCOME_FAILED = "FAILED";

    private final MeterRegistry registry;
    private final Duration statusCountInterval;
    private final Map<String, FunctionMeters> byFunction = new ConcurrentHashMap<>();
    private final Timer commitsSucceeded;
    private final Timer commitsFailed;
    private final DistributionSummary batchSize;
    private final Counter leasesTakenOver;
    private volatile StatusCounts statusCounts;

    private CairnMetrics(Builder builder) {
        this.registry = builder.registry;
        this.statusCountInterval = builder.statusCountInterval;
        this.commitsSucceeded = commitTimer(OUTCOME_SUCCEEDED);
        this.commitsFailed = commitTimer(OUTCOME_FAILED);
        this.batchSize = DistributionSummary.builder("cairn.checkpoint.batch.size")
                .description("How many checkpoints one group commit wrote together").baseUnit("checkpoints")
                .register(registry);
        this.leasesTakenOver = Counter.builder("cairn.leases.taken.over")
                .description("Executions this node took over from a node whose lease ran out").register(registry);
    }

    /**
     * Meters in {@code registry}, with the default options.
     *
     * @param registry where the meters are registered
     * @return the listener, to give to {@code DurableEngine.builder().listener(...)}
     * @throws NullPointerException if {@code registry} is null
     */
    public static CairnMetrics create(MeterRegistry registry) {
        return builder(registry).build();
    }

    /**
     * A builder of meters in {@code registry}.
     *
     * @param registry where the meters are registered
     * @return a new builder
     * @throws NullPointerException if {@code registry} is null
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(Objects.requireNonNull(registry, "registry"));
    }

    /** Options of {@link CairnMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Duration statusCountInterval = Duration.ofSeconds(30);

        private Builder(MeterRegistry registry) {
            this.registry = registry;
        }

        /**
         * How long the counts of {@code cairn.executions.stored} are reused before the store is asked again; 30 s by
         * default. Each read counts every execution in the store, so keep it well above the registry's step on a
         * large table. Measured on the registry's clock.
         *
         * @param interval a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code interval} is null, zero or negative
         */
        public Builder statusCountInterval(Duration interval) {
            if (interval == null || interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("statusCountInterval must be a positive duration, was " + interval);
            }
            this.statusCountInterval = interval;
            return this;
        }

        /**
         * Registers the meters that need no engine.
         *
         * @return the listener
         */
        public CairnMetrics build() {
            return new CairnMetrics(this);
        }
    }

    /**
     * Registers the gauges that read {@code engine}: {@code cairn.timers.pending} and {@code cairn.executions.stored}
     * (one per status). Call it once, with the engine this listener was given to.
     *
     * @param engine the engine; it is read on the thread that reads the gauges, and not kept from being collected
     * @return this
     * @throws NullPointerException  if {@code engine} is null
     * @throws IllegalStateException if these metrics are bound to an engine already
     */
    public synchronized CairnMetrics bindTo(DurableEngine engine) {
        Objects.requireNonNull(engine, "engine");
        if (statusCounts != null) {
            throw new IllegalStateException("these CairnMetrics are bound to an engine already; create one"
                    + " CairnMetrics per engine");
        }
        StatusCounts counts = new StatusCounts(engine, registry, statusCountInterval.toNanos());
        statusCounts = counts;
        Gauge.builder("cairn.timers.pending", engine, DurableEngine::scheduledTimers)
                .description("Timers this node's scheduler holds and has not fired (due within its window)")
                .register(registry);
        for (ExecutionStatus status : ExecutionStatus.values()) {
            Gauge.builder("cairn.executions.stored", counts, c -> c.count(status))
                    .description("Executions in the store in each status, read at most once per interval")
                    .tag(TAG_STATUS, status.name())
                    .register(registry);
        }
        return this;
    }

    // ------------------------------------------------------------------ the listener

    @Override
    public void executionStarted(ExecutionEvent event) {
        meters(event.function()).started.increment();
    }

    @Override
    public void executionResumed(ExecutionEvent event) {
        meters(event.function()).resumed.increment();
    }

    @Override
    public void executionSuspended(ExecutionEvent event) {
        FunctionMeters meters = meters(event.function());
        meters.suspended.increment();
        meters.run(ExecutionStatus.SUSPENDED).record(event.runTime());
    }

    @Override
    public void executionEnded(ExecutionEvent event) {
        FunctionMeters meters = meters(event.function());
        meters.ended(event.status()).increment();
        meters.run(event.status()).record(event.runTime());
    }

    @Override
    public void operationStarted(OperationEvent event) {
        if (event.lateness() != null) {
            meters(event.function()).lateness(event.type()).record(event.lateness());
        }
    }

    @Override
    public void stepAttemptSucceeded(StepAttemptEvent event) {
        FunctionMeters meters = meters(event.function());
        meters.attemptsSucceeded.increment();
        meters.stepsSucceeded.record(event.elapsed());
    }

    @Override
    public void stepAttemptFailed(StepAttemptEvent event) {
        FunctionMeters meters = meters(event.function());
        if (event.nextAttemptAt() != null) {
            meters.attemptsRetried.increment();
            meters.stepsRetried.record(event.elapsed());
        } else {
            meters.attemptsFailed.increment();
            meters.stepsFailed.record(event.elapsed());
        }
    }

    @Override
    public void checkpointBatchCommitted(CommitEvent event) {
        (event.failed() ? commitsFailed : commitsSucceeded).record(event.latency());
        if (!event.failed()) {
            batchSize.record(event.checkpoints());
        }
    }

    @Override
    public void leaseTakenOver(String executionId) {
        leasesTakenOver.increment();
    }

    // ------------------------------------------------------------------ meters

    private Timer commitTimer(String outcome) {
        return Timer.builder("cairn.checkpoint.commit")
                .description("The store's latency for one group commit of checkpoints")
                .tag(TAG_OUTCOME, outcome).register(registry);
    }

    private FunctionMeters meters(String function) {
        FunctionMeters meters = byFunction.get(function);
        return meters != null ? meters : byFunction.computeIfAbsent(function, f -> new FunctionMeters(registry, f));
    }

    /** The meters of one function, registered once; those tagged with a status or a type as they are first needed. */
    private static final class FunctionMeters {
        private final MeterRegistry registry;
        private final String function;
        final Counter started;
        final Counter resumed;
        final Counter suspended;
        final Counter attemptsSucceeded;
        final Counter attemptsRetried;
        final Counter attemptsFailed;
        final Timer stepsSucceeded;
        final Timer stepsRetried;
        final Timer stepsFailed;
        private final Map<ExecutionStatus, Counter> ended = new ConcurrentHashMap<>();
        private final Map<ExecutionStatus, Timer> runs = new ConcurrentHashMap<>();
        private final Map<OperationType, Timer> lateness = new ConcurrentHashMap<>();

        FunctionMeters(MeterRegistry registry, String function) {
            this.registry = registry;
            this.function = function;
            this.started = counter("cairn.executions.started", "First runs of executions begun on this node");
            this.resumed = counter("cairn.executions.resumed", "Runs of executions that ran before");
            this.suspended = counter("cairn.executions.suspended", "Runs that paused their execution");
            this.attemptsSucceeded = attempts(OUTCOME_SUCCEEDED);
            this.attemptsRetried = attempts(OUTCOME_RETRIED);
            this.attemptsFailed = attempts(OUTCOME_FAILED);
            this.stepsSucceeded = stepDuration(OUTCOME_SUCCEEDED);
            this.stepsRetried = stepDuration(OUTCOME_RETRIED);
            this.stepsFailed = stepDuration(OUTCOME_FAILED);
        }

        private Counter counter(String name, String description) {
            return Counter.builder(name).description(description).tag(TAG_FUNCTION, function).register(registry);
        }

        private Counter attempts(String outcome) {
            return Counter.builder("cairn.step.attempts").description("Attempts of steps that ran their body")
                    .tag(TAG_FUNCTION, function).tag(TAG_OUTCOME, outcome).register(registry);
        }

        private Timer stepDuration(String outcome) {
            return Timer.builder("cairn.step.duration").description("The real time a step attempt's body ran")
                    .tag(TAG_FUNCTION, function).tag(TAG_OUTCOME, outcome).register(registry);
        }

        Counter ended(ExecutionStatus status) {
            return lookUp(ended, status, s -> Counter.builder("cairn.executions.ended")
                    .description("Executions that reached a terminal status on this node")
                    .tag(TAG_FUNCTION, function).tag(TAG_STATUS, s.name()).register(registry));
        }

        Timer run(ExecutionStatus status) {
            return lookUp(runs, status, s -> Timer.builder("cairn.execution.run")
                    .description("The real time of a run, from its claim to its pause or end")
                    .tag(TAG_FUNCTION, function).tag(TAG_STATUS, s.name()).register(registry));
        }

        Timer lateness(OperationType type) {
            return lookUp(lateness, type, t -> Timer.builder("cairn.timer.lateness")
                    .description("How long after its due time a run reached a wait or a retried step")
                    .tag(TAG_FUNCTION, function).tag(TAG_OPERATION, t.name()).register(registry));
        }

        private static <K, V> V lookUp(Map<K, V> map, K key, Function<K, V> create) {
            V value = map.get(key);
            return value != null ? value : map.computeIfAbsent(key, create);
        }
    }

    /** The engine's counts by status, read again once they are older than the interval (on the registry's clock). */
    private static final class StatusCounts {
        private final java.lang.ref.WeakReference<DurableEngine> engine;
        private final MeterRegistry registry;
        private final long intervalNanos;
        private Map<ExecutionStatus, Long> counts = Map.of();
        private long readAt;
        private boolean read;

        StatusCounts(DurableEngine engine, MeterRegistry registry, long intervalNanos) {
            this.engine = new java.lang.ref.WeakReference<>(engine);
            this.registry = registry;
            this.intervalNanos = intervalNanos;
        }

        /** The count of a status, NaN if it could never be read. */
        synchronized double count(ExecutionStatus status) {
            long now = registry.config().clock().monotonicTime();
            if (!read || now - readAt >= intervalNanos) {
                refresh(now);
            }
            Long count = counts.get(status);
            return count == null ? Double.NaN : count;
        }

        private void refresh(long now) {
            DurableEngine e = engine.get();
            if (e == null) {
                return;
            }
            // Whether it succeeds or not, the store is not asked again before the interval: a store that is down is
            // not queried at every scrape, and the last counts read are shown meanwhile.
            read = true;
            readAt = now;
            try {
                Map<ExecutionStatus, Long> fresh = new EnumMap<>(ExecutionStatus.class);
                fresh.putAll(e.countByStatus());
                counts = fresh;
            } catch (RuntimeException ex) {
                log.warn("cairn.executions.stored: the counts by status could not be read ({}); the last counts are"
                        + " shown until the next read in {} s", ex.toString(),
                        TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
            }
        }
    }
}
