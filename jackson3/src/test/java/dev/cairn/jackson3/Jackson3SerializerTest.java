package dev.cairn.jackson3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.SerializationException;
import dev.cairn.TypeRef;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class Jackson3SerializerTest {

    record Line(String sku, int quantity) {
    }

    record Order(String id, List<Line> lines, Instant placedAt, Optional<String> note) {
    }

    record Times(Instant instant, OffsetDateTime offset, LocalDate date, Duration duration) {
    }

    /** Jackson sees no property of it. */
    static final class Opaque {
        @SuppressWarnings("unused")
        private final String secret = "s";
    }

    /** Written with a property that nothing reads back. */
    static final class WriteOnly {
        private String name;

        public WriteOnly() {
        }

        WriteOnly(String name) {
            this.name = name;
        }

        @JsonProperty(access = JsonProperty.Access.READ_ONLY)
        public String getName() {
            return name;
        }
    }

    private final Jackson3Serializer serializer = Jackson3Serializer.create();

    @Test
    void aRecordWithListsInstantsAndOptionalsRoundTrips() {
        Order order = new Order("o-1", List.of(new Line("a", 2), new Line("b", 1)),
                Instant.parse("2026-03-01T10:15:30.123Z"), Optional.of("ring twice"));
        String json = serializer.serialize(order, Order.class);
        assertTrue(json.contains("\"2026-03-01T10:15:30.123Z\""), "an instant as an ISO string: " + json);
        assertTrue(json.contains("\"ring twice\""), "an Optional as its value: " + json);
        assertEquals(order, serializer.deserialize(json, Order.class));

        Order empty = new Order("o-2", List.of(), Instant.EPOCH, Optional.empty());
        assertEquals(empty, serializer.deserialize(serializer.serialize(empty, Order.class), Order.class));
    }

    @Test
    void javaTimeValuesKeepTheirOffsetAndPrecision() {
        Times times = new Times(Instant.parse("2026-01-02T03:04:05.000000006Z"),
                OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)), LocalDate.of(2026, 2, 28),
                Duration.ofMinutes(90).plusNanos(1));
        String json = serializer.serialize(times, Times.class);
        assertTrue(json.contains("\"2026-01-02T03:04:05+02:00\""), "the offset is kept: " + json);
        assertTrue(json.contains("\"2026-02-28\""), json);
        Times back = serializer.deserialize(json, Times.class);
        assertEquals(times, back);
        assertEquals(ZoneOffset.ofHours(2), back.offset().getOffset(), "not adjusted to UTC");
    }

    @Test
    void checkpointsWrittenByTheJackson2SerializerReadBackAndViceVersa() {
        dev.cairn.spi.Serializer jackson2 = dev.cairn.spi.Serializer.jackson();
        Order order = new Order("o-1", List.of(new Line("a", 2)), Instant.parse("2026-03-01T10:15:30Z"),
                Optional.of("n"));
        assertEquals(jackson2.serialize(order, Order.class), serializer.serialize(order, Order.class),
                "the same JSON for records, instants and optionals");
        Times times = new Times(Instant.EPOCH, OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(-5)),
                LocalDate.of(2026, 1, 2), Duration.ofHours(1).plusMillis(5));
        String by2 = jackson2.serialize(times, Times.class);
        String by3 = serializer.serialize(times, Times.class);
        assertTrue(by3.contains("\"PT1H0.005S\""), "Jackson 3 writes a duration as an ISO string: " + by3);
        assertTrue(by2.contains("3600.005"), "Jackson 2 writes it as seconds: " + by2);
        assertEquals(times, serializer.deserialize(by2, Times.class));
        assertEquals(times, jackson2.deserialize(by3, Times.class));
    }

    @Test
    void genericTypesReadBackThroughTypeRef() {
        TypeRef<Map<String, List<Line>>> type = new TypeRef<>() {
        };
        Map<String, List<Line>> value = Map.of("x", List.of(new Line("a", 1)), "y", List.of());
        String json = serializer.serialize(value, type.type());
        Map<String, List<Line>> back = serializer.deserialize(json, type.type());
        assertEquals(value, back);
        assertEquals(Line.class, back.get("x").get(0).getClass(), "elements are records, not maps");
        assertEquals(List.of(Optional.of(3), Optional.empty()), serializer.deserialize("[3,null]",
                new TypeRef<List<Optional<Integer>>>() {
                }.type()));
    }

    @Test
    void nullAndPlainValuesRoundTrip() {
        assertEquals("null", serializer.serialize(null, String.class));
        assertNull(serializer.deserialize(null, String.class));
        assertEquals("\"caf\u00e9\"", serializer.serialize("caf\u00e9", String.class));
        assertEquals(42L, (long) serializer.deserialize(serializer.serialize(42L, Long.class), Long.class));
    }

    @Test
    void unknownPropertiesAreIgnoredWhenReading() {
        assertEquals(new Line("a", 1), serializer.deserialize("{\"sku\":\"a\",\"quantity\":1,\"gone\":true}",
                Line.class));
    }

    @Test
    void aValueWithNoPropertiesIsRefusedRatherThanCheckpointedAsAnEmptyObject() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.serialize(new Opaque(), Opaque.class));
        assertTrue(e.getMessage().contains(Opaque.class.getName()), e.getMessage());
    }

    @Test
    void aValueThatDoesNotReadBackTheSameIsRefused() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.serialize(new WriteOnly("kept"), WriteOnly.class));
        assertTrue(e.getMessage().contains("does not read back the same"), e.getMessage());
        assertEquals("{\"name\":\"kept\"}", serializer.serialize(new WriteOnly("kept")), "without a declared type"
                + " nothing is checked");
    }

    @Test
    void unreadableJsonFailsWithTheTypeAndWithoutQuotingThePayload() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.deserialize("{\"sku\":\"secret-payload\",\"quantity\":\"many\"}", Line.class));
        assertTrue(e.getMessage().startsWith("cannot read checkpointed JSON as " + Line.class.getName()),
                e.getMessage());
        assertFalse(e.getMessage().contains("secret-payload"), e.getMessage());
        assertTrue(e.getCause() instanceof tools.jackson.core.JacksonException);
        assertThrows(SerializationException.class, () -> serializer.deserialize("not json", Line.class));
        assertThrows(SerializationException.class, () -> serializer.deserialize("\"x\"", Integer.class));
    }

    @Test
    void theApplicationsOwnMapperIsUsed() {
        JsonMapper mapper = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        Jackson3Serializer own = Jackson3Serializer.of(mapper);
        assertSame(mapper, own.mapper());
        record Named(String firstName) {
        }
        String json = own.serialize(new Named("Ada"), Named.class);
        assertEquals("{\"first_name\":\"Ada\"}", json);
        assertEquals(new Named("Ada"), own.deserialize(json, Named.class));
        assertThrows(NullPointerException.class, () -> Jackson3Serializer.of(null));
    }
}
