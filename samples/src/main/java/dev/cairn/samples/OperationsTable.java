package dev.cairn.samples;

import dev.cairn.ExecutionDescription;
import dev.cairn.OperationDescription;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Prints an execution's operations from {@code engine.describe(id)} as a table, the way a console shows them. */
final class OperationsTable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final String[] HEADERS = {"id", "type", "name", "status", "attempts", "started (UTC)",
            "ended (UTC)", "duration"};

    private OperationsTable() {
    }

    static void print(ExecutionDescription execution, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (OperationDescription op : execution.operations()) {
            String indent = op.parentId() == null ? "" : "  ".repeat(op.id().split("-").length - 1);
            rows.add(new String[] {
                    op.id(),
                    op.type() + (op.subType() == null ? "" : "/" + op.subType()),
                    indent + (op.name() == null ? "" : op.name()),
                    op.status().toString(),
                    String.valueOf(op.attempts()),
                    time(op.startedAt()),
                    time(op.endedAt()),
                    duration(op.startedAt(), op.endedAt())});
        }
        int[] widths = new int[HEADERS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        out.printf("Execution %s (%s): %s, %d operations%n", execution.id(), execution.function(),
                execution.status(), execution.operations().size());
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = rows.get(r)[i];
                boolean right = i == 4 || i == 7; // numbers
                line.append(right ? pad(cell, widths[i], true) : pad(cell, widths[i], false)).append("  ");
            }
            out.println(line.toString().stripTrailing());
            if (r == 0) {
                int total = 0;
                for (int w : widths) {
                    total += w + 2;
                }
                out.println("-".repeat(total - 2));
            }
        }
    }

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    static String duration(Instant start, Instant end) {
        if (start == null || end == null) {
            return "-";
        }
        return format(Duration.between(start, end));
    }

    /** {@code 12 ms}, {@code 10.004 s}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format("%d.%03d s", ms / 1000, ms % 1000);
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(width - s.length());
        return right ? spaces + s : s + spaces;
    }
}
