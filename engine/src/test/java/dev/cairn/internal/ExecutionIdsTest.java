package dev.cairn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExecutionIdsTest {

    @Test
    void idsAreVersion7UuidsThatSortByTheirTime() {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        String earlier = ExecutionIds.next(t);
        String later = ExecutionIds.next(t.plusMillis(1));
        UUID uuid = UUID.fromString(earlier);
        assertEquals(7, uuid.version());
        assertEquals(2, uuid.variant());
        assertEquals(t.toEpochMilli(), uuid.getMostSignificantBits() >>> 16);
        assertTrue(earlier.compareTo(later) < 0, earlier + " sorts before " + later);
    }

    @Test
    void idsOfTheSameMillisecondDiffer() {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(ExecutionIds.next(t));
        }
        assertEquals(10_000, ids.size());
    }
}
