package dev.cairn.internal.replay;

import dev.cairn.AttemptFunction;
import dev.cairn.ChildContextFailedException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.TypeRef;
import dev.cairn.config.RetryDecision;
import dev.cairn.config.RetryStrategy;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.List;

/**
 * {@code ctx.withRetry}: a block retried whole by a retry strategy, each attempt a child context of its own
 * ({@code attempt n}, whose body is told {@code n}) and each pause between attempts a durable wait
 * ({@code backoff n}). A failed one is not
 * replayed from its record: its attempts replay from theirs and fail it again.
 */
final class WithRetryOperation<T> extends DurableOperation<T> {

    static final String SUB_TYPE = "WithRetry";

    private final String name;
    private final TypeRef<T> resultType;
    private final RetryStrategy strategy;
    private final AttemptFunction<T> body;

    WithRetryOperation(ReplayContext ctx, String name, TypeRef<T> resultType, RetryStrategy strategy,
            AttemptFunction<T> body) {
        super(ctx, OperationType.CONTEXT, SUB_TYPE, name, "withRetry '" + name + "'");
        this.name = name;
        this.resultType = resultType;
        this.strategy = strategy;
        this.body = body;
    }

    @Override
    boolean isFinal() {
        return recorded != null && recorded.status() == OperationStatus.SUCCEEDED;
    }

    @Override
    T replay() {
        run.visitSubtree(id);
        return run.read(recorded.result(), resultType.type(), "result of withRetry '" + name + "'");
    }

    @Override
    T start(Scope s) {
        OperationRecord started = ctx.startContext(id, recorded, s, SUB_TYPE, name);
        ReplayContext child = new ReplayContext(run, s, id);
        for (int attempt = 1; ; attempt++) {
            try {
                int n = attempt;
                T value = child.runInChildContext("attempt " + attempt, resultType, c -> body.apply(n, c));
                ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.SUCCEEDED, run.payload(value,
                        resultType.type(), "the result of withRetry '" + name + "'"), null, run.clockNow())), List.of(),
                        false);
                return value;
            } catch (ChildContextFailedException e) {
                RetryDecision decision;
                try {
                    decision = strategy.decide(e, attempt);
                } catch (RuntimeException strategyError) {
                    decision = RetryDecision.stop();
                }
                if (!decision.retry()) {
                    String message = "withRetry '" + name + "' (operation " + id + " of execution " + run.executionId()
                            + ") gave up after " + attempt + " attempt(s): " + e.error().summary();
                    ctx.write(s, List.of(OperationRecords.withOutcome(started, OperationStatus.FAILED, null,
                            e.error(), run.clockNow())), List.of(), false);
                    throw new ChildContextFailedException(message, id, e.error());
                }
                Duration delay = decision.delay().isZero() ? Duration.ofMillis(1) : decision.delay();
                child.wait("backoff " + attempt, delay);
            }
        }
    }
}
