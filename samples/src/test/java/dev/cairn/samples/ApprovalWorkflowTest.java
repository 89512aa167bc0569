package dev.cairn.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CompletionReason;
import dev.cairn.ExecutionStatus;
import dev.cairn.samples.ApprovalSample.ApprovalOutcome;
import dev.cairn.samples.ApprovalSample.ApprovalRequest;
import dev.cairn.samples.ApprovalSample.ApprovalWorkflow;
import dev.cairn.samples.ApprovalSample.SimulatedHumans;
import dev.cairn.samples.ApprovalSample.Vote;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The approval workflow under the test kit: the people answer through callbacks completed by name, and two days of
 * answer timeouts pass in virtual time. (The sample program itself, with simulated people answering on timers, is
 * run by {@link SamplesTest}.)
 */
class ApprovalWorkflowTest {

    private final SimulatedHumans nobody = new SimulatedHumans(new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8));

    @RegisterExtension
    CairnExtension cairn = CairnExtension.inMemory().register(new ApprovalWorkflow(nobody));

    private static final ApprovalRequest REQUEST = new ApprovalRequest("req-1", "a new laptop",
            List.of("alice", "bob", "carol"), "dana", Duration.ofDays(2));

    @AfterEach
    void closeHumans() {
        nobody.close();
    }

    @Test
    void twoApprovalsDecideWithoutWaitingForTheThird(TestEngine engine) {
        TestResult<ApprovalOutcome> r = engine.run(ApprovalWorkflow.class, REQUEST);
        assertEquals(ExecutionStatus.SUSPENDED, r.status());

        engine.completeCallback(r.executionId(), "ask alice", new Vote("alice", true, "fine"));
        engine.completeCallback(r.executionId(), "ask bob", new Vote("bob", true, "ok"));

        ApprovalOutcome outcome = engine.result(r).result();
        assertEquals("APPROVED", outcome.decision());
        assertEquals("approvers", outcome.decidedBy());
        assertFalse(outcome.escalated());
        assertEquals(CompletionReason.MIN_SUCCESSFUL_REACHED, outcome.firstRound());
        assertTrue(outcome.votes().get(2).startsWith("carol: no answer yet"), outcome.votes().toString());
    }

    @Test
    void withoutTwoApprovalsTheManagerDecides(TestEngine engine) {
        TestResult<ApprovalOutcome> r = engine.run(ApprovalWorkflow.class, REQUEST);
        engine.failCallback(r.executionId(), "ask alice", "Busy", "on holiday");

        engine.timeoutCallback(r.executionId(), "ask bob"); // two days pass: bob and carol never answer
        engine.completeCallback(r.executionId(), "manager decision", new Vote("dana", true, "go ahead"));

        ApprovalOutcome outcome = engine.result(r).result();
        assertEquals("APPROVED", outcome.decision());
        assertEquals("manager", outcome.decidedBy());
        assertTrue(outcome.escalated());
        assertTrue(outcome.votes().stream().anyMatch(v -> v.matches("(bob|carol): no answer within .*")),
                outcome.votes().toString());
    }

    @Test
    void aManagerWhoNeverAnswersRejectsAfterTheTimeouts(TestEngine engine) {
        TestResult<ApprovalOutcome> r = engine.runUntilComplete(ApprovalWorkflow.class, REQUEST);

        ApprovalOutcome outcome = r.result();
        assertEquals("REJECTED", outcome.decision());
        assertTrue(outcome.escalated());
        assertTrue(outcome.votes().get(outcome.votes().size() - 1).contains("no answer"), outcome.votes().toString());
        assertEquals(Duration.ofDays(4), Duration.between(r.description().createdAt(), engine.clock().now()),
                "two rounds of two-day timeouts");
        // An answer that comes after the timeout is refused.
        String late = engine.callbackId(r.executionId(), "ask carol");
        assertThrows(CallbackAlreadyCompletedException.class,
                () -> engine.engine().completeCallback(late, new Vote("carol", true, "sorry, late")));
    }
}
