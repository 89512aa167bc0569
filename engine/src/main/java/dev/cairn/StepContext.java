package dev.cairn;

import org.slf4j.Logger;

/** What a step's body can see of the step it runs in. */
public interface StepContext {

    /** The execution. */
    String executionId();

    /** The step's operation id. */
    String operationId();

    /** The attempt now running, from 1. */
    int attempt();

    /** A logger for the step; steps run only when not replaying, so it always logs. */
    Logger logger();
}
