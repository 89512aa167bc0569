package dev.cairn.test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.UnknownExecutionException;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON document of an execution's checkpoints that {@link WorkflowReplayer} reads: the execution (function,
 * input, status, result or error, times), its operations in id order and its callbacks, every field a checkpoint
 * has, nulls left out. Format {@value #FORMAT}, version {@value #VERSION}; a later version will read this one.
 */
final class HistoryJson {

    static final String FORMAT = "cairn-history";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** An execution and its checkpoints, as a document holds them. */
    record Recorded(ExecutionRecord execution, List<OperationRecord> operations, List<CallbackRecord> callbacks) {
    }

    private HistoryJson() {
    }

    static String export(ExecutionStore store, String executionId) {
        ExecutionRecord e = store.findExecution(executionId)
                .orElseThrow(() -> new UnknownExecutionException(executionId));
        History history = store.loadHistory(executionId);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode x = root.putObject("execution");
        put(x, "id", e.id());
        put(x, "name", e.name());
        put(x, "function", e.function());
        put(x, "status", e.status().name());
        put(x, "input", e.input());
        put(x, "output", e.output());
        error(x, e.error());
        put(x, "createdAt", e.createdAt());
        put(x, "updatedAt", e.updatedAt());
        put(x, "endedAt", e.endedAt());
        put(x, "wakeAt", e.wakeAt());
        put(x, "timeoutAt", e.timeoutAt());
        put(x, "parentId", e.parentId());
        ArrayNode ops = root.putArray("operations");
        List<OperationRecord> sorted = new ArrayList<>(history.operations());
        sorted.sort(Comparator.comparing(OperationRecord::operationId, HistoryJson::compareIds));
        for (OperationRecord op : sorted) {
            ObjectNode o = ops.addObject();
            put(o, "id", op.operationId());
            put(o, "parentId", op.parentId());
            put(o, "type", op.type().name());
            put(o, "subType", op.subType());
            put(o, "name", op.name());
            put(o, "status", op.status().name());
            o.put("attempt", op.attempt());
            put(o, "result", op.result());
            error(o, op.error());
            put(o, "scheduledAt", op.scheduledAt());
            put(o, "startedAt", op.startedAt());
            put(o, "endedAt", op.endedAt());
        }
        ArrayNode cbs = root.putArray("callbacks");
        List<CallbackRecord> callbacks = new ArrayList<>(history.callbacks());
        callbacks.sort(Comparator.comparing(CallbackRecord::operationId, HistoryJson::compareIds)
                .thenComparing(CallbackRecord::id));
        for (CallbackRecord cb : callbacks) {
            ObjectNode c = cbs.addObject();
            put(c, "id", cb.id());
            put(c, "operationId", cb.operationId());
            put(c, "status", cb.status().name());
            put(c, "result", cb.result());
            error(c, cb.error());
            put(c, "timeoutAt", cb.timeoutAt());
            put(c, "heartbeatTimeout", cb.heartbeatTimeout() == null ? null : cb.heartbeatTimeout().toString());
            put(c, "heartbeatDeadline", cb.heartbeatDeadline());
            put(c, "createdAt", cb.createdAt());
            put(c, "completedAt", cb.completedAt());
            put(c, "resultType", cb.resultType());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write the history of execution " + executionId, ex);
        }
    }

    /** @throws IllegalArgumentException if {@code json} is not a history document this version reads */
    static Recorded parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a Cairn history document (not JSON): " + e.getOriginalMessage(), e);
        }
        if (root == null || !FORMAT.equals(text(root, "format"))) {
            throw new IllegalArgumentException("not a Cairn history document: it has no \"format\": \"" + FORMAT
                    + "\"; write one with TestEngine.exportHistory(id) or WorkflowReplayer.exportHistory(store, id)");
        }
        int version = root.path("version").asInt(-1);
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException("Cairn history document version " + version + " is not one this kit"
                    + " reads (1 to " + VERSION + ")");
        }
        JsonNode x = root.path("execution");
        String id = required(x, "id", "execution");
        ExecutionRecord execution = ExecutionRecord.builder()
                .id(id)
                .name(text(x, "name"))
                .function(required(x, "function", "execution " + id))
                .status(ExecutionStatus.valueOf(required(x, "status", "execution " + id)))
                .input(required(x, "input", "execution " + id))
                .output(text(x, "output"))
                .error(error(x))
                .createdAt(instant(x, "createdAt"))
                .updatedAt(instant(x, "updatedAt"))
                .endedAt(instant(x, "endedAt"))
                .wakeAt(instant(x, "wakeAt"))
                .timeoutAt(instant(x, "timeoutAt"))
                .parentId(text(x, "parentId"))
                .build();
        List<OperationRecord> operations = new ArrayList<>();
        for (JsonNode o : root.path("operations")) {
            String opId = required(o, "id", "an operation");
            operations.add(new OperationRecord(id, opId, text(o, "parentId"),
                    OperationType.valueOf(required(o, "type", "operation " + opId)), text(o, "subType"),
                    text(o, "name"), OperationStatus.valueOf(required(o, "status", "operation " + opId)),
                    o.path("attempt").asInt(0), text(o, "result"), error(o), instant(o, "scheduledAt"),
                    instant(o, "startedAt"), instant(o, "endedAt")));
        }
        List<CallbackRecord> callbacks = new ArrayList<>();
        for (JsonNode c : root.path("callbacks")) {
            String cbId = required(c, "id", "a callback");
            String beat = text(c, "heartbeatTimeout");
            callbacks.add(new CallbackRecord(cbId, id, required(c, "operationId", "callback " + cbId),
                    CallbackStatus.valueOf(required(c, "status", "callback " + cbId)), text(c, "result"), error(c),
                    instant(c, "timeoutAt"), beat == null ? null : Duration.parse(beat), instant(c, "heartbeatDeadline"),
                    instant(c, "createdAt"), instant(c, "completedAt"), text(c, "resultType")));
        }
        return new Recorded(execution, operations, callbacks);
    }

    /** Orders operation ids as the engine numbers them: "2" before "10", "3" before "3-1" before "4". */
    static int compareIds(String a, String b) {
        String[] pa = a.split("-");
        String[] pb = b.split("-");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c;
            try {
                c = Long.compare(Long.parseLong(pa[i]), Long.parseLong(pb[i]));
            } catch (NumberFormatException e) {
                c = pa[i].compareTo(pb[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void put(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    private static void error(ObjectNode node, ErrorInfo error) {
        if (error != null) {
            ObjectNode e = node.putObject("error");
            put(e, "type", error.type());
            put(e, "message", error.message());
            put(e, "stackTrace", error.stackTrace());
        }
    }

    private static ErrorInfo error(JsonNode node) {
        JsonNode e = node.get("error");
        if (e == null || e.isNull()) {
            return null;
        }
        return new ErrorInfo(required(e, "type", "an error"), text(e, "message"), text(e, "stackTrace"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String required(JsonNode node, String field, String of) {
        String value = text(node, field);
        if (value == null) {
            throw new IllegalArgumentException("the history document gives no \"" + field + "\" for " + of);
        }
        return value;
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        return value == null ? null : Instant.parse(value);
    }
}
