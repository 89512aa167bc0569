package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.orders.OrderWorkflow.Order;
import com.example.orders.OrderWorkflow.Receipt;
import dev.cairn.ExecutionStatus;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test of the README's "Testing your workflows", as it is printed there. */
class OrderWorkflowTest {
    FakePayments payments = new FakePayments(2);                   // fails its first two calls

    @RegisterExtension
    CairnExtension cairn = CairnExtension.inMemory().register(new OrderWorkflow(payments));

    @Test
    void anApprovedOrderIsChargedAfterTwoFailedAttempts(TestEngine engine) {
        TestResult<Receipt> r = engine.run(OrderWorkflow.class, new Order("o-1", 42));
        assertEquals(ExecutionStatus.SUSPENDED, r.status());       // in its 24-hour wait

        engine.advance(Duration.ofHours(24));                       // now waiting for the approval
        engine.completeCallback(r.executionId(), "approval", "approved by Ada");
        TestResult<Receipt> done = engine.runUntilComplete(r);      // skips the two 10-minute backoffs

        assertEquals(new Receipt("reserved o-1", "approved by Ada", "charged 42 for o-1"), done.result());
        assertEquals(3, done.operation("charge").attempts());
    }

    @Test
    void anOrderNobodyApprovesIsNotCharged(TestEngine engine) {
        Receipt receipt = engine.runUntilComplete(OrderWorkflow.class, new Order("o-2", 7)).result();  // 2 days pass

        assertEquals("no answer", receipt.approval());
        assertEquals(0, payments.calls());
    }
}
