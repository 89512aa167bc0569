package dev.cairn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class ReplayAwareLoggerTest {

    /** A logger that keeps what it is told. */
    private static final class RecordingLogger extends AbstractLogger {
        final List<String> lines = new ArrayList<>();

        RecordingLogger() {
            this.name = "recording";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args) + (t == null ? "" : " !" + t.getMessage()));
        }

        @Override public boolean isTraceEnabled() { return true; }
        @Override public boolean isTraceEnabled(Marker marker) { return true; }
        @Override public boolean isDebugEnabled() { return true; }
        @Override public boolean isDebugEnabled(Marker marker) { return true; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isInfoEnabled(Marker marker) { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isWarnEnabled(Marker marker) { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public boolean isErrorEnabled(Marker marker) { return true; }
    }

    @Test
    void nothingIsLoggedWhileReplayingAndEverythingAfterwards() {
        RecordingLogger delegate = new RecordingLogger();
        AtomicBoolean replaying = new AtomicBoolean(true);
        ReplayAwareLogger logger = new ReplayAwareLogger(delegate, replaying::get);

        logger.info("charged {} for order {}", 42, "o-1");
        logger.warn("retrying");
        assertFalse(logger.isInfoEnabled());
        assertEquals(List.of(), delegate.lines);

        replaying.set(false);
        logger.info("charged {} for order {}", 42, "o-1");
        logger.error("failed", new IllegalStateException("boom"));
        assertTrue(logger.isInfoEnabled());
        assertEquals(List.of("INFO charged 42 for order o-1", "ERROR failed !boom"), delegate.lines);
    }
}
