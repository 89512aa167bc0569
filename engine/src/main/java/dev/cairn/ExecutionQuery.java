package dev.cairn;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link DurableEngine#listExecutions(ExecutionQuery)} lists: filters, a page size and where the page starts.
 * Every filter is optional; those given must all hold. Pages are newest first (by creation time, then by id) and
 * follow each other by cursor (keyset pagination): a page starts right after the last execution of the page
 * before, so executions started while a client pages through are neither skipped nor listed twice.
 *
 * <pre>{@code
 * ExecutionPage page = engine.listExecutions(ExecutionQuery.builder()
 *         .function("order").statuses(EnumSet.of(ExecutionStatus.FAILED)).limit(100).build());
 * page.nextCursor().ifPresent(next -> engine.listExecutions(ExecutionQuery.builder().after(next).build()));
 * }</pre>
 *
 * @param function      only executions of this function, or {@code null}
 * @param statuses      only executions in one of these statuses, or {@code null} for all
 * @param namePrefix    only executions whose unique name starts with this, or {@code null}
 * @param createdAfter  only executions created at or after this instant, or {@code null}
 * @param createdBefore only executions created before this instant, or {@code null}
 * @param parentId      only executions invoked by this execution, or {@code null}
 * @param limit         at most this many executions on the page, 1 to {@value #MAX_LIMIT}
 * @param after         the position the page starts after, decoded from a cursor, or {@code null} for the first
 *                      page
 */
public record ExecutionQuery(
        String function,
        Set<ExecutionStatus> statuses,
        String namePrefix,
        Instant createdAfter,
        Instant createdBefore,
        String parentId,
        int limit,
        Position after) {

    /** The page size when none is given. */
    public static final int DEFAULT_LIMIT = 50;

    /** The largest page. */
    public static final int MAX_LIMIT = 1_000;

    /**
     * Where a page starts: right after the execution created at {@code createdAt} with id {@code id}, in the order
     * newest first.
     *
     * @param createdAt the creation time of the last execution of the page before
     * @param id        its id
     */
    public record Position(Instant createdAt, String id) {

        /** @throws NullPointerException if an argument is null */
        public Position {
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(id, "id");
        }

        /** The cursor that {@link Builder#after(String)} takes back. */
        public String cursor() {
            String plain = createdAt.toEpochMilli() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Reads a cursor made by {@link #cursor()}.
         *
         * @throws IllegalArgumentException if it is not one
         */
        public static Position ofCursor(String cursor) {
            Objects.requireNonNull(cursor, "cursor");
            String plain;
            try {
                plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw badCursor(cursor);
            }
            int colon = plain.indexOf(':');
            if (colon <= 0 || colon == plain.length() - 1) {
                throw badCursor(cursor);
            }
            try {
                return new Position(Instant.ofEpochMilli(Long.parseLong(plain.substring(0, colon))),
                        plain.substring(colon + 1));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw badCursor(cursor);
            }
        }

        private static IllegalArgumentException badCursor(String cursor) {
            String shown = cursor.length() > 80 ? cursor.substring(0, 80) + "..." : cursor;
            return new IllegalArgumentException("not a cursor of an execution page: '" + shown + "'; pass the"
                    + " nextCursor() of a page unchanged");
        }
    }

    /**
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@value #MAX_LIMIT}, {@code statuses}
     *                                  is empty, a string filter is blank, or {@code createdBefore} is not after
     *                                  {@code createdAfter}
     */
    public ExecutionQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (statuses != null) {
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("statuses is empty: no execution could match; leave it out to"
                        + " list every status");
            }
            statuses = Set.copyOf(statuses);
        }
        requireNotBlank(function, "function");
        requireNotBlank(namePrefix, "namePrefix");
        requireNotBlank(parentId, "parentId");
        if (createdAfter != null && createdBefore != null && !createdBefore.isAfter(createdAfter)) {
            throw new IllegalArgumentException("createdBefore (" + createdBefore + ") must be after createdAfter ("
                    + createdAfter + ")");
        }
    }

    private static void requireNotBlank(String value, String what) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(what + " is blank; leave it out to not filter on it");
        }
    }

    /** The first page of every execution, {@value #DEFAULT_LIMIT} at most. */
    public static ExecutionQuery all() {
        return builder().build();
    }

    /** A builder with no filter and the default limit. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether an execution passes this query's filters (not its position or limit). */
    public boolean matches(ExecutionSummary e) {
        return (function == null || function.equals(e.function()))
                && (statuses == null || statuses.contains(e.status()))
                && (namePrefix == null || (e.name() != null && e.name().startsWith(namePrefix)))
                && (createdAfter == null || !e.createdAt().isBefore(createdAfter))
                && (createdBefore == null || e.createdAt().isBefore(createdBefore))
                && (parentId == null || parentId.equals(e.parentId()));
    }

    /** Whether an execution comes after this query's position in the order newest first. */
    public boolean isAfterPosition(ExecutionSummary e) {
        if (after == null) {
            return true;
        }
        int byTime = e.createdAt().compareTo(after.createdAt());
        return byTime < 0 || (byTime == 0 && e.id().compareTo(after.id()) < 0);
    }

    /** Builds an {@link ExecutionQuery}. */
    public static final class Builder {
        private String function;
        private Set<ExecutionStatus> statuses;
        private String namePrefix;
        private Instant createdAfter;
        private Instant createdBefore;
        private String parentId;
        private int limit = DEFAULT_LIMIT;
        private Position after;

        private Builder() {
        }

        /** Only executions of the function registered under this name. */
        public Builder function(String function) {
            this.function = Objects.requireNonNull(function, "function");
            return this;
        }

        /** Only executions in one of these statuses. */
        public Builder statuses(Set<ExecutionStatus> statuses) {
            Objects.requireNonNull(statuses, "statuses");
            this.statuses = statuses.isEmpty() ? Set.of() : EnumSet.copyOf(statuses);
            return this;
        }

        /** Only executions in one of these statuses. */
        public Builder statuses(ExecutionStatus first, ExecutionStatus... more) {
            return statuses(EnumSet.of(first, more));
        }

        /** Only executions whose unique name ({@link StartOptions#named}) starts with this. */
        public Builder namePrefix(String namePrefix) {
            this.namePrefix = Objects.requireNonNull(namePrefix, "namePrefix");
            return this;
        }

        /** Only executions created at or after this instant. */
        public Builder createdAfter(Instant createdAfter) {
            this.createdAfter = Objects.requireNonNull(createdAfter, "createdAfter");
            return this;
        }

        /** Only executions created before this instant. */
        public Builder createdBefore(Instant createdBefore) {
            this.createdBefore = Objects.requireNonNull(createdBefore, "createdBefore");
            return this;
        }

        /** Only executions invoked by this execution. */
        public Builder parentId(String parentId) {
            this.parentId = Objects.requireNonNull(parentId, "parentId");
            return this;
        }

        /** At most this many executions on the page: 1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} if not set. */
        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        /**
         * The page after the one whose {@link ExecutionPage#nextCursor()} this is. Give the same filters as for that
         * page.
         *
         * @throws IllegalArgumentException if it is not such a cursor
         */
        public Builder after(String cursor) {
            this.after = Position.ofCursor(cursor);
            return this;
        }

        /**
         * @throws IllegalArgumentException if the query is invalid (see {@link ExecutionQuery})
         */
        public ExecutionQuery build() {
            return new ExecutionQuery(function, statuses, namePrefix, createdAfter, createdBefore, parentId, limit,
                    after);
        }
    }
}
