package com.example.orders;

import java.util.concurrent.atomic.AtomicInteger;

/** A payment service that fails its first calls, and counts them. */
public class FakePayments {

    private final int failures;
    private final AtomicInteger calls = new AtomicInteger();

    public FakePayments(int failures) {
        this.failures = failures;
    }

    public String charge(String orderId, int amount) {
        int call = calls.incrementAndGet();
        if (call <= failures) {
            throw new IllegalStateException("payment service unavailable (call " + call + ")");
        }
        return "charged " + amount + " for " + orderId;
    }

    public int calls() {
        return calls.get();
    }
}
