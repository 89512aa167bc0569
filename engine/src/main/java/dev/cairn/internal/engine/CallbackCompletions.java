package dev.cairn.internal.engine;

import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.SerializationException;
import dev.cairn.UnknownCallbackException;
import dev.cairn.internal.CallbackResultType;
import dev.cairn.internal.Payloads;
import dev.cairn.internal.TypeNames;
import dev.cairn.internal.UserText;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks completed, failed and heartbeated from outside, through the store. A completion's value is checked
 * against the type the workflow declared for the callback before anything is written, in the store's transaction
 * that completes it; the store decides the rest (a completion after the deadline times the callback out). A
 * completion that wakes a suspended execution claims it for this node in that same transaction, and the execution
 * runs here.
 */
final class CallbackCompletions {

    private static final Logger log = LoggerFactory.getLogger(CallbackCompletions.class);

    /** Callback ids are short: a longer one cannot exist, and is not sent to the database. */
    private static final int MAX_CALLBACK_ID_CHARS = 255;

    private final ExecutionStore store;
    private final Payloads payloads;
    private final Serializer serializer;
    private final Clock clock;
    private final Predicate<String> dispatch;
    private final Supplier<Claimant> claimant;
    private final Consumer<ExecutionRecord> runClaimed;

    /**
     * @param dispatch   claims and runs an execution that a completion made due without claiming it
     * @param claimant   who claims woken executions now, or null when nothing may be claimed (closing)
     * @param runClaimed runs an execution that a completion claimed
     */
    CallbackCompletions(ExecutionStore store, Payloads payloads, Serializer serializer, Clock clock,
            Predicate<String> dispatch, Supplier<Claimant> claimant, Consumer<ExecutionRecord> runClaimed) {
        this.store = store;
        this.payloads = payloads;
        this.serializer = serializer;
        this.clock = clock;
        this.dispatch = dispatch;
        this.claimant = claimant;
        this.runClaimed = runClaimed;
    }

    void complete(String callbackId, Object result) {
        checkLength(callbackId);
        apply(callbackId, callback -> {
            String what = "the result for callback " + callbackId + " of execution " + callback.executionId();
            if (CallbackResultType.ownSerializer(callback.resultType())) {
                throw new SerializationException("callback " + callbackId + " (operation " + callback.operationId()
                        + " of execution " + callback.executionId() + ") reads its result with the serializer of its"
                        + " operation's CallbackConfig, not the engine's, so the engine cannot serialize a value for"
                        + " it; the callback is still pending: complete it with completeCallbackRaw(callbackId, text)"
                        + " and text that serializer reads");
            }
            Type declared = TypeNames.resolve(callback.resultType());
            String data = payloads.encode(result, declared, what);
            if (declared != null && result != null) {
                try {
                    serializer.deserialize(data, declared);
                } catch (SerializationException e) {
                    throw new SerializationException("callback " + callbackId + " of execution "
                            + callback.executionId() + " expects a result of type " + callback.resultType()
                            + ", but the value given (a " + result.getClass().getName() + ") cannot be read as one;"
                            + " the callback is still pending: complete it with a value of that type", e);
                }
            }
            return new CallbackCompletion(callbackId, CallbackStatus.SUCCEEDED, data, null, clock.now());
        }, "complete");
    }

    /**
     * Completes a callback with text stored as given. A callback read with the engine's serializer gets the text
     * checked to read as its declared type; one whose operation has a serializer of its own cannot be checked here,
     * and text that serializer cannot read fails the workflow's read of the result instead.
     */
    void completeRaw(String callbackId, String payload) {
        checkLength(callbackId);
        apply(callbackId, callback -> {
            String what = "the raw result for callback " + callbackId + " of execution " + callback.executionId();
            payloads.check(payload, what);
            Type declared = CallbackResultType.ownSerializer(callback.resultType()) ? null
                    : TypeNames.resolve(callback.resultType());
            if (declared != null && payload != null) {
                try {
                    serializer.deserialize(payload, declared);
                } catch (RuntimeException e) {
                    throw new SerializationException("callback " + callbackId + " of execution "
                            + callback.executionId() + " reads its result with the engine's serializer as "
                            + callback.resultType() + ", and the text given (" + payload.length() + " characters)"
                            + " cannot be read as one; the callback is still pending: complete it with text that"
                            + " reads as that type", e);
                }
            }
            return new CallbackCompletion(callbackId, CallbackStatus.SUCCEEDED, payload, null, clock.now());
        }, "complete");
    }

    void fail(String callbackId, String errorType, String message) {
        UserText.checkName(errorType, "callback error type");
        checkLength(callbackId);
        ErrorInfo error = ErrorInfo.of(errorType, message);
        apply(callbackId, callback -> new CallbackCompletion(callbackId, CallbackStatus.FAILED, null, error,
                clock.now()), "fail");
    }

    void heartbeat(String callbackId) {
        checkLength(callbackId);
        check(callbackId, store.heartbeatCallback(callbackId, clock.now()), "heartbeat");
    }

    /** Fails a callback whose submitter failed, so that a late completion is rejected; a failure is only logged. */
    void failQuietly(String callbackId, ErrorInfo error) {
        try {
            store.completeCallback(new CallbackCompletion(callbackId, CallbackStatus.FAILED, null, error, clock.now()));
        } catch (RuntimeException e) {
            log.warn("could not mark callback {} failed", callbackId, e);
        }
    }

    private static void checkLength(String callbackId) {
        if (callbackId.length() > MAX_CALLBACK_ID_CHARS) {
            throw new UnknownCallbackException(callbackId);
        }
    }

    private void apply(String callbackId, Function<CallbackRecord, CallbackCompletion> resolve, String verb) {
        CallbackUpdate update = store.completeCallback(callbackId, resolve, claimant.get());
        if (update.claimed() != null) {
            runClaimed.accept(update.claimed());
        } else if (update.outcome() == CallbackUpdate.Outcome.APPLIED
                && update.executionStatus() == ExecutionStatus.PENDING) {
            dispatch.test(update.callback().executionId());
        }
        check(callbackId, update, verb);
    }

    private static void check(String callbackId, CallbackUpdate update, String verb) {
        switch (update.outcome()) {
            case APPLIED -> {
            }
            case NOT_FOUND -> throw new UnknownCallbackException(callbackId);
            case ALREADY_COMPLETED -> throw new CallbackAlreadyCompletedException(callbackId, update.callback().status(),
                    "cannot " + verb + " callback " + callbackId + " of execution " + update.callback().executionId()
                            + ": it is already " + update.callback().status()
                            + (update.callback().status() == CallbackStatus.TIMED_OUT
                                    ? " (its deadline " + update.callback().deadline() + " has passed)" : "")
                            + "; the first outcome stands");
            case EXECUTION_ENDED -> throw new CallbackAlreadyCompletedException(callbackId, update.callback().status(),
                    "cannot " + verb + " callback " + callbackId + ": its execution " + update.callback().executionId()
                            + " has already ended (" + update.executionStatus() + ")");
        }
    }
}
