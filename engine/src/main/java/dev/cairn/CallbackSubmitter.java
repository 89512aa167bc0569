package dev.cairn;

/**
 * Hands a callback's id to the external system that will complete it. Used by
 * {@link DurableContext#waitForCallback}, which runs it as a step.
 */
@FunctionalInterface
public interface CallbackSubmitter {

    /**
     * Submits the callback.
     *
     * @param callbackId the id the external system must pass to {@link DurableEngine#completeCallback}
     * @param step       the step's context
     * @throws Exception a failed submission; once its retries are exhausted, the callback fails
     */
    void submit(String callbackId, StepContext step) throws Exception;
}
