package dev.cairn.internal;

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

/** JSON through Jackson. */
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
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    @Override
    public String serialize(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
            throw new SerializationException("cannot serialize a value of type "
                    + (value == null ? "null" : value.getClass().getName()) + " as JSON: " + e.getMessage(), e);
        }
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
                    + e.getMessage(), e);
        }
    }
}
