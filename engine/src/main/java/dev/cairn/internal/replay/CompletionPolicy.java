package dev.cairn.internal.replay;

import dev.cairn.CompletionReason;
import dev.cairn.config.BatchCounts;
import dev.cairn.config.CompletionConfig;

/**
 * When a batch is complete, by its {@link CompletionConfig}: its failures exceed what it tolerates, its successes
 * reach the minimum it asks for, its own predicate accepts its counts, or every item has finished (the predicate is
 * asked first, so that a batch whose last item met it says so). Decided after each item finishes; once decided, no new
 * item starts.
 */
final class CompletionPolicy {

    private CompletionPolicy() {
    }

    /** Why a batch of {@code n} items with these counts is complete, or {@code null} if it is not. */
    static CompletionReason decide(CompletionConfig completion, int successes, int failures, int n) {
        if (completion.failureToleranceExceeded(failures, n)) {
            return CompletionReason.FAILURE_TOLERANCE_EXCEEDED;
        }
        if (completion.minSuccessfulReached(successes)) {
            return CompletionReason.MIN_SUCCESSFUL_REACHED;
        }
        if (n > 0 && completion.shouldCompleteAt(new BatchCounts(successes, failures, n))) {
            return CompletionReason.COMPLETION_PREDICATE_MET;
        }
        if (successes + failures == n) {
            return CompletionReason.ALL_COMPLETED;
        }
        return null;
    }
}
