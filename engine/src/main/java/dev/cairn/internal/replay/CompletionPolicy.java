package dev.cairn.internal.replay;

import dev.cairn.CompletionReason;
import dev.cairn.config.CompletionConfig;

/**
 * When a batch is complete, by its {@link CompletionConfig}: its failures exceed what it tolerates, its successes
 * reach the minimum it asks for, or every item has finished. Decided after each item finishes; once decided, no new
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
        if (successes + failures == n) {
            return CompletionReason.ALL_COMPLETED;
        }
        return null;
    }
}
