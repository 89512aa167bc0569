package dev.cairn.samples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application on the Cairn starter: an order workflow ({@link OrderWorkflow}) whose manager approval
 * is a callback completed over REST ({@link OrderController}), the Cairn console at {@code /cairn/}, and the
 * actuator's health (with the {@code cairn} component) and metrics endpoints. With no DataSource configured, Cairn
 * checkpoints to an embedded H2 file in {@code ./cairn-data}; stop the application while an order waits for its
 * approval, start it again, and the order is still waiting.
 *
 * <pre>
 * curl -s -X POST localhost:8080/orders -H 'Content-Type: application/json' \
 *      -d '{"customer": "Ada", "item": "espresso machine", "quantity": 2}'
 * curl -s localhost:8080/orders/{orderId}                   # WAITING_FOR_APPROVAL, with the callback id
 * curl -s -X POST localhost:8080/approvals/{callbackId} -H 'Content-Type: application/json' \
 *      -d '{"approve": true, "approver": "Grace", "comment": "fine"}'
 * curl -s localhost:8080/orders/{orderId}                   # APPROVED, with the receipt
 * </pre>
 */
@SpringBootApplication
public class OrderApprovalApplication {

    /** Used by Spring. */
    public OrderApprovalApplication() {
    }

    /**
     * Runs the application.
     *
     * @param args Spring Boot's arguments, such as {@code --server.port=9090}
     */
    public static void main(String[] args) {
        SpringApplication.run(OrderApprovalApplication.class, args);
    }
}
