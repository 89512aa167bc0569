package dev.cairn.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.SerializationException;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    /** An operation's own serializer that breaks the rule: it returns no text. */
    static final class ReturnsNull implements Serializer {
        @Override
        public String serialize(Object value) {
            return null;
        }

        @Override
        public <T> T deserialize(String data, Type type) {
            return null;
        }
    }

    private final Payloads payloads = new Payloads(Serializer.jackson(), 64);

    @Test
    void aSerializerThatReturnsNullIsNamedInTheError() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> payloads.encode(new ReturnsNull(), "x", String.class, "the result of step 's'"));
        assertTrue(e.getMessage().contains("the serializer " + ReturnsNull.class.getName() + " returned null"),
                e.getMessage());
    }

    @Test
    void textOverTheLimitIsRefusedByEncodeAndLeftOutByEncodeUnlessTooLarge() {
        String big = "y".repeat(100);
        SerializationException e = assertThrows(SerializationException.class,
                () -> payloads.encode(null, big, String.class, "the result"));
        assertTrue(e.getMessage().contains("is 102 bytes when serialized; the limit is 64 bytes"), e.getMessage());
        assertNull(payloads.encodeUnlessTooLarge(null, big, String.class, "the result"));
    }
}
