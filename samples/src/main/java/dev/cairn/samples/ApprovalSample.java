package dev.cairn.samples;

import dev.cairn.BatchItem;
import dev.cairn.BatchResult;
import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.CompletionReason;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ParallelBranch;
import dev.cairn.StartOptions;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.CompletionConfig;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code approval}: two of three approvers must say yes, or the request is escalated to a manager.
 *
 * <p>The durable function asks three approvers at once with {@link DurableContext#parallel}: one branch each,
 * completing as soon as 2 approvals arrive ({@code CompletionConfig.minSuccessful(2)}) or as soon as 2 approvals
 * can no longer arrive (more than 1 branch failed). Each branch waits for its approver's answer through
 * {@link DurableContext#waitForCallback} with a timeout: an approver who does not answer in time counts as "no
 * answer", one who says no as a rejection. If fewer than 2 approved, the workflow escalates: a step "escalate to
 * manager", then a second round in which the manager decides alone, with the same timeout; no answer from the
 * manager rejects the request. The whole execution is also bounded by an execution timeout.
 *
 * <p>The approvers are simulated humans ({@link SimulatedHumans}) on threads of their own, answering through
 * {@link DurableEngine#completeCallback} after a random delay, very late (after their callback timed out or the
 * approval was decided: the engine refuses the answer) or never. The sample runs three requests at once:
 * <ul>
 *   <li>{@code req-1}: alice and bob approve, carol answers very late: APPROVED with 2 of 3;</li>
 *   <li>{@code req-2}: alice approves, bob and carol never answer: escalated, the manager approves;</li>
 *   <li>{@code req-3}: alice rejects, bob never answers, carol too late: escalated, the manager never answers:
 *       REJECTED.</li>
 * </ul>
 * It prints each execution's result and the operations of {@code req-2}. It takes about 9 s (the timeouts are
 * real: 4 s per round). Exits 0 if each request ended as described.
 */
public final class ApprovalSample {

    /** Approvals needed out of the approvers. */
    static final int REQUIRED = 2;

    /**
     * The workflow's input.
     *
     * @param id            the request's id
     * @param subject       what is to be approved
     * @param approvers     who is asked in the first round
     * @param manager       who decides alone if fewer than {@value #REQUIRED} approve
     * @param answerTimeout how long each approver, and then the manager, has to answer
     */
    public record ApprovalRequest(String id, String subject, List<String> approvers, String manager,
                                  Duration answerTimeout) {
    }

    /** An answer, sent through the callback. */
    public record Vote(String voter, boolean approve, String comment) {
    }

    /**
     * The workflow's result.
     *
     * @param requestId   the request
     * @param decision    {@code APPROVED} or {@code REJECTED}
     * @param decidedBy   {@code approvers} or {@code manager}
     * @param escalated   whether it went to the manager
     * @param firstRound  why the approvers' round completed
     * @param votes       what each approver (and the manager) did, one line each
     */
    public record ApprovalOutcome(String requestId, String decision, String decidedBy, boolean escalated,
                                  CompletionReason firstRound, List<String> votes) {
    }

    /** A branch's failure: the approver said no. */
    public static final class RejectedException extends Exception {
        public RejectedException(String message) {
            super(message);
        }
    }

    /** A branch's failure: the approver did not answer in time. */
    public static final class NoAnswerException extends Exception {
        public NoAnswerException(String message) {
            super(message);
        }
    }

    /** The durable function. */
    @DurableWorkflow(name = "approval")
    public static final class ApprovalWorkflow implements DurableFunction<ApprovalRequest, ApprovalOutcome> {
        private final SimulatedHumans humans;

        public ApprovalWorkflow(SimulatedHumans humans) {
            this.humans = humans;
        }

        @Override
        public ApprovalOutcome handle(ApprovalRequest request, DurableContext ctx) {
            CallbackConfig answerWithin = CallbackConfig.builder().timeout(request.answerTimeout()).build();
            String within = OperationsTable.format(request.answerTimeout());

            // Round 1: every approver at once; done at 2 approvals, or once 2 approvals are out of reach.
            List<ParallelBranch<String>> branches = new ArrayList<>();
            for (String approver : request.approvers()) {
                branches.add(ParallelBranch.of(approver, branch -> {
                    Vote vote;
                    try {
                        vote = branch.waitForCallback("ask " + approver, Vote.class,
                                (callbackId, step) -> humans.ask(approver, request, callbackId), answerWithin);
                    } catch (CallbackTimeoutException e) {
                        throw new NoAnswerException("no answer within " + within);
                    }
                    if (!vote.approve()) {
                        throw new RejectedException("rejected: " + vote.comment());
                    }
                    return "approved: " + vote.comment();
                }));
            }
            CompletionConfig twoOfThree = CompletionConfig.minSuccessful(REQUIRED)
                    .withToleratedFailureCount(request.approvers().size() - REQUIRED);
            BatchResult<String> round = ctx.parallel("approvers", String.class, branches,
                    BatchConfig.builder().completion(twoOfThree).build());

            List<String> votes = new ArrayList<>();
            for (BatchItem<String> item : round.items()) {
                votes.add(item.name() + ": " + switch (item.status()) {
                    case SUCCEEDED -> item.result();
                    case FAILED -> item.error().message();
                    case STARTED -> "no answer yet when the round was decided";
                    case SKIPPED -> "not asked";
                });
            }
            if (round.successCount() >= REQUIRED) {
                return new ApprovalOutcome(request.id(), "APPROVED", "approvers", false, round.completionReason(),
                        votes);
            }

            // Round 2: escalate; the manager decides alone.
            String approvals = round.successCount() + " of " + request.approvers().size() + " approved";
            ctx.step("escalate to manager", String.class, step -> {
                humans.escalate(request, approvals);
                return "escalated to " + request.manager() + " (" + approvals + ")";
            });
            try {
                Vote vote = ctx.waitForCallback("manager decision", Vote.class,
                        (callbackId, step) -> humans.ask(request.manager(), request, callbackId), answerWithin);
                votes.add(request.manager() + " (manager): " + (vote.approve() ? "approved: " : "rejected: ")
                        + vote.comment());
                return new ApprovalOutcome(request.id(), vote.approve() ? "APPROVED" : "REJECTED", "manager", true,
                        round.completionReason(), votes);
            } catch (CallbackTimeoutException e) {
                votes.add(request.manager() + " (manager): no answer within " + within + ", so rejected");
                return new ApprovalOutcome(request.id(), "REJECTED", "manager", true, round.completionReason(),
                        votes);
            }
        }
    }

    /** How a simulated person answers one request. */
    public record Behaviour(boolean approve, Duration min, Duration max, String comment) {

        /** Never answers. */
        static Behaviour never() {
            return new Behaviour(false, null, null, null);
        }

        static Behaviour approve(Duration min, Duration max, String comment) {
            return new Behaviour(true, min, max, comment);
        }

        static Behaviour reject(Duration min, Duration max, String comment) {
            return new Behaviour(false, min, max, comment);
        }

        boolean answers() {
            return min != null;
        }
    }

    /**
     * The people: each gets an approval request with a callback id, and answers through
     * {@link DurableEngine#completeCallback} after a random delay per its {@link Behaviour} for that request, on a
     * thread of its own; or never. An answer the engine refuses (the callback timed out, or the execution ended)
     * is logged as too late.
     */
    public static final class SimulatedHumans implements AutoCloseable {
        private final Map<String, Behaviour> script = new ConcurrentHashMap<>();
        private final Map<String, String> lateAnswers = new ConcurrentHashMap<>();
        private final PrintStream log;
        private final long t0 = System.nanoTime();
        private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "simulated-human");
            t.setDaemon(true);
            return t;
        });
        private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
        private volatile DurableEngine engine;

        public SimulatedHumans(PrintStream log) {
            this.log = log;
        }

        /** How {@code person} answers request {@code requestId}. */
        public SimulatedHumans script(String requestId, String person, Behaviour behaviour) {
            script.put(requestId + "/" + person, behaviour);
            return this;
        }

        public void connect(DurableEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** Answers the engine refused, by {@code requestId/person}: the engine's message. */
        public Map<String, String> lateAnswers() {
            return Map.copyOf(lateAnswers);
        }

        /** Hands the request to {@code person}, who answers later, or never. Returns at once. */
        public void ask(String person, ApprovalRequest request, String callbackId) {
            Behaviour b = script.getOrDefault(request.id() + "/" + person, Behaviour.never());
            log.printf("%s [%s] %s asked to approve \"%s\" (callback %s)%n", elapsed(), request.id(), person,
                    request.subject(), FakeModel.shortId(callbackId));
            if (!b.answers()) {
                return;
            }
            long delay = ThreadLocalRandom.current().nextLong(b.min().toMillis(), b.max().toMillis() + 1);
            pending.incrementAndGet();
            executor.schedule(() -> {
                try {
                    answer(person, request, callbackId, b, delay);
                } finally {
                    pending.decrementAndGet();
                }
            }, delay, TimeUnit.MILLISECONDS);
        }

        /** Waits, at most {@code max}, until everyone who will answer has answered. */
        public void awaitAnswers(Duration max) {
            long deadline = System.nanoTime() + max.toNanos();
            while (pending.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** The escalation's side effect: here, a line in the log. */
        public void escalate(ApprovalRequest request, String approvals) {
            log.printf("%s [%s] ESCALATED to %s: %s%n", elapsed(), request.id(), request.manager(), approvals);
        }

        private void answer(String person, ApprovalRequest request, String callbackId, Behaviour b, long delay) {
            String what = b.approve() ? "approves" : "rejects";
            try {
                engine.completeCallback(callbackId, new Vote(person, b.approve(), b.comment()));
                log.printf("%s [%s] %s %s after %s: \"%s\"%n", elapsed(), request.id(), person, what,
                        OperationsTable.format(Duration.ofMillis(delay)), b.comment());
            } catch (CallbackAlreadyCompletedException e) {
                lateAnswers.put(request.id() + "/" + person, e.getMessage());
                log.printf("%s [%s] %s %s after %s: too late, the engine refused the answer (%s)%n",
                        elapsed(), request.id(), person, what, OperationsTable.format(Duration.ofMillis(delay)),
                        e.status() == dev.cairn.CallbackStatus.PENDING ? "the execution had already ended"
                                : "the callback had " + e.status());
            } catch (RuntimeException e) {
                log.printf("%s [%s] %s could not answer: %s%n", elapsed(), request.id(), person, e);
            }
        }

        private String elapsed() {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return String.format("%6.2f s", ms / 1000.0);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    /** One request of the sample, with what the people do and the outcome expected. */
    record Scenario(ApprovalRequest request, Map<String, Behaviour> people, String decision, boolean escalated,
                    CompletionReason firstRound) {
    }

    /** The three requests, with every delay a multiple of {@code unit} (1 s in the sample); answers due in 4. */
    static List<Scenario> scenarios(Duration unit) {
        Duration timeout = unit.multipliedBy(4);
        List<String> approvers = List.of("alice", "bob", "carol");
        Duration half = unit.dividedBy(2);
        Duration oneAndHalf = unit.multipliedBy(3).dividedBy(2);
        Duration veryLate = unit.multipliedBy(6);
        List<Scenario> list = new ArrayList<>();

        Map<String, Behaviour> p1 = new LinkedHashMap<>();
        p1.put("alice", Behaviour.approve(half, oneAndHalf, "looks good"));
        p1.put("bob", Behaviour.approve(unit, unit.multipliedBy(2), "fine by me"));
        p1.put("carol", Behaviour.approve(veryLate, veryLate.plus(unit), "sorry, was on holiday"));
        list.add(new Scenario(new ApprovalRequest("req-1", "deploy v2.3 to production", approvers, "dave", timeout),
                p1, "APPROVED", false, CompletionReason.MIN_SUCCESSFUL_REACHED));

        Map<String, Behaviour> p2 = new LinkedHashMap<>();
        p2.put("alice", Behaviour.approve(half, oneAndHalf, "ok"));
        p2.put("bob", Behaviour.never());
        p2.put("carol", Behaviour.never());
        p2.put("dave", Behaviour.approve(half, oneAndHalf, "approved, the budget allows it"));
        list.add(new Scenario(new ApprovalRequest("req-2", "raise the cloud budget by 10%", approvers, "dave",
                timeout), p2, "APPROVED", true, CompletionReason.FAILURE_TOLERANCE_EXCEEDED));

        Map<String, Behaviour> p3 = new LinkedHashMap<>();
        p3.put("alice", Behaviour.reject(half, oneAndHalf, "not before the audit"));
        p3.put("bob", Behaviour.never());
        p3.put("carol", Behaviour.approve(veryLate, veryLate.plus(unit), "go ahead"));
        p3.put("dave", Behaviour.never());
        list.add(new Scenario(new ApprovalRequest("req-3", "delete the 2019 archive", approvers, "dave", timeout),
                p3, "REJECTED", true, CompletionReason.FAILURE_TOLERANCE_EXCEEDED));
        return list;
    }

    private ApprovalSample() {
    }

    static int run(String[] args) {
        Path data = SampleArgs.parse(args).freshDataDir("approval");
        System.out.println("H2 database (fresh): " + data);
        List<Scenario> scenarios = scenarios(Duration.ofSeconds(1));
        System.out.printf("Three approval requests at once: %d of %s must approve within %s, else the manager"
                + " decides (same timeout)%n%n", REQUIRED, scenarios.get(0).request().approvers(),
                OperationsTable.format(scenarios.get(0).request().answerTimeout()));
        try (SimulatedHumans humans = new SimulatedHumans(System.out)) {
            int[] exit = {0};
            runScenarios(data, humans, scenarios, System.out, (engine, ids, outcomes) -> {
                System.out.println();
                for (int i = 0; i < scenarios.size(); i++) {
                    Scenario s = scenarios.get(i);
                    Object o = outcomes.get(i);
                    System.out.printf("Execution %s (%s, \"%s\"):%n", ids.get(i), s.request().id(),
                            s.request().subject());
                    if (o instanceof ApprovalOutcome outcome) {
                        System.out.printf("  %s by %s%s; first round: %s%n", outcome.decision(), outcome.decidedBy(),
                                outcome.escalated() ? " after escalation" : "", outcome.firstRound());
                        outcome.votes().forEach(v -> System.out.println("    " + v));
                    } else {
                        System.out.println("  " + o);
                    }
                    String problem = problem(s, o);
                    System.out.println(problem == null ? "  as expected" : "  UNEXPECTED: " + problem);
                    if (problem != null) {
                        exit[0] = 1;
                    }
                }
                System.out.println();
                OperationsTable.print(engine.describe(ids.get(1)), System.out);
            });
            if (!humans.lateAnswers().isEmpty()) {
                System.out.println();
                System.out.println("Answers the engine refused as too late:");
                humans.lateAnswers().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> System.out.println("  " + e.getKey() + ": " + e.getValue()));
            }
            return exit[0];
        }
    }

    /** What to do with the results while the engine is still open. */
    interface Report {
        void accept(DurableEngine engine, List<String> executionIds, List<Object> outcomes);
    }

    /**
     * Starts one execution per scenario, all at once, on an H2 store in {@code data}; waits for them; hands their
     * outcomes ({@link ApprovalOutcome}, or the {@link ExecutionFailedException} message) to {@code report}, and
     * returns them. Waits until every answer still due has been given, so that late answers are seen.
     */
    static List<Object> runScenarios(Path data, SimulatedHumans humans, List<Scenario> scenarios, PrintStream out,
            Report report) {
        for (Scenario s : scenarios) {
            s.people().forEach((person, b) -> humans.script(s.request().id(), person, b));
        }
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(data);
             DurableEngine engine = DurableEngine.builder().store(store).register(new ApprovalWorkflow(humans))
                     .build()) {
            humans.connect(engine);
            engine.start();
            List<ExecutionHandle<ApprovalOutcome>> handles = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (Scenario s : scenarios) {
                // Named: starting the same request again returns the same execution. Bounded as a whole by an
                // execution timeout, well above the two rounds' answer timeouts.
                StartOptions options = StartOptions.named("approval-" + s.request().id())
                        .withTimeout(s.request().answerTimeout().multipliedBy(4));
                ExecutionHandle<ApprovalOutcome> h = engine.startExecution(ApprovalWorkflow.class, s.request(),
                        options);
                out.printf("Started execution %s for %s%n", h.executionId(), s.request().id());
                handles.add(h);
                ids.add(h.executionId());
            }
            List<Object> outcomes = new ArrayList<>();
            for (ExecutionHandle<ApprovalOutcome> h : handles) {
                try {
                    outcomes.add(h.result(Duration.ofMinutes(1)));
                } catch (ExecutionFailedException e) {
                    outcomes.add(e.getMessage());
                }
            }
            // Let the very late answers arrive while the engine runs, to show that it refuses them.
            humans.awaitAnswers(Duration.ofMinutes(1));
            if (report != null) {
                report.accept(engine, ids, outcomes);
            }
            return outcomes;
        }
    }

    /** What is wrong with an outcome, or {@code null}. */
    static String problem(Scenario s, Object o) {
        if (!(o instanceof ApprovalOutcome outcome)) {
            return "the execution did not succeed: " + o;
        }
        if (!outcome.decision().equals(s.decision()) || outcome.escalated() != s.escalated()
                || outcome.firstRound() != s.firstRound()) {
            return "expected " + s.decision() + (s.escalated() ? " after escalation" : "") + ", first round "
                    + s.firstRound();
        }
        return null;
    }
}
