package dev.cairn.console.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.CallbackDescription;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionPage;
import dev.cairn.ExecutionStatus;
import dev.cairn.ExecutionSummary;
import dev.cairn.HistoryEvent;
import dev.cairn.OperationDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The console API's JSON documents, written field by field so that the API stays what it is documented to be when
 * the engine's records grow. Times are ISO-8601 instants, durations ISO-8601 durations, absent values {@code null}.
 * Payloads (inputs, results) are the serialized JSON text, as a string, and appear only when asked for.
 */
public final class JsonViews {

    private JsonViews() {
    }

    /** {@code {items: [...], nextCursor}}. */
    public static ObjectNode page(ExecutionPage page) {
        ObjectNode root = Json.object();
        ArrayNode items = root.putArray("items");
        for (ExecutionSummary e : page.items()) {
            ObjectNode item = items.addObject();
            item.put("id", e.id());
            item.put("name", e.name());
            item.put("function", e.function());
            item.put("status", e.status().name());
            time(item, "createdAt", e.createdAt());
            time(item, "endedAt", e.endedAt());
            time(item, "wakeAt", e.wakeAt());
            item.put("parentId", e.parentId());
            item.put("errorType", e.errorType());
        }
        root.put("nextCursor", page.nextCursor().orElse(null));
        return root;
    }

    /** {@code {counts: {STATUS: n, ...}, total}}, every status present. */
    public static ObjectNode stats(Map<ExecutionStatus, Long> counts) {
        ObjectNode root = Json.object();
        ObjectNode byStatus = root.putObject("counts");
        long total = 0;
        for (ExecutionStatus s : ExecutionStatus.values()) {
            long n = counts.getOrDefault(s, 0L);
            byStatus.put(s.name(), n);
            total += n;
        }
        root.put("total", total);
        return root;
    }

    /** An execution with its operations and callbacks; payloads and stack traces only if {@code data}. */
    public static ObjectNode description(ExecutionDescription d, boolean data) {
        ObjectNode root = Json.object();
        root.put("id", d.id());
        root.put("name", d.name());
        root.put("function", d.function());
        root.put("status", d.status().name());
        time(root, "createdAt", d.createdAt());
        time(root, "updatedAt", d.updatedAt());
        time(root, "endedAt", d.endedAt());
        time(root, "wakeAt", d.wakeAt());
        root.put("parentId", d.parentId());
        ArrayNode children = root.putArray("childExecutionIds");
        d.childExecutionIds().forEach(children::add);
        error(root, d.error(), data);
        if (data) {
            root.put("input", d.input());
            root.put("result", d.result());
        }
        ArrayNode operations = root.putArray("operations");
        for (OperationDescription o : d.operations()) {
            ObjectNode op = operations.addObject();
            op.put("id", o.id());
            op.put("parentId", o.parentId());
            op.put("type", o.type() == null ? null : o.type().name());
            op.put("subType", o.subType());
            op.put("name", o.name());
            op.put("status", o.status() == null ? null : o.status().name());
            op.put("attempts", o.attempts());
            time(op, "scheduledAt", o.scheduledAt());
            time(op, "startedAt", o.startedAt());
            time(op, "endedAt", o.endedAt());
            error(op, o.error(), data);
            if (data) {
                op.put("result", o.result());
            }
        }
        ArrayNode callbacks = root.putArray("callbacks");
        for (CallbackDescription c : d.callbacks()) {
            ObjectNode cb = callbacks.addObject();
            cb.put("id", c.id());
            cb.put("operationId", c.operationId());
            cb.put("status", c.status() == null ? null : c.status().name());
            time(cb, "timeoutAt", c.timeoutAt());
            time(cb, "heartbeatDeadline", c.heartbeatDeadline());
            time(cb, "createdAt", c.createdAt());
            time(cb, "completedAt", c.completedAt());
            error(cb, c.error(), data);
            if (data) {
                cb.put("result", c.result());
            }
        }
        return root;
    }

    /** {@code {executionId, events: [...]}}; payloads as the history read them. */
    public static ObjectNode history(String executionId, List<HistoryEvent> events) {
        ObjectNode root = Json.object();
        root.put("executionId", executionId);
        ArrayNode list = root.putArray("events");
        for (HistoryEvent e : events) {
            ObjectNode ev = list.addObject();
            ev.put("sequence", e.sequence());
            ev.put("type", e.type().name());
            time(ev, "timestamp", e.timestamp());
            ev.put("operationId", e.operationId());
            ev.put("parentId", e.parentId());
            ev.put("operationType", e.operationType() == null ? null : e.operationType().name());
            ev.put("subType", e.subType());
            ev.put("name", e.name());
            ev.put("attempt", e.attempt());
            time(ev, "scheduledAt", e.scheduledAt());
            ev.put("callbackId", e.callbackId());
            duration(ev, "timeout", e.timeout());
            duration(ev, "heartbeatTimeout", e.heartbeatTimeout());
            ev.put("payload", e.payload());
            error(ev, e.error(), true);
        }
        return root;
    }

    /** {@code {status, error, message}}: what every refusal and failure answers. */
    public static ObjectNode problem(int status, String error, String message) {
        ObjectNode root = Json.object();
        root.put("status", status);
        root.put("error", error);
        root.put("message", message);
        return root;
    }

    private static void error(ObjectNode node, ErrorInfo error, boolean stackTrace) {
        if (error == null) {
            node.putNull("error");
            return;
        }
        ObjectNode e = node.putObject("error");
        e.put("type", error.type());
        e.put("message", error.message());
        if (stackTrace) {
            e.put("stackTrace", error.stackTrace());
        }
    }

    private static void time(ObjectNode node, String field, Instant time) {
        node.put(field, time == null ? null : time.toString());
    }

    private static void duration(ObjectNode node, String field, Duration d) {
        node.put(field, d == null ? null : d.toString());
    }
}
