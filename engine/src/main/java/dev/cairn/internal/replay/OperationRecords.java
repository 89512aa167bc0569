package dev.cairn.internal.replay;

import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.spi.OperationRecord;
import java.time.Instant;

/** Copies of operation records with their outcome set. */
final class OperationRecords {

    private OperationRecords() {
    }

    /** {@code op} ended with {@code status}, {@code result} or {@code error}, at {@code endedAt}. */
    static OperationRecord withOutcome(OperationRecord op, OperationStatus status, String result, ErrorInfo error,
            Instant endedAt) {
        return new OperationRecord(op.executionId(), op.operationId(), op.parentId(), op.type(), op.subType(), op.name(),
                status, op.attempt(), result, error, op.scheduledAt(), op.startedAt(), endedAt);
    }

    /** The id of the context operation {@code id} belongs to, or {@code null} at the top. */
    static String parentOf(String id) {
        int dash = id.lastIndexOf('-');
        return dash < 0 ? null : id.substring(0, dash);
    }
}
