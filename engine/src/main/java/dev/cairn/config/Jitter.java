package dev.cairn.config;

/** How a backoff delay is randomised, to spread retries out. */
public enum Jitter {
    /** The computed delay exactly. */
    NONE,
    /** A uniformly random delay between zero and the computed delay. */
    FULL,
    /** Half the computed delay plus a uniformly random part of the other half. */
    HALF
}
