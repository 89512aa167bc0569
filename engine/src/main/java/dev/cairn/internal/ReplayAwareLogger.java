package dev.cairn.internal;

import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that says nothing while its execution replays, so that each message is logged once. */
public final class ReplayAwareLogger extends AbstractLogger {

    private final transient Logger delegate;
    private final transient BooleanSupplier replaying;

    public ReplayAwareLogger(Logger delegate, BooleanSupplier replaying) {
        this.delegate = delegate;
        this.replaying = replaying;
        this.name = delegate.getName();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable t) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        switch (level) {
            case TRACE -> delegate.trace(message, t);
            case DEBUG -> delegate.debug(message, t);
            case INFO -> delegate.info(message, t);
            case WARN -> delegate.warn(message, t);
            case ERROR -> delegate.error(message, t);
        }
    }

    private boolean live() {
        return !replaying.getAsBoolean();
    }

    @Override public boolean isTraceEnabled() { return live() && delegate.isTraceEnabled(); }
    @Override public boolean isTraceEnabled(Marker marker) { return live() && delegate.isTraceEnabled(marker); }
    @Override public boolean isDebugEnabled() { return live() && delegate.isDebugEnabled(); }
    @Override public boolean isDebugEnabled(Marker marker) { return live() && delegate.isDebugEnabled(marker); }
    @Override public boolean isInfoEnabled() { return live() && delegate.isInfoEnabled(); }
    @Override public boolean isInfoEnabled(Marker marker) { return live() && delegate.isInfoEnabled(marker); }
    @Override public boolean isWarnEnabled() { return live() && delegate.isWarnEnabled(); }
    @Override public boolean isWarnEnabled(Marker marker) { return live() && delegate.isWarnEnabled(marker); }
    @Override public boolean isErrorEnabled() { return live() && delegate.isErrorEnabled(); }
    @Override public boolean isErrorEnabled(Marker marker) { return live() && delegate.isErrorEnabled(marker); }
}
