package dev.cairn.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerWheelTest {

    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");

    private static Instant at(long millis) {
        return BASE.plusMillis(millis);
    }

    @Test
    void aTimerFiresAtTheFirstAdvancePastItsDeadline() {
        TimerWheel wheel = new TimerWheel(50, 60_000);
        wheel.advance(at(0));
        wheel.schedule("x", at(1030));
        assertEquals(List.of(), wheel.advance(at(1010)));
        assertEquals(List.of(), wheel.advance(at(1029)));
        assertEquals(List.of("x"), wheel.advance(at(1060)));
        assertEquals(0, wheel.size());
    }

    @Test
    void aTimerFurtherOutThanOneRevolutionWaitsForItsDeadline() {
        TimerWheel wheel = new TimerWheel(10, 1_000); // 128 buckets: one revolution is 1.28 s
        wheel.advance(at(0));
        wheel.schedule("far", at(5_000));
        for (long t = 10; t < 5_000; t += 10) {
            assertEquals(List.of(), wheel.advance(at(t)), "at " + t);
        }
        assertEquals(List.of("far"), wheel.advance(at(5_000)));
    }

    @Test
    void aJumpOfManyRevolutionsFiresEverythingDueAndKeepsTheRest() {
        TimerWheel wheel = new TimerWheel(50, 60_000);
        wheel.advance(at(0));
        wheel.schedule("a", at(100));
        wheel.schedule("b", at(3_600_000));
        wheel.schedule("c", at(7_200_001));
        List<String> due = wheel.advance(at(7_200_000));
        assertEquals(2, due.size());
        assertEquals(List.of("c"), wheel.advance(at(7_200_050)));
    }

    @Test
    void aTimerAlreadyDueFiresAtTheNextAdvanceAndReschedulingReplaces() {
        TimerWheel wheel = new TimerWheel(50, 60_000);
        wheel.advance(at(1_000));
        wheel.schedule("late", at(10));
        wheel.schedule("moved", at(2_000));
        wheel.schedule("moved", at(1_020));
        assertEquals(2, wheel.size());
        List<String> due = wheel.advance(at(1_050));
        assertEquals(2, due.size());
        wheel.schedule("gone", at(1_100));
        wheel.cancel("gone");
        assertEquals(List.of(), wheel.advance(at(5_000)));
    }
}
