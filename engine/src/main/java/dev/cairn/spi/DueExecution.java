package dev.cairn.spi;

import java.time.Instant;

/**
 * An execution that becomes runnable at {@code wakeAt}.
 *
 * @param executionId the execution
 * @param wakeAt      when it is due (engine clock)
 */
public record DueExecution(String executionId, Instant wakeAt) {
}
