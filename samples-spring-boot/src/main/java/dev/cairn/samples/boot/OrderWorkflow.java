package dev.cairn.samples.boot;

import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.config.CallbackConfig;
import dev.cairn.samples.boot.Orders.Decision;
import dev.cairn.samples.boot.Orders.Order;
import dev.cairn.samples.boot.Orders.Outcome;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The order workflow, a bean the starter registers: reserve the stock, ask a manager for approval and wait for the
 * answer (a callback, completed by {@code POST /approvals/{callbackId}}; no thread is held meanwhile), then charge
 * the customer, or release the stock when the manager rejects the order or does not answer in time.
 */
@Component
@DurableWorkflow(name = "order-approval")
public class OrderWorkflow implements DurableFunction<Order, Outcome> {

    private static final Logger log = LoggerFactory.getLogger(OrderWorkflow.class);

    private final Duration approvalTimeout;

    /**
     * The workflow.
     *
     * @param approvalTimeout how long a manager has to answer ({@code orders.approval-timeout}, 1 day by default)
     */
    public OrderWorkflow(@Value("${orders.approval-timeout:P1D}") Duration approvalTimeout) {
        this.approvalTimeout = approvalTimeout;
    }

    /** {@inheritDoc} */
    @Override
    public Outcome handle(Order order, DurableContext ctx) {
        String reservation = ctx.step("reserve stock", String.class,
                step -> "reserved " + order.quantity() + " x " + order.item());
        Decision decision;
        try {
            decision = ctx.waitForCallback("manager approval", Decision.class, (callbackId, step) ->
                    // In a real application: an e-mail or a chat message with a link that posts the answer.
                    log.info("order {} of {} waits for approval: POST /approvals/{}", ctx.executionId(),
                            order.customer(), callbackId),
                    CallbackConfig.builder().timeout(approvalTimeout).build());
        } catch (CallbackTimeoutException e) {
            decision = new Decision(false, "nobody", "no answer within " + approvalTimeout);
        }
        if (!decision.approve()) {
            String released = ctx.step("release stock", String.class, step -> "released: " + reservation);
            return new Outcome("REJECTED", decision.approver(), decision.comment(), released, null);
        }
        String payment = ctx.step("charge", String.class, step -> "payment for " + order.customer() + ", "
                + order.quantity() + " x " + order.item());
        return new Outcome("APPROVED", decision.approver(), decision.comment(), reservation, payment);
    }
}
