package dev.cairn.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.ExecutionContextPropagator;
import dev.cairn.ExecutionContextPropagator.Attachment;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's context propagators as one: captures and encodes what is stored with a new execution (the rules of
 * {@link ExecutionContextPropagator}: printable entries, {@value ExecutionContextPropagator#MAX_CONTEXT_BYTES} bytes
 * at most), decodes it for each run, and attaches it around the execution's code. What a propagator throws is
 * logged and goes no further. With no propagator, {@link #active()} is false and nothing is captured or attached.
 *
 * <p>The stored form is a JSON object of strings, written once, in the execution's row.
 */
public final class ContextPropagation {

    private static final Logger log = LoggerFactory.getLogger(ContextPropagation.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() { };

    /** No propagator. */
    public static final ContextPropagation NONE = new ContextPropagation(List.of());

    private final ExecutionContextPropagator[] propagators;

    public ContextPropagation(List<ExecutionContextPropagator> propagators) {
        this.propagators = propagators.toArray(new ExecutionContextPropagator[0]);
    }

    /** Whether there is a propagator. */
    public boolean active() {
        return propagators.length > 0;
    }

    /**
     * What the propagators capture for a new execution, encoded for the store; {@code null} when there is no
     * propagator or they captured nothing that may be stored.
     */
    public String capture(ExecutionContextPropagator.Starting execution) {
        if (propagators.length == 0) {
            return null;
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (ExecutionContextPropagator propagator : propagators) {
            Map<String, String> captured;
            try {
                captured = propagator.capture(execution);
            } catch (Throwable t) {
                rethrowFatal(t);
                log.warn("context propagator {} threw from capture for execution {}; nothing of it is stored",
                        propagator.getClass().getName(), execution.executionId(), t);
                continue;
            }
            if (captured == null) {
                continue;
            }
            captured.forEach((key, value) -> {
                String problem = problem(key, value);
                if (problem != null) {
                    log.warn("context propagator {} captured an entry {} for execution {}; it is not stored",
                            propagator.getClass().getName(), problem, execution.executionId());
                } else {
                    entries.remove(key); // a later propagator's entry replaces an earlier one, in its own place
                    entries.put(key, value);
                }
            });
        }
        return encode(entries, execution.executionId());
    }

    /** Why an entry may not be stored, or null. */
    private static String problem(String key, String value) {
        if (key == null || key.isEmpty()) {
            return "with an empty key";
        }
        if (value == null) {
            return "'" + UserText.quote(key) + "' without a value";
        }
        String problem = UserText.unprintable(key);
        if (problem != null) {
            return "whose key '" + UserText.quote(escapeControls(key)) + "' contains " + problem;
        }
        problem = UserText.unprintable(value);
        if (problem != null) {
            return "'" + UserText.quote(key) + "' whose value contains " + problem;
        }
        return null;
    }

    /** {@code text} with every control character written as {@code \\uXXXX}, for a log line. */
    private static String escapeControls(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    /**
     * The entries as stored: all of them while they fit in the limit; otherwise those before the first that would
     * pass it. {@code null} for none.
     */
    static String encode(Map<String, String> entries, String executionId) {
        if (entries.isEmpty()) {
            return null;
        }
        String all = json(entries);
        if (utf8Length(all) <= ExecutionContextPropagator.MAX_CONTEXT_BYTES) {
            return all;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        String encoded = null;
        List<String> dropped = new java.util.ArrayList<>();
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            if (!dropped.isEmpty()) {
                dropped.add(entry.getKey());
                continue;
            }
            kept.put(entry.getKey(), entry.getValue());
            String candidate = json(kept);
            if (utf8Length(candidate) > ExecutionContextPropagator.MAX_CONTEXT_BYTES) {
                kept.remove(entry.getKey());
                dropped.add(entry.getKey());
            } else {
                encoded = candidate;
            }
        }
        log.warn("the context captured for execution {} takes {} bytes, more than the {} stored; entries {} are"
                + " dropped", executionId, utf8Length(all), ExecutionContextPropagator.MAX_CONTEXT_BYTES,
                dropped.stream().map(UserText::quote).toList());
        return encoded;
    }

    private static String json(Map<String, String> entries) {
        try {
            return JSON.writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings could not be written as JSON", e);
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The entries of a stored context, in their stored order; empty for {@code null}, or, with a warning, for text
     * that is not a JSON object of strings (a row written by hand, say): a run never fails for its context.
     */
    public static Map<String, String> decode(String stored, String executionId) {
        if (stored == null) {
            return Map.of();
        }
        try {
            LinkedHashMap<String, String> entries = JSON.readValue(stored, MAP);
            return entries == null ? Map.of() : Collections.unmodifiableMap(entries);
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("the stored context of execution {} is not a JSON object of strings ({}); it is ignored",
                    executionId, e.getMessage());
            return Map.of();
        }
    }

    /**
     * Attaches the context around code of an execution on the current thread; the result closes every propagator's
     * attachment, in the reverse order.
     */
    public Attachment attach(ExecutionContextPropagator.Running code) {
        if (propagators.length == 0) {
            return Attachment.NONE;
        }
        Attachment[] attached = new Attachment[propagators.length];
        for (int i = 0; i < propagators.length; i++) {
            try {
                attached[i] = propagators[i].attach(code);
            } catch (Throwable t) {
                rethrowFatal(t);
                log.warn("context propagator {} threw from attach for execution {}; ignored",
                        propagators[i].getClass().getName(), code.executionId(), t);
            }
        }
        return () -> {
            for (int i = attached.length - 1; i >= 0; i--) {
                if (attached[i] == null) {
                    continue;
                }
                try {
                    attached[i].close();
                } catch (Throwable t) {
                    rethrowFatal(t);
                    log.warn("context propagator {} threw when an attachment for execution {} was closed; ignored",
                            propagators[i].getClass().getName(), code.executionId(), t);
                }
            }
        };
    }

    private static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }
}
