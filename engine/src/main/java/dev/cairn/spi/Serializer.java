package dev.cairn.spi;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.SerializationException;
import dev.cairn.internal.JacksonSerializer;
import java.lang.reflect.Type;

/**
 * Turns inputs, step results, callback results and outputs into the text that is checkpointed, and back.
 * The default is Jackson ({@link #jackson()}): records, {@code java.time} types and {@code Optional} work out
 * of the box.
 */
public interface Serializer {

    /**
     * Serializes a value, which may be {@code null}.
     *
     * @throws SerializationException if it cannot be serialized
     */
    String serialize(Object value);

    /**
     * Serializes a value that will be read back as {@code declaredType}. A serializer may check here that the text
     * reads back as the same value, and refuse one that does not: a value checkpointed in a form it cannot be read
     * back from would be replayed as something else. The default does not check.
     *
     * @param declaredType the type the value is read back as on replay, or {@code null} if unknown
     * @throws SerializationException if it cannot be serialized, or does not read back the same
     */
    default String serialize(Object value, Type declaredType) {
        return serialize(value);
    }

    /**
     * Deserializes text written by {@link #serialize}.
     *
     * @throws SerializationException if it cannot be read as {@code type}
     */
    <T> T deserialize(String data, Type type);

    /**
     * The default serializer: JSON through Jackson, with the Java time, JDK 8 and parameter-names modules. A value
     * with no properties Jackson can see fails to serialize (rather than being checkpointed as {@code {}}), and a
     * value that does not read back as the same JSON from its declared type fails too.
     */
    static Serializer jackson() {
        return new JacksonSerializer(JacksonSerializer.defaultMapper());
    }

    /**
     * JSON through the given, already configured, Jackson mapper. Values are checked to read back the same, as with
     * {@link #jackson()}.
     */
    static Serializer jackson(ObjectMapper mapper) {
        return new JacksonSerializer(mapper);
    }
}
