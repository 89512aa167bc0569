package com.example.orders;

import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Later versions of {@link OrderWorkflow}, as a team would deploy them. */
final class OrderWorkflowVersions {

    private OrderWorkflowVersions() {
    }

    /** Renames the first step: executions already past it no longer fit. */
    @DurableWorkflow(name = "order")
    static class RenamedReserve implements DurableFunction<OrderWorkflow.Order, OrderWorkflow.Receipt> {
        @Override
        public OrderWorkflow.Receipt handle(OrderWorkflow.Order order, DurableContext ctx) {
            String reservation = ctx.step("hold stock", String.class, step -> "held " + order.id());
            ctx.wait("cooling-off", Duration.ofHours(24));
            String answer = ctx.createCallback("approval", String.class).result();
            return new OrderWorkflow.Receipt(reservation, answer, "not charged");
        }
    }

    /** Sends a notification after the receipt: new work after everything recorded, which a replay must not do. */
    @DurableWorkflow(name = "order")
    static class NotifiesAtTheEnd implements DurableFunction<OrderWorkflow.Order, OrderWorkflow.Receipt> {
        final AtomicInteger notifications = new AtomicInteger();
        private final OrderWorkflow v1;

        NotifiesAtTheEnd(FakePayments payments) {
            this.v1 = new OrderWorkflow(payments);
        }

        @Override
        public OrderWorkflow.Receipt handle(OrderWorkflow.Order order, DurableContext ctx) {
            OrderWorkflow.Receipt receipt = v1.handle(order, ctx);
            ctx.step("notify", Integer.class, step -> notifications.incrementAndGet());
            return receipt;
        }
    }
}
