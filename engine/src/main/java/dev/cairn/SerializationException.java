package dev.cairn;

/**
 * A value could not be serialized or deserialized, or its serialized form is larger than the engine's payload
 * limit. When a step's result cannot be serialized, nothing is checkpointed and the step throws this.
 */
public class SerializationException extends DurableException {

    /** @param message what could not be serialized, and why */
    public SerializationException(String message) {
        super(message);
    }

    /** @param message what could not be serialized @param cause the serializer's error */
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
