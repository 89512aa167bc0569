package dev.cairn.samples.boot;

import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CallbackDescription;
import dev.cairn.CallbackStatus;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.SerializationException;
import dev.cairn.UnknownCallbackException;
import dev.cairn.UnknownExecutionException;
import dev.cairn.samples.boot.Orders.Decision;
import dev.cairn.samples.boot.Orders.Order;
import dev.cairn.samples.boot.Orders.Outcome;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST API: {@code POST /orders} starts an order, {@code GET /orders/{id}} shows where it stands (with the
 * callback ids of the approvals it waits for), {@code POST /approvals/{callbackId}} completes an approval.
 */
@RestController
public class OrderController {

    private final DurableEngine engine;

    /**
     * The controller.
     *
     * @param engine the engine the starter built
     */
    public OrderController(DurableEngine engine) {
        this.engine = engine;
    }

    /**
     * Where an order stands.
     *
     * @param orderId          the order's id (its execution's id)
     * @param status           {@code WAITING_FOR_APPROVAL}, the outcome's decision ({@code APPROVED},
     *                         {@code REJECTED}), or the execution's status otherwise ({@code RUNNING},
     *                         {@code FAILED}...)
     * @param pendingApprovals the callback ids that {@code POST /approvals/{callbackId}} completes
     * @param outcome          how it ended, once it has
     * @param error            why it failed, if it did
     */
    public record OrderView(String orderId, String status, List<String> pendingApprovals, Outcome outcome,
                            String error) {
    }

    /**
     * Starts an order.
     *
     * @param order the order
     * @return 202 with the order's view and its location
     */
    @PostMapping("/orders")
    public ResponseEntity<OrderView> placeOrder(@RequestBody Order order) {
        if (order.quantity() < 1 || order.item() == null || order.item().isBlank()) {
            throw new IllegalArgumentException("an order needs an item and a quantity of at least 1");
        }
        ExecutionHandle<Outcome> h = engine.startExecution(OrderWorkflow.class, order);
        return ResponseEntity.accepted().location(URI.create("/orders/" + h.executionId()))
                .body(new OrderView(h.executionId(), h.status().name(), List.of(), null, null));
    }

    /**
     * Shows an order.
     *
     * @param orderId the order's id
     * @return its view
     */
    @GetMapping("/orders/{orderId}")
    public OrderView order(@PathVariable String orderId) {
        ExecutionDescription execution = engine.describe(orderId);
        ExecutionHandle<Outcome> h = engine.handle(orderId, Outcome.class);
        ExecutionStatus status = execution.status();
        if (status == ExecutionStatus.SUCCEEDED) {
            Outcome outcome = h.result();
            return new OrderView(orderId, outcome.decision(), List.of(), outcome, null);
        }
        if (status.isTerminal()) {
            String error;
            try {
                h.result();
                error = null;
            } catch (ExecutionFailedException e) {
                error = e.getMessage();
            }
            return new OrderView(orderId, status.name(), List.of(), null, error);
        }
        List<String> pending = execution.callbacks().stream().filter(c -> c.status() == CallbackStatus.PENDING)
                .map(CallbackDescription::id).toList();
        return new OrderView(orderId, pending.isEmpty() ? status.name() : "WAITING_FOR_APPROVAL", pending, null, null);
    }

    /**
     * Completes an approval: the order's execution resumes with the decision.
     *
     * @param callbackId the callback id, from {@code GET /orders/{id}}
     * @param decision   the decision
     * @return 202
     */
    @PostMapping("/approvals/{callbackId}")
    public ResponseEntity<Map<String, String>> decide(@PathVariable String callbackId, @RequestBody Decision decision) {
        engine.completeCallback(callbackId, decision);
        return ResponseEntity.accepted().body(Map.of("callbackId", callbackId, "result", "accepted"));
    }

    /** @return 404 for an unknown order or callback */
    @ExceptionHandler({UnknownExecutionException.class, UnknownCallbackException.class})
    ResponseEntity<Map<String, String>> notFound(RuntimeException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("message", e.getMessage()));
    }

    /** @return 409 for an approval already given, timed out, or of an order that has ended */
    @ExceptionHandler(CallbackAlreadyCompletedException.class)
    ResponseEntity<Map<String, String>> conflict(RuntimeException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("message", e.getMessage()));
    }

    /** @return 400 for an order or a decision that cannot be taken */
    @ExceptionHandler({IllegalArgumentException.class, SerializationException.class})
    ResponseEntity<Map<String, String>> badRequest(RuntimeException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("message", e.getMessage()));
    }
}
