package dev.cairn.spi;

import java.time.Instant;
import java.util.Comparator;

/**
 * An execution that becomes runnable at {@code wakeAt}.
 *
 * @param executionId the execution
 * @param wakeAt      when it is due (engine clock)
 */
public record DueExecution(String executionId, Instant wakeAt) {

    /** Earliest first, then by id. */
    public static final Comparator<DueExecution> ORDER = Comparator.comparing(DueExecution::wakeAt)
            .thenComparing(DueExecution::executionId);
}
