package dev.cairn.jackson3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.HistoryEvent;
import dev.cairn.HistoryOptions;
import dev.cairn.TypeRef;
import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class Jackson3EngineTest {

    record Request(String customer, List<String> items) {
    }

    record Quote(String item, int cents, Instant at) {
    }

    record Reply(String customer, List<Quote> quotes, int total) {
    }

    @Test
    void anExecutionRunsEndToEndAndReplaysItsStepsThroughJackson3() {
        VirtualClock clock = new VirtualClock();
        AtomicInteger pricings = new AtomicInteger();
        try (DurableEngine engine = DurableEngine.builder()
                .store(new InMemoryExecutionStore())
                .clock(clock)
                .tick(Duration.ofMillis(10))
                .serializer(Jackson3Serializer.create())
                .register("quote", Request.class, Reply.class, (in, ctx) -> {
                    Instant at = ctx.now();
                    List<Quote> quotes = ctx.step("price", new TypeRef<List<Quote>>() {
                    }, s -> {
                        pricings.incrementAndGet();
                        return in.items().stream().map(i -> new Quote(i, i.length() * 100, at)).toList();
                    });
                    ctx.wait("cool-off", Duration.ofHours(1));
                    return new Reply(in.customer(), quotes, quotes.stream().mapToInt(Quote::cents).sum());
                })
                .build()) {
            engine.start();
            Instant t0 = clock.now();
            ExecutionHandle<Reply> h = engine.startExecution("quote", new Request("ada", List.of("ab", "cde")),
                    Reply.class, dev.cairn.StartOptions.defaults());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.status() == ExecutionStatus.SUSPENDED);
            clock.advance(Duration.ofHours(1));

            Reply reply = h.result(Duration.ofSeconds(30));
            assertEquals(new Reply("ada", List.of(new Quote("ab", 200, t0), new Quote("cde", 300, t0)), 500), reply);
            assertEquals(1, pricings.get(), "the step was replayed from its checkpoint after the wait");
            String checkpointed = engine.history(h.executionId(), HistoryOptions.withData()).stream()
                    .map(HistoryEvent::payload).filter(p -> p != null && p.startsWith("[") && p.contains("cde")).findFirst().orElseThrow();
            assertTrue(checkpointed.contains("\"" + t0 + "\""), "the step result, written by Jackson 3 with an ISO-8601 instant: " + checkpointed);
        }
    }
}
