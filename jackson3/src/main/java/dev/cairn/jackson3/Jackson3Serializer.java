package dev.cairn.jackson3;

import dev.cairn.SerializationException;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link Serializer} on Jackson 3 ({@code tools.jackson}), for applications whose JSON is configured with
 * Jackson 3, as Spring Boot 4 configures it:
 *
 * <pre>{@code
 * DurableEngine.builder().serializer(Jackson3Serializer.of(jsonMapper))   // the application's own mapper
 * DurableEngine.builder().serializer(Jackson3Serializer.create())        // or Cairn's default one
 * }</pre>
 *
 * <p>It behaves as the engine's Jackson 2 serializer ({@link Serializer#jackson()}) does. Records, {@code java.time}
 * values and {@code Optional} need no module: Jackson 3 reads and writes them itself. A value serialized for a
 * declared type is read back as that type and written again, and refused with {@link SerializationException} if
 * the two texts differ: a value that does not round-trip would be replayed as another value than its first run saw.
 * Every failure, to write or to read, is a {@link SerializationException} whose message names the type and Jackson's
 * reason, without quoting the JSON (a payload) and with at most 200 characters of Jackson's message.
 *
 * <p>Instances are immutable and thread-safe, as Jackson 3's mappers are.
 */
public final class Jackson3Serializer implements Serializer {

    /** How many characters of Jackson's message an error quotes. */
    private static final int QUOTE_CHARS = 200;

    private final ObjectMapper mapper;

    private Jackson3Serializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * JSON through Cairn's default Jackson 3 mapper ({@link #defaultMapper()}).
     *
     * @return a new serializer
     */
    public static Jackson3Serializer create() {
        return new Jackson3Serializer(defaultMapper());
    }

    /**
     * JSON through the given, already configured, mapper: a {@link JsonMapper} the application built, or the one
     * its framework configured. Values are checked to read back the same, as with {@link #create()}.
     *
     * @param mapper the mapper
     * @return a new serializer
     * @throws NullPointerException if {@code mapper} is null
     */
    public static Jackson3Serializer of(ObjectMapper mapper) {
        return new Jackson3Serializer(Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * The mapper {@link #create()} uses, configured as the engine's Jackson 2 default is: {@code java.time} values as
     * ISO-8601 strings with their own offsets (not adjusted to a time zone), a value with no properties refused
     * rather than written as {@code {}}, unknown properties ignored when reading (so that a class may lose a field
     * while executions that checkpointed it are still running).
     *
     * @return a new mapper
     */
    public static JsonMapper defaultMapper() {
        return JsonMapper.builder()
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DateTimeFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * The mapper this serializer writes and reads with.
     *
     * @return the mapper
     */
    public ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public String serialize(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot serialize a value of type "
                    + (value == null ? "null" : value.getClass().getName()) + " as JSON: " + reason(e), e);
        }
    }

    @Override
    public String serialize(Object value, Type declaredType) {
        String data = serialize(value);
        if (value == null || declaredType == null || isPlain(value)) {
            return data;
        }
        Object back;
        try {
            back = deserialize(data, declaredType);
        } catch (SerializationException e) {
            throw new SerializationException("a value of type " + value.getClass().getName() + " is written as JSON"
                    + " that cannot be read back as " + declaredType.getTypeName() + ": " + reason(e.getCause())
                    + ". Checkpoint a type Jackson can both write and read (a record, or a class with a creator)", e);
        }
        String again = serialize(back);
        if (!again.equals(data)) {
            throw new SerializationException("a value of type " + value.getClass().getName() + " does not read back"
                    + " the same as " + declaredType.getTypeName() + ": its JSON (" + data.length()
                    + " characters) differs from that of the value read back (" + again.length() + " characters) from"
                    + " character " + firstDifference(data, again) + ". Checkpoint a type Jackson can both write and"
                    + " read (a record, or a class with a creator and accessors for every property)");
        }
        return data;
    }

    @Override
    public <T> T deserialize(String data, Type type) {
        Objects.requireNonNull(type, "type");
        if (data == null) {
            return null;
        }
        try {
            JavaType javaType = mapper.getTypeFactory().constructType(type);
            return mapper.readValue(data, javaType);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot read checkpointed JSON as " + type.getTypeName() + ": "
                    + reason(e), e);
        }
    }

    /** Values whose JSON always reads back the same, which need no check. */
    private static boolean isPlain(Object value) {
        return value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof UUID || value instanceof Enum<?>;
    }

    private static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return n;
    }

    /** Jackson's message without the excerpt of the JSON it quotes (a payload), bounded. */
    private static String reason(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return quote(message == null ? e.getClass().getName() : message);
    }

    private static String quote(String text) {
        if (text.length() <= QUOTE_CHARS) {
            return text;
        }
        int end = QUOTE_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // do not cut a surrogate pair in two
        }
        return text.substring(0, end) + "... (" + text.length() + " characters)";
    }
}
