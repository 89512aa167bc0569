package dev.cairn.console.internal;

import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code GET api/executions}'s query string as an {@link ExecutionQuery}: {@code function}, {@code status}
 * (repeatable, or comma-separated), {@code namePrefix}, {@code createdAfter} and {@code createdBefore} (ISO-8601
 * instants), {@code parentId}, {@code limit} and {@code cursor}.
 */
public final class ExecutionQueryParameters {

    /** The parameter names {@code GET api/executions} takes. */
    public static final Set<String> NAMES = Set.of("function", "status", "namePrefix", "createdAfter",
            "createdBefore", "parentId", "limit", "cursor");

    private ExecutionQueryParameters() {
    }

    /**
     * The query the parameters describe.
     *
     * @throws BadRequestException if a parameter is unknown, malformed, or the query they make is invalid
     */
    public static ExecutionQuery parse(String rawQuery) {
        QueryParameters p = QueryParameters.parse(rawQuery, NAMES);
        ExecutionQuery.Builder b = ExecutionQuery.builder();
        try {
            p.single("function").ifPresent(b::function);
            p.single("namePrefix").ifPresent(b::namePrefix);
            p.single("parentId").ifPresent(b::parentId);
            p.single("createdAfter").ifPresent(v -> b.createdAfter(instant("createdAfter", v)));
            p.single("createdBefore").ifPresent(v -> b.createdBefore(instant("createdBefore", v)));
            p.single("limit").ifPresent(v -> b.limit(limit(v)));
            p.single("cursor").ifPresent(b::after);
            if (!p.all("status").isEmpty()) {
                Set<ExecutionStatus> statuses = EnumSet.noneOf(ExecutionStatus.class);
                for (String value : p.all("status")) {
                    for (String part : value.split(",", -1)) {
                        statuses.add(status(part.trim()));
                    }
                }
                b.statuses(statuses);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 instant such as 2025-01-31T09:30:00Z, was '"
                    + Text.shorten(value) + "'");
        }
    }

    private static int limit(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException("limit must be a whole number from 1 to " + ExecutionQuery.MAX_LIMIT
                    + ", was '" + Text.shorten(value) + "'");
        }
    }

    private static ExecutionStatus status(String value) {
        try {
            return ExecutionStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("status '" + Text.shorten(value) + "' is not one of "
                    + String.join(", ", Arrays.stream(ExecutionStatus.values()).map(Enum::name).toList()));
        }
    }
}
