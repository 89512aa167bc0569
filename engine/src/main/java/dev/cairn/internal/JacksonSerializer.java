package dev.cairn.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.cairn.SerializationException;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.util.UUID;

/**
 * JSON through Jackson. A value serialized for a declared type is read back as that type and written again; if the
 * two texts differ, the value does not round-trip (properties Jackson writes but cannot read, or reads but does
 * not write) and is refused, because its replay would see another value than its first run did.
 */
public final class JacksonSerializer implements Serializer {

    private final ObjectMapper mapper;

    public JacksonSerializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A mapper that reads and writes records, java.time values as ISO strings, and Optional. */
    public static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(new Jdk8Module())
                .registerModule(new ParameterNamesModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    @Override
    public String serialize(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
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
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return UserText.quote(message == null ? e.getClass().getName() : message);
    }

    @Override
    public <T> T deserialize(String data, Type type) {
        if (data == null) {
            return null;
        }
        try {
            JavaType javaType = mapper.getTypeFactory().constructType(type);
            return mapper.readValue(data, javaType);
        } catch (Exception e) {
            throw new SerializationException("cannot read checkpointed JSON as " + type.getTypeName() + ": "
                    + reason(e), e);
        }
    }
}
