package dev.cairn.internal;

import dev.cairn.BatchItemFailedException;
import dev.cairn.DurableException;
import dev.cairn.ErrorInfo;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/**
 * Rebuilds an exception from its recorded {@link ErrorInfo}, so that a failure rethrown from a checkpoint has the type
 * the code threw: the recorded class, if it is an unchecked exception with a public constructor taking a message
 * (which gets the recorded message). The same is rebuilt on the first run and on every replay, since only the record
 * survives a replay. Anything else becomes a {@link BatchItemFailedException} carrying the record.
 *
 * <p>Only subclasses of {@link Throwable} are ever instantiated, through that one constructor.
 */
public final class RecordedErrors {

    private RecordedErrors() {
    }

    /** The exception to throw for item {@code index} (named {@code name}) of a batch, which failed with {@code error}. */
    public static RuntimeException rethrowable(ErrorInfo error, int index, String name, String where) {
        Throwable rebuilt = rebuild(error);
        if (rebuilt instanceof RuntimeException r && !(r instanceof DurableException)) {
            return r;
        }
        BatchItemFailedException failed = new BatchItemFailedException(where + " failed: " + error.summary(), index,
                name, error);
        if (rebuilt != null && !(rebuilt instanceof RuntimeException)) {
            failed.initCause(rebuilt);
        }
        return failed;
    }

    private static Throwable rebuild(ErrorInfo error) {
        Class<?> type = load(error.type());
        if (type == null || !Throwable.class.isAssignableFrom(type) || Error.class.isAssignableFrom(type)
                || Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            return null;
        }
        try {
            Constructor<?> constructor = type.getConstructor(String.class);
            return (Throwable) constructor.newInstance(error.message());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static Class<?> load(String name) {
        if (name == null) {
            return null;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, RecordedErrors.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
    }
}
