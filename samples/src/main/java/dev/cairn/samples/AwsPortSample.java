package dev.cairn.samples;

import dev.cairn.BatchResult;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.SerializationException;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.CompletionConfig;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A workflow written the way the AWS Lambda durable SDK for Java writes one, running on Cairn: the code of
 * {@link QuoteWorkflow#handle} is what an AWS handler's {@code handleRequest} holds, with Cairn's imports. It asks
 * providers for quotes in a {@code map} that stops on a completion predicate once two have answered, keeps the best
 * quote in a step checkpointed with a serializer of its own (a compact text format instead of JSON), and waits for a
 * person to accept it through a callback with a timeout.
 *
 * <p>What a port changes: the imports ({@code software.amazon.lambda.durable.*} becomes {@code dev.cairn.*}), the
 * handler ({@code extends DurableHandler<I, O>} with {@code handleRequest} becomes {@code implements
 * DurableFunction<I, O>} with {@code handle}, registered with an engine), the completion predicate (a yes/no on the
 * counts, rather than a decision object) and {@code RetryStrategies.Presets.NO_RETRY} ({@code RetryStrategies.none()}).
 * The rest, {@code step} with a step context, {@code map} with {@code (item, index, ctx)}, {@code createCallback},
 * {@code callbackId()}, {@code get()}, {@code getLogger()}, {@code succeeded()}, is the same.
 */
public final class AwsPortSample {

    /** The request: which providers to ask, and how many answers are enough. */
    public record QuoteRequest(String item, List<String> providers, int enough, Duration acceptWithin) {
    }

    /** A provider's quote. */
    public record Quote(String provider, long cents) {
    }

    /** The outcome: the quote kept, whether it was accepted, and what the map saw. */
    public record Outcome(Quote best, String decision, String completionReason, int answered, int skipped) {
    }

    /**
     * Checkpoints a {@link Quote} as {@code provider=cents} instead of JSON: a serializer of one operation's own,
     * like a {@code SerDes} given to one operation in the AWS SDK.
     */
    public static final class QuoteFormat implements Serializer {
        @Override
        public String serialize(Object value) {
            Quote q = (Quote) value;
            return q.provider() + "=" + q.cents();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T deserialize(String data, Type type) {
            int eq = data.lastIndexOf('=');
            if (eq < 1) {
                throw new SerializationException("not a quote in provider=cents form: " + data);
            }
            return (T) new Quote(data.substring(0, eq), Long.parseLong(data.substring(eq + 1)));
        }
    }

    /** Asks the providers the engine's test or program gives it; a provider whose name starts "down-" fails. */
    @DurableWorkflow(name = "aws-port-quotes")
    public static final class QuoteWorkflow implements DurableFunction<QuoteRequest, Outcome> {

        /** Where the callback id goes: a person's inbox in production, the program or the test here. */
        private final java.util.function.BiConsumer<String, Quote> inbox;

        public QuoteWorkflow(java.util.function.BiConsumer<String, Quote> inbox) {
            this.inbox = inbox;
        }

        @Override
        public Outcome handle(QuoteRequest input, DurableContext context) {
            var config = BatchConfig.builder()
                    .maxConcurrency(1)
                    .completion(CompletionConfig.shouldComplete(counts -> counts.succeeded() >= input.enough()))
                    .build();
            BatchResult<Quote> quotes = context.map("ask-providers", input.providers(), Quote.class,
                    (provider, index, ctx) -> ctx.step("quote-" + index, Quote.class, stepCtx -> {
                        if (provider.startsWith("down-")) {
                            throw new IllegalStateException("provider unavailable: " + provider);
                        }
                        return new Quote(provider, 1000L + 37L * input.item().length() * (index + 1));
                    }, StepConfig.builder().retryStrategy(RetryStrategies.none()).build()),
                    config);

            Quote best = context.step("keep-best", Quote.class, stepCtx -> quotes.succeeded().stream()
                            .min(Comparator.comparingLong(Quote::cents)).orElseThrow(),
                    StepConfig.builder().serializer(new QuoteFormat()).build());

            DurableCallback<String> approval = context.createCallback("accept", String.class,
                    CallbackConfig.builder().timeout(input.acceptWithin()).build());
            context.step("send-to-buyer", String.class, stepCtx -> {
                inbox.accept(approval.callbackId(), best);
                return "sent";
            });
            context.getLogger().info("waiting for the buyer to accept {} from {}", best.cents(), best.provider());
            String decision;
            try {
                decision = approval.get();
            } catch (CallbackTimeoutException e) {
                decision = "no answer";
            }
            int skipped = (int) quotes.items().stream()
                    .filter(i -> i.status() == dev.cairn.BatchItemStatus.SKIPPED).count();
            return new Outcome(best, decision, quotes.completionReason().name(), quotes.successCount()
                    + quotes.failureCount(), skipped);
        }
    }

    private AwsPortSample() {
    }

    static int run(String[] args) {
        Path data = SampleArgs.parse(args).freshDataDir("aws-port");
        System.out.println("H2 database (fresh): " + data);
        java.util.concurrent.ConcurrentHashMap<String, Quote> inbox = new java.util.concurrent.ConcurrentHashMap<>();
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(data);
             DurableEngine engine = DurableEngine.builder().store(store)
                     .register(new QuoteWorkflow(inbox::put)).build()) {
            engine.start();
            QuoteRequest request = new QuoteRequest("a standing desk", List.of("down-acme", "globex", "initech",
                    "umbrella"), 2, Duration.ofMinutes(5));
            ExecutionHandle<Outcome> h = engine.startExecution(QuoteWorkflow.class, request);
            System.out.println("Started execution " + h.executionId() + " for " + request.item());
            Instant deadline = Instant.now().plusSeconds(30);
            while (inbox.isEmpty() || engine.describe(h.executionId()).status() != ExecutionStatus.SUSPENDED) {
                if (Instant.now().isAfter(deadline)) {
                    System.err.println("the execution did not reach its callback: " + engine.describe(h.executionId()));
                    return 1;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 1;
                }
            }
            var sent = inbox.entrySet().iterator().next();
            System.out.printf("The buyer got quote %s and callback id %s; accepting it%n", sent.getValue(),
                    sent.getKey());
            engine.completeCallback(sent.getKey(), "accepted");
            Outcome outcome = h.result(Duration.ofSeconds(30));
            System.out.println("Outcome: " + outcome);
            OperationDescription kept = engine.describe(h.executionId()).operations().stream()
                    .filter(o -> "keep-best".equals(o.name())).findFirst().orElseThrow();
            System.out.println("The step 'keep-best' is checkpointed in its own format: " + kept.result());
            return 0;
        }
    }
}
