package dev.cairn;

/** The engine was used before {@link DurableEngine#start()} or after {@link DurableEngine#close()}. */
public class EngineClosedException extends DurableException {

    /** @param message what was attempted */
    public EngineClosedException(String message) {
        super(message);
    }
}
