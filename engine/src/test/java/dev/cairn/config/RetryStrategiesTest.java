package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The retry strategies' delays, and the builders that set each delay by name so that a port cannot swap two of
 * them by position.
 */
class RetryStrategiesTest {

    private static final RuntimeException ERROR = new IllegalStateException("failed");

    /** The delays a strategy asks for after each failed attempt, until it stops. */
    private static List<Duration> delays(RetryStrategy strategy) {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            RetryDecision d = strategy.decide(ERROR, attempt);
            if (!d.retry()) {
                return delays;
            }
            delays.add(d.delay());
        }
    }

    private static List<Duration> seconds(long... s) {
        List<Duration> out = new ArrayList<>();
        for (long v : s) {
            out.add(Duration.ofSeconds(v));
        }
        return out;
    }

    @Test
    void theLinearBuilderNamesEachDelayAndCapsAtTheMaxDelay() {
        RetryStrategy s = RetryStrategies.linear().maxAttempts(6).initialDelay(Duration.ofSeconds(1))
                .increment(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(6)).build();
        assertEquals(seconds(1, 3, 5, 6, 6), delays(s));
    }

    @Test
    void theLinearBuilderGivesTheSameStrategyWhateverTheOrderOfItsCalls() {
        RetryStrategy a = RetryStrategies.linear().maxDelay(Duration.ofSeconds(6)).increment(Duration.ofSeconds(2))
                .initialDelay(Duration.ofSeconds(1)).maxAttempts(6).build();
        assertEquals(seconds(1, 3, 5, 6, 6), delays(a));
    }

    @Test
    void theLinearBuilderWithoutAMaxDelayDoesNotCap() {
        RetryStrategy s = RetryStrategies.linear().maxAttempts(4).initialDelay(Duration.ofSeconds(10))
                .increment(Duration.ofSeconds(10)).build();
        assertEquals(seconds(10, 20, 30), delays(s));
    }

    @Test
    void theLinearBuilderSaysWhichOptionIsMissingOrWrong() {
        IllegalStateException noIncrement = assertThrows(IllegalStateException.class,
                () -> RetryStrategies.linear().initialDelay(Duration.ofSeconds(1)).build());
        assertTrue(noIncrement.getMessage().contains("increment"), noIncrement.getMessage());
        IllegalStateException noInitial = assertThrows(IllegalStateException.class,
                () -> RetryStrategies.linear().increment(Duration.ofSeconds(1)).build());
        assertTrue(noInitial.getMessage().contains("initialDelay"), noInitial.getMessage());
        IllegalStateException cap = assertThrows(IllegalStateException.class,
                () -> RetryStrategies.linear().initialDelay(Duration.ofSeconds(10)).increment(Duration.ofSeconds(1))
                        .maxDelay(Duration.ofSeconds(5)).build());
        assertTrue(cap.getMessage().contains("maxDelay"), cap.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> RetryStrategies.linear().increment(Duration.ofSeconds(-1)));
        assertTrue(negative.getMessage().contains("increment"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RetryStrategies.linear().maxAttempts(0));
    }

    @Test
    void theThreeArgumentLinearBackoffTakesTheIncrementThirdAsTheAwsSdkDoes() {
        assertEquals(seconds(1, 3, 5), delays(RetryStrategies.linearBackoff(4, Duration.ofSeconds(1),
                Duration.ofSeconds(2))));
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedPositionalLinearBackoffStillTakesTheIncrementBeforeTheMaxDelay() {
        assertEquals(seconds(1, 3, 5, 6), delays(RetryStrategies.linearBackoff(5, Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(6))));
    }

    @Test
    void theExponentialBuilderHasTheDefaultStrategysDefaultsAndNamesEachOption() {
        RetryStrategy s = RetryStrategies.exponential().maxAttempts(5).initialDelay(Duration.ofSeconds(1))
                .maxDelay(Duration.ofSeconds(5)).backoffRate(3.0).jitter(Jitter.NONE).build();
        assertEquals(seconds(1, 3, 5, 5), delays(s));
        List<Duration> defaults = delays(RetryStrategies.exponential().jitter(Jitter.NONE).build());
        assertEquals(seconds(1, 2), defaults, "3 attempts from 1 s, doubling");
        assertThrows(IllegalArgumentException.class, () -> RetryStrategies.exponential().backoffRate(0.5));
        assertThrows(IllegalArgumentException.class, () -> RetryStrategies.exponential()
                .initialDelay(Duration.ofMinutes(2)).build());
    }

    @Test
    void retryDecisionsHaveTheAwsSdksNamesToo() {
        assertEquals(RetryDecision.retryAfter(Duration.ofSeconds(3)), RetryDecision.retry(Duration.ofSeconds(3)));
        assertFalse(RetryDecision.fail().retry());
        assertEquals(RetryDecision.stop(), RetryDecision.fail());
    }
}
