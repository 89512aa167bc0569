package dev.cairn.spi;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import java.time.Instant;

/**
 * A request to complete a callback from outside.
 *
 * @param callbackId the callback
 * @param status     {@link CallbackStatus#SUCCEEDED} or {@link CallbackStatus#FAILED}
 * @param result     the serialized result for SUCCEEDED
 * @param error      the error for FAILED
 * @param now        engine clock
 */
public record CallbackCompletion(String callbackId, CallbackStatus status, String result, ErrorInfo error, Instant now) {
}
