package com.example.orders;

import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import java.time.Duration;

/**
 * The workflow of the README's "Testing your workflows": reserve stock, wait 24 hours, ask for an approval that
 * times out after two days, charge with retries.
 */
@DurableWorkflow(name = "order")
public class OrderWorkflow implements DurableFunction<OrderWorkflow.Order, OrderWorkflow.Receipt> {

    public record Order(String id, int amount) {
    }

    public record Receipt(String reservation, String approval, String payment) {
    }

    private final FakePayments payments;

    public OrderWorkflow(FakePayments payments) {
        this.payments = payments;
    }

    @Override
    public Receipt handle(Order order, DurableContext ctx) {
        String reservation = ctx.step("reserve", String.class, step -> "reserved " + order.id());
        ctx.wait("cooling-off", Duration.ofHours(24));
        DurableCallback<String> approval = ctx.createCallback("approval", String.class,
                CallbackConfig.builder().timeout(Duration.ofDays(2)).build());
        String answer;
        try {
            answer = approval.result();
        } catch (CallbackTimeoutException e) {
            return new Receipt(reservation, "no answer", "not charged");
        }
        String payment = ctx.step("charge", String.class, step -> payments.charge(order.id(), order.amount()),
                StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(5, Duration.ofMinutes(10))).build());
        return new Receipt(reservation, answer, payment);
    }
}
