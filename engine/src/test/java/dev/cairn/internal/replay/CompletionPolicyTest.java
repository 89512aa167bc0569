package dev.cairn.internal.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.CompletionReason;
import dev.cairn.config.CompletionConfig;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CompletionPolicy} as a decision table: for each completion config, and counts of succeeded and failed
 * items out of a batch of {@code n}, whether the batch is complete and why ({@code null}: not complete).
 */
class CompletionPolicyTest {

    private static final CompletionReason NOT_YET = null;
    private static final CompletionReason ALL = CompletionReason.ALL_COMPLETED;
    private static final CompletionReason MIN = CompletionReason.MIN_SUCCESSFUL_REACHED;
    private static final CompletionReason TOLERANCE = CompletionReason.FAILURE_TOLERANCE_EXCEEDED;
    private static final CompletionReason PREDICATE = CompletionReason.COMPLETION_PREDICATE_MET;
    private static final CompletionConfig TWO_OK_OR_HALF_FAILED = CompletionConfig.shouldComplete(
            c -> c.succeeded() >= 2 || c.failed() * 2 >= c.total());

    private static Arguments row(String config, CompletionConfig completion, int successes, int failures, int n,
            CompletionReason expected) {
        return Arguments.of(config, completion, successes, failures, n, expected);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // allCompleted: only the end of every item completes the batch, whatever failed
                row("allCompleted", CompletionConfig.allCompleted(), 0, 0, 3, NOT_YET),
                row("allCompleted", CompletionConfig.allCompleted(), 2, 0, 3, NOT_YET),
                row("allCompleted", CompletionConfig.allCompleted(), 0, 2, 3, NOT_YET),
                row("allCompleted", CompletionConfig.allCompleted(), 2, 1, 3, ALL),
                row("allCompleted", CompletionConfig.allCompleted(), 0, 3, 3, ALL),
                row("allCompleted", CompletionConfig.allCompleted(), 0, 0, 0, ALL),
                // allSuccessful: the first failure completes it
                row("allSuccessful", CompletionConfig.allSuccessful(), 2, 0, 3, NOT_YET),
                row("allSuccessful", CompletionConfig.allSuccessful(), 0, 1, 3, TOLERANCE),
                row("allSuccessful", CompletionConfig.allSuccessful(), 2, 1, 3, TOLERANCE),
                row("allSuccessful", CompletionConfig.allSuccessful(), 3, 0, 3, ALL),
                // firstSuccessful: the first success completes it; failures do not
                row("firstSuccessful", CompletionConfig.firstSuccessful(), 0, 0, 3, NOT_YET),
                row("firstSuccessful", CompletionConfig.firstSuccessful(), 0, 2, 3, NOT_YET),
                row("firstSuccessful", CompletionConfig.firstSuccessful(), 1, 0, 3, MIN),
                row("firstSuccessful", CompletionConfig.firstSuccessful(), 1, 2, 3, MIN),
                row("firstSuccessful", CompletionConfig.firstSuccessful(), 0, 3, 3, ALL),
                // minSuccessful(2)
                row("minSuccessful(2)", CompletionConfig.minSuccessful(2), 1, 0, 4, NOT_YET),
                row("minSuccessful(2)", CompletionConfig.minSuccessful(2), 2, 0, 4, MIN),
                row("minSuccessful(2)", CompletionConfig.minSuccessful(2), 3, 0, 4, MIN),
                row("minSuccessful(2), out of reach but items left", CompletionConfig.minSuccessful(2), 0, 3, 4, NOT_YET),
                row("minSuccessful(2), out of reach", CompletionConfig.minSuccessful(2), 1, 3, 4, ALL),
                row("minSuccessful(2), reached with the last item", CompletionConfig.minSuccessful(2), 2, 2, 4, MIN),
                row("minSuccessful(5) of 3", CompletionConfig.minSuccessful(5), 3, 0, 3, ALL),
                // toleratedFailureCount(1): more than one failure completes it
                row("toleratedFailureCount(1)", CompletionConfig.toleratedFailureCount(1), 3, 1, 5, NOT_YET),
                row("toleratedFailureCount(1)", CompletionConfig.toleratedFailureCount(1), 0, 2, 5, TOLERANCE),
                row("toleratedFailureCount(1)", CompletionConfig.toleratedFailureCount(1), 4, 1, 5, ALL),
                row("toleratedFailureCount(0)", CompletionConfig.toleratedFailureCount(0), 0, 1, 5, TOLERANCE),
                // toleratedFailurePercentage(p): failures over p of all items (not of those finished) complete it
                row("toleratedFailurePercentage(0.5) of 4", CompletionConfig.toleratedFailurePercentage(0.5), 0, 2, 4, NOT_YET),
                row("toleratedFailurePercentage(0.5) of 4", CompletionConfig.toleratedFailurePercentage(0.5), 0, 3, 4, TOLERANCE),
                row("toleratedFailurePercentage(0.5) of 4", CompletionConfig.toleratedFailurePercentage(0.5), 2, 2, 4, ALL),
                row("toleratedFailurePercentage(0.5) of 3", CompletionConfig.toleratedFailurePercentage(0.5), 0, 2, 3, TOLERANCE),
                row("toleratedFailurePercentage(0.25) of 10", CompletionConfig.toleratedFailurePercentage(0.25), 0, 2, 10, NOT_YET),
                row("toleratedFailurePercentage(0.25) of 10", CompletionConfig.toleratedFailurePercentage(0.25), 0, 3, 10, TOLERANCE),
                row("toleratedFailurePercentage(0.0)", CompletionConfig.toleratedFailurePercentage(0.0), 0, 1, 10, TOLERANCE),
                row("toleratedFailurePercentage(1.0)", CompletionConfig.toleratedFailurePercentage(1.0), 0, 9, 10, NOT_YET),
                row("toleratedFailurePercentage(1.0)", CompletionConfig.toleratedFailurePercentage(1.0), 0, 10, 10, ALL),
                row("toleratedFailurePercentage(0.0) of none", CompletionConfig.toleratedFailurePercentage(0.0), 0, 0, 0, ALL),
                row("toleratedFailurePercentage(0.29) of 100", CompletionConfig.toleratedFailurePercentage(0.29), 0, 30, 100, TOLERANCE),
                row("toleratedFailurePercentage(1.0 / 3) of 3", CompletionConfig.toleratedFailurePercentage(1.0 / 3), 0, 1, 3, NOT_YET),
                row("toleratedFailurePercentage(1.0 / 3) of 3", CompletionConfig.toleratedFailurePercentage(1.0 / 3), 0, 2, 3, TOLERANCE),
                // combinations: either decision completes the batch; the failure tolerance is looked at first
                row("minSuccessful(2)+toleratedFailureCount(0)",
                        CompletionConfig.minSuccessful(2).withToleratedFailureCount(0), 2, 1, 5, TOLERANCE),
                row("minSuccessful(2)+toleratedFailureCount(1)",
                        CompletionConfig.minSuccessful(2).withToleratedFailureCount(1), 2, 1, 5, MIN),
                row("minSuccessful(2)+toleratedFailureCount(1)",
                        CompletionConfig.minSuccessful(2).withToleratedFailureCount(1), 1, 1, 5, NOT_YET),
                row("toleratedFailureCount(5)+toleratedFailurePercentage(0.2) of 10",
                        CompletionConfig.toleratedFailureCount(5).withToleratedFailurePercentage(0.2), 0, 3, 10, TOLERANCE),
                row("toleratedFailureCount(1)+toleratedFailurePercentage(0.9) of 10",
                        CompletionConfig.toleratedFailureCount(1).withToleratedFailurePercentage(0.9), 0, 2, 10, TOLERANCE),
                row("minSuccessful(3) reached with every item", CompletionConfig.minSuccessful(3), 3, 0, 3, MIN),
                // shouldComplete: the predicate of the counts decides; the other rules are looked at first
                row("shouldComplete(2 ok or half failed)", TWO_OK_OR_HALF_FAILED, 0, 0, 6, NOT_YET),
                row("shouldComplete(2 ok or half failed)", TWO_OK_OR_HALF_FAILED, 1, 2, 6, NOT_YET),
                row("shouldComplete(2 ok or half failed)", TWO_OK_OR_HALF_FAILED, 2, 0, 6, PREDICATE),
                row("shouldComplete(2 ok or half failed)", TWO_OK_OR_HALF_FAILED, 1, 3, 6, PREDICATE),
                row("shouldComplete met by the last item", TWO_OK_OR_HALF_FAILED, 2, 1, 3, PREDICATE),
                row("shouldComplete never met", CompletionConfig.shouldComplete(c -> false), 1, 2, 3, ALL),
                row("shouldComplete of an empty batch", CompletionConfig.shouldComplete(c -> false), 0, 0, 0, ALL),
                row("shouldComplete before any item", CompletionConfig.shouldComplete(c -> c.remaining() > 0), 0, 0, 3,
                        PREDICATE),
                row("shouldComplete+toleratedFailureCount(0)", TWO_OK_OR_HALF_FAILED.withToleratedFailureCount(0), 2, 1,
                        6, TOLERANCE),
                row("minSuccessful(1)+shouldComplete", CompletionConfig.minSuccessful(1).withShouldComplete(c -> true),
                        1, 0, 6, MIN));
    }

    @ParameterizedTest(name = "{0}: {2} succeeded, {3} failed of {4} -> {5}")
    @MethodSource("table")
    void completionIsDecidedByTheConfigAndTheCounts(String config, CompletionConfig completion, int successes,
            int failures, int n, CompletionReason expected) {
        assertEquals(expected, CompletionPolicy.decide(completion, successes, failures, n));
    }

    @Test
    void failuresExactlyAtTheToleratedPercentageDoNotExceedIt() {
        assertNull(CompletionPolicy.decide(CompletionConfig.toleratedFailurePercentage(0.29), 0, 29, 100));
        assertNull(CompletionPolicy.decide(CompletionConfig.toleratedFailurePercentage(0.57), 0, 57, 100));
    }
}
