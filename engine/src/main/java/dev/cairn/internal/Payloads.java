package dev.cairn.internal;

import dev.cairn.SerializationException;
import dev.cairn.spi.Serializer;
import dev.cairn.spi.StoreLimits;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Turns values into the text that is checkpointed, and refuses, before anything is written, text the database
 * would refuse or mangle: larger than the engine's payload limit or the store's own, with a lone surrogate
 * (which every database's UTF-8 turns into {@code ?}), or with a NUL where the store cannot hold one. A refused
 * value fails its operation with a {@link SerializationException} once; it never reaches a write that would be
 * retried.
 */
public final class Payloads {

    private final Serializer serializer;
    private final int maxPayloadBytes;
    private volatile StoreLimits limits = StoreLimits.NONE;

    public Payloads(Serializer serializer, int maxPayloadBytes) {
        this.serializer = serializer;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Sets the store's limits, known once it is initialized. */
    public void storeLimits(StoreLimits limits) {
        this.limits = limits;
    }

    Serializer serializer() {
        return serializer;
    }

    /**
     * Serializes a value to be read back as {@code declaredType} (or {@code null} when unknown) and checks the text.
     *
     * @param what what the value is, for the message ("the result of step 'x' (operation 2) of execution e")
     */
    public String encode(Object value, Type declaredType, String what) {
        return encode(serializer, value, declaredType, what);
    }

    /**
     * As {@link #encode(Object, Type, String)}, with the serializer an operation was given ({@code null}: the
     * engine's).
     */
    public String encode(Serializer with, Object value, Type declaredType, String what) {
        String data = serialize(with, value, declaredType, what);
        check(data, what);
        return data;
    }

    /**
     * As {@link #encode(Serializer, Object, Type, String)}, but returns {@code null} instead of refusing text whose
     * only fault is its size (over the payload limit or the store's): for a result that can be rebuilt rather than
     * stored.
     */
    public String encodeUnlessTooLarge(Serializer with, Object value, Type declaredType, String what) {
        String data = serialize(with, value, declaredType, what);
        if (tooLarge(data)) {
            checkCharacters(data, what);
            return null;
        }
        check(data, what);
        return data;
    }

    private String serialize(Serializer with, Object value, Type declaredType, String what) {
        Serializer s = with != null ? with : serializer;
        String data;
        try {
            data = s.serialize(value, declaredType);
        } catch (SerializationException e) {
            throw new SerializationException(what + " cannot be serialized: " + e.getMessage(),
                    e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException e) {
            throw new SerializationException(what + " cannot be serialized: " + e, e);
        }
        if (data == null) {
            throw new SerializationException(what + " cannot be serialized: the serializer "
                    + s.getClass().getName() + " returned null (a serializer must return text, also for a"
                    + " null value)");
        }
        return data;
    }

    private long limit() {
        return Math.min(maxPayloadBytes, limits.maxTextBytes());
    }

    /** Whether text is over the limit; a char takes at most 3 bytes in UTF-8, so only a long text is counted. */
    private boolean tooLarge(String data) {
        long limit = limit();
        return data.length() * 3L > limit && data.getBytes(StandardCharsets.UTF_8).length > limit;
    }

    /**
     * Checks serialized text against the payload limit and what the store can hold. Nothing is written.
     *
     * @throws SerializationException if the text is too large or holds what the store cannot
     */
    public void check(String data, String what) {
        if (data == null) {
            return;
        }
        if (tooLarge(data)) {
            long limit = limit();
            throw new SerializationException(what + " is " + data.getBytes(StandardCharsets.UTF_8).length
                    + " bytes when serialized; the limit is " + limit + " bytes (" + (limit == maxPayloadBytes
                            ? "DurableEngine.builder().maxPayloadBytes(...)"
                            : "what the database can hold in one value")
                    + "). Keep large data elsewhere and checkpoint a reference to it");
        }
        checkCharacters(data, what);
    }

    private void checkCharacters(String data, String what) {
        int surrogate = UserText.loneSurrogate(data);
        if (surrogate >= 0) {
            throw new SerializationException(what + " contains a lone surrogate (U+" + String.format("%04X",
                    (int) data.charAt(surrogate)) + ") at index " + surrogate + " of its serialized form, which no"
                    + " database can store (it would be read back as '?'): a string was probably cut between the two"
                    + " halves of a character");
        }
        if (!limits.nulAllowed() && data.indexOf('\u0000') >= 0) {
            throw new SerializationException(what + " contains a NUL character (U+0000) at index "
                    + data.indexOf('\u0000') + " of its serialized form, which this database cannot store");
        }
    }
}
