package dev.cairn.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * Execution ids: version 7 UUIDs (RFC 9562), a millisecond timestamp followed by random bits. Ids of executions
 * started around the same time sort together, so their rows, and the rows of their operations, which are keyed by
 * execution id first, land in neighbouring index pages: a group commit touches a few pages instead of one per
 * execution.
 */
public final class ExecutionIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ExecutionIds() {
    }

    public static String next(Instant now) {
        long millis = now.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
        long msb = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
