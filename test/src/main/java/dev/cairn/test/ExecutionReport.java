package dev.cairn.test;

import dev.cairn.CallbackDescription;
import dev.cairn.DurableEngine;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionDescription;
import dev.cairn.OperationDescription;
import java.util.Collection;

/**
 * The report {@link CairnExtension} prints when a test fails: every execution the test started, with its status,
 * error, operations and callbacks, as {@link DurableEngine#describe} shows them, and its history
 * ({@link DurableEngine#history}): every attempt, pause and resumption, in order.
 */
final class ExecutionReport {

    private static final int MAX_VALUE_CHARS = 200;

    private ExecutionReport() {
    }

    /** The report of {@code executionIds}, in that order, as {@code engine} describes them. */
    static String of(DurableEngine engine, Collection<String> executionIds) {
        StringBuilder out = new StringBuilder();
        out.append("Cairn: ").append(executionIds.size()).append(executionIds.size() == 1 ? " execution" : " executions")
                .append(" started by this test\n");
        for (String id : executionIds) {
            ExecutionDescription d;
            try {
                d = engine.describe(id);
            } catch (RuntimeException e) {
                out.append("\nexecution ").append(id).append(": cannot be described (").append(e).append(")\n");
                continue;
            }
            execution(out, d);
            try {
                history(out, engine.history(id));
            } catch (RuntimeException e) {
                out.append("  history: cannot be read (").append(e).append(")\n");
            }
        }
        return out.toString();
    }

    private static void execution(StringBuilder out, ExecutionDescription d) {
        out.append("\nexecution ").append(d.id()).append(d.name() == null ? "" : " '" + d.name() + "'")
                .append(" of '").append(d.function()).append("': ").append(d.status());
        if (d.parentId() != null) {
            out.append(" (invoked by ").append(d.parentId()).append(')');
        }
        out.append('\n');
        out.append("  input  ").append(cut(d.input())).append('\n');
        if (d.result() != null) {
            out.append("  result ").append(cut(d.result())).append('\n');
        }
        if (d.error() != null) {
            out.append("  error  ").append(summary(d.error())).append('\n');
        }
        if (d.wakeAt() != null) {
            out.append("  wakes at ").append(d.wakeAt()).append('\n');
        }
        out.append("  created ").append(d.createdAt()).append(d.endedAt() == null ? "" : ", ended " + d.endedAt())
                .append('\n');
        out.append("  operations:\n");
        if (d.operations().isEmpty()) {
            out.append("    (none)\n");
        }
        for (OperationDescription op : d.operations()) {
            out.append("    ").append(op.id()).append(' ').append(op.type())
                    .append(op.subType() == null ? "" : "/" + op.subType())
                    .append(op.name() == null ? "" : " '" + op.name() + "'")
                    .append(' ').append(op.status());
            if (op.attempts() > 0) {
                out.append(", attempt ").append(op.attempts());
            }
            out.append(", started ").append(op.startedAt());
            if (op.scheduledAt() != null) {
                out.append(", scheduled ").append(op.scheduledAt());
            }
            if (op.endedAt() != null) {
                out.append(", ended ").append(op.endedAt());
            }
            if (op.result() != null) {
                out.append(", result ").append(cut(op.result()));
            }
            if (op.error() != null) {
                out.append(", error ").append(summary(op.error()));
            }
            out.append('\n');
        }
        if (!d.callbacks().isEmpty()) {
            out.append("  callbacks:\n");
            for (CallbackDescription cb : d.callbacks()) {
                out.append("    ").append(cb.id()).append(" (operation ").append(cb.operationId()).append(") ")
                        .append(cb.status());
                if (cb.timeoutAt() != null) {
                    out.append(", times out ").append(cb.timeoutAt());
                }
                if (cb.heartbeatDeadline() != null) {
                    out.append(", heartbeat due ").append(cb.heartbeatDeadline());
                }
                if (cb.result() != null) {
                    out.append(", result ").append(cut(cb.result()));
                }
                if (cb.error() != null) {
                    out.append(", error ").append(summary(cb.error()));
                }
                out.append('\n');
            }
        }
    }

    private static void history(StringBuilder out, java.util.List<dev.cairn.HistoryEvent> events) {
        out.append("  history:\n");
        for (dev.cairn.HistoryEvent e : events) {
            out.append("    ").append(e.sequence()).append(' ').append(e.timestamp()).append(' ').append(e.type());
            if (e.operationId() != null) {
                out.append(' ').append(e.operationId()).append(e.name() == null ? "" : " '" + e.name() + "'");
            }
            if (e.attempt() > 0) {
                out.append(", attempt ").append(e.attempt());
            }
            if (e.scheduledAt() != null) {
                out.append(", until ").append(e.scheduledAt());
            }
            if (e.error() != null) {
                out.append(", error ").append(summary(e.error()));
            }
            out.append('\n');
        }
    }

    private static String summary(ErrorInfo error) {
        return cut(error.summary());
    }

    private static String cut(String value) {
        if (value == null) {
            return "null";
        }
        String line = value.replace("\n", "\\n");
        return line.length() <= MAX_VALUE_CHARS ? line : line.substring(0, MAX_VALUE_CHARS) + "... ("
                + line.length() + " chars)";
    }
}
