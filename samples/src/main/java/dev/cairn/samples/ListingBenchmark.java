package dev.cairn.samples;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionPage;
import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionStatus;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code listing-benchmark}: how long {@link DurableEngine#listExecutions} takes on a table of {@code --rows}
 * executions (1,000,000): the first page of 100 with no filter and with each filter, and the 100th page reached by
 * cursor. Each query is timed {@value #REPEATS} times; the median and the slowest are printed. It runs twice on the
 * same rows: before the database has gathered statistics on them (as a new deployment sees its tables; this
 * PostgreSQL runs without autovacuum), and after {@code ANALYZE}.
 *
 * <p>The rows are written with one {@code INSERT ... SELECT} per 100,000, as a long-running application would have
 * left them: ten functions; 90% succeeded, 5% failed, 3% suspended, 2% pending; one in ten named
 * ({@code order-<n>}); one in twenty invoked by one of 50 parents; three executions created each second, the
 * newest last. With {@code --keep} the rows stay in the tables afterwards, to look at the plans.
 */
final class ListingBenchmark {

    private static final int CHUNK = 100_000;
    private static final int REPEATS = 7;
    private static final int PAGE = 100;

    private ListingBenchmark() {
    }

    static int run(String[] argv) throws Exception {
        return run(argv, System.out);
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        SampleArgs args = SampleArgs.parse(argv, java.util.Set.of("keep"), "data", "store", "url", "user", "password",
                "rows");
        Path data = args.freshDataDir("listing-benchmark");
        BenchDatabase db = BenchDatabase.of(args, data);
        int rows = args.positiveInt("rows", 1_000_000);
        out.printf("listing-benchmark on %s: pages of %d out of %,d executions%n%n", db.describe(), PAGE, rows);
        try (HikariDataSource pool = db.pool("cairn-listing-benchmark", 4)) {
            JdbcExecutionStore store = db.store(pool);
            store.initialize();
            db.cleanCairnTables(pool);
            long t0 = System.nanoTime();
            fill(db, pool, rows);
            out.printf("wrote %,d executions in %.1f s%n%n", rows, (System.nanoTime() - t0) / 1e9);
            try (DurableEngine engine = DurableEngine.builder().store(store).build()) {
                List<Query> queries = queries(rows);
                List<double[]> unanalyzed = measure(engine, queries);
                analyze(db, pool);
                List<double[]> analyzed = measure(engine, queries);
                out.printf("%-44s %6s %22s %22s%n", "query (page of 100)", "rows", "not analyzed ms", "analyzed ms");
                out.printf("%-44s %6s %11s %10s %11s %10s%n", "", "", "median", "max", "median", "max");
                for (int i = 0; i < queries.size(); i++) {
                    double[] a = unanalyzed.get(i);
                    double[] b = analyzed.get(i);
                    out.printf("%-44s %6d %11.2f %10.2f %11.2f %10.2f%n", queries.get(i).label(), (int) a[2], a[0],
                            a[1], b[0], b[1]);
                }
            }
            if (!args.flag("keep")) {
                db.cleanCairnTables(pool);
            }
        }
        out.println();
        out.println("Each query is the engine's listExecutions, timed " + REPEATS + " times after one untimed run;"
                + " the 100th page is the query after 99 pages followed by cursor.");
        out.println("Rerun: java -jar samples/target/cairn-samples.jar listing-benchmark --store " + db.store()
                + (db.isH2() ? "" : " --url " + db.url() + " --user " + db.user()) + " --rows " + rows);
        return 0;
    }

    /** A query to time: how to build it (the 100th page is found by following cursors first). */
    private record Query(String label, Supplier<ExecutionQuery.Builder> filters, int page) {
    }

    private static List<Query> queries(int rows) {
        Instant newest = T0.plusSeconds(rows / 3);
        List<Query> queries = new ArrayList<>();
        queries.add(new Query("no filter, first page", ExecutionQuery::builder, 1));
        queries.add(new Query("no filter, 100th page", ExecutionQuery::builder, 100));
        queries.add(new Query("function", () -> ExecutionQuery.builder().function("fn-3"), 1));
        queries.add(new Query("function, 100th page", () -> ExecutionQuery.builder().function("fn-3"), 100));
        queries.add(new Query("status FAILED", () -> ExecutionQuery.builder()
                .statuses(EnumSet.of(ExecutionStatus.FAILED)), 1));
        queries.add(new Query("status FAILED, 100th page", () -> ExecutionQuery.builder()
                .statuses(EnumSet.of(ExecutionStatus.FAILED)), 100));
        queries.add(new Query("statuses FAILED or PENDING", () -> ExecutionQuery.builder()
                .statuses(EnumSet.of(ExecutionStatus.FAILED, ExecutionStatus.PENDING)), 1));
        queries.add(new Query("function and status SUSPENDED", () -> ExecutionQuery.builder().function("fn-5")
                .statuses(EnumSet.of(ExecutionStatus.SUSPENDED)), 1));
        queries.add(new Query("name prefix order-99", () -> ExecutionQuery.builder().namePrefix("order-99"), 1));
        queries.add(new Query("created in the oldest tenth", () -> ExecutionQuery.builder()
                .createdBefore(T0.plusSeconds(rows / 30)), 1));
        queries.add(new Query("created in a one-hour window", () -> ExecutionQuery.builder()
                .createdAfter(newest.minusSeconds(3 * 3600)).createdBefore(newest.minusSeconds(2 * 3600)), 1));
        queries.add(new Query("parent", () -> ExecutionQuery.builder().parentId("parent-21"), 1));
        return queries;
    }

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Each query's median and slowest time in ms, and the rows of its page. */
    private static List<double[]> measure(DurableEngine engine, List<Query> queries) {
        List<double[]> results = new ArrayList<>();
        for (Query q : queries) {
            ExecutionQuery query = q.filters().get().limit(PAGE).build();
            for (int p = 1; p < q.page(); p++) {
                ExecutionPage page = engine.listExecutions(query);
                if (page.nextCursor().isEmpty()) {
                    break;
                }
                query = q.filters().get().limit(PAGE).after(page.nextCursor().get()).build();
            }
            int size = engine.listExecutions(query).items().size(); // untimed: the first run of a new statement
            double[] times = new double[REPEATS];
            for (int i = 0; i < REPEATS; i++) {
                long start = System.nanoTime();
                engine.listExecutions(query);
                times[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(times);
            results.add(new double[] {times[REPEATS / 2], times[REPEATS - 1], size});
        }
        return results;
    }

    /** Writes {@code n} executions, {@value #CHUNK} rows a statement. */
    private static void fill(BenchDatabase db, HikariDataSource pool, int n) throws SQLException {
        String g = "g";
        String status = "CASE WHEN MOD(g, 100) < 90 THEN 'SUCCEEDED' WHEN MOD(g, 100) < 95 THEN 'FAILED'"
                + " WHEN MOD(g, 100) < 98 THEN 'SUSPENDED' ELSE 'PENDING' END";
        String created = T0.toEpochMilli() + " + FLOOR(g / 3) * 1000";
        String ended = "CASE WHEN MOD(g, 100) < 95 THEN " + created + " + 50 ELSE NULL END";
        String errorType = "CASE WHEN MOD(g, 100) >= 90 AND MOD(g, 100) < 95 THEN 'java.lang.IllegalStateException'"
                + " ELSE NULL END";
        String name = "CASE WHEN MOD(g, 10) = 0 THEN " + concat(db, "'order-'", text(db, g)) + " ELSE NULL END";
        String parent = "CASE WHEN MOD(g, 20) = 1 THEN " + concat(db, "'parent-'", text(db, "MOD(g, 1000)"))
                + " ELSE NULL END";
        String id = concat(db, "'x'", "LPAD(" + text(db, g) + ", 10, '0')");
        for (int from = 1; from <= n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK - 1);
            execute(pool, "INSERT INTO " + BenchDatabase.PREFIX + "executions (id, name, function_name, status,"
                    + " input, error_type, created_at, updated_at, ended_at, version, signals, parent_id) SELECT "
                    + id + ", " + name + ", " + concat(db, "'fn-'", text(db, "MOD(g, 10)")) + ", " + status
                    + ", '\"x\"', " + errorType + ", " + created + ", " + created + ", " + ended + ", 1, 0, " + parent
                    + " FROM " + numbers(db, from, to));
        }
    }

    private static String text(BenchDatabase db, String expr) {
        return db.store().equals("mariadb") ? "CAST(" + expr + " AS CHAR)" : "CAST(" + expr + " AS VARCHAR)";
    }

    private static String concat(BenchDatabase db, String a, String b) {
        return db.store().equals("mariadb") ? "CONCAT(" + a + ", " + b + ")" : a + " || " + b;
    }

    /** A table of the numbers {@code from..to} in column {@code g}. */
    private static String numbers(BenchDatabase db, int from, int to) {
        return switch (db.store()) {
            case "postgres" -> "generate_series(" + from + ", " + to + ") AS t(g)";
            case "mariadb" -> "(SELECT seq AS g FROM seq_" + from + "_to_" + to + ") t";
            default -> "SYSTEM_RANGE(" + from + ", " + to + ") t(g)";
        };
    }

    private static void analyze(BenchDatabase db, HikariDataSource pool) throws SQLException {
        switch (db.store()) {
            case "postgres" -> execute(pool, "ANALYZE " + BenchDatabase.PREFIX + "executions");
            case "mariadb" -> execute(pool, "ANALYZE TABLE " + BenchDatabase.PREFIX + "executions");
            default -> execute(pool, "ANALYZE");
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
