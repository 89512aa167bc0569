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
     * Deserializes text written by {@link #serialize}.
     *
     * @throws SerializationException if it cannot be read as {@code type}
     */
    <T> T deserialize(String data, Type type);

    /** The default serializer: JSON through Jackson, with the Java time, JDK 8 and parameter-names modules. */
    static Serializer jackson() {
        return new JacksonSerializer(JacksonSerializer.defaultMapper());
    }

    /** JSON through the given, already configured, Jackson mapper. */
    static Serializer jackson(ObjectMapper mapper) {
        return new JacksonSerializer(mapper);
    }
}
