package dev.cairn;

import java.time.Duration;

/** {@link ExecutionHandle#result(Duration)} waited its full time and the execution had not ended. */
public class ResultNotReadyException extends DurableException {

    /** @param executionId the execution @param waited how long it waited @param status its status then */
    public ResultNotReadyException(String executionId, Duration waited, ExecutionStatus status) {
        super("execution " + executionId + " did not end within " + waited + "; it is " + status
                + ". Call result() again later, or use future()");
    }
}
