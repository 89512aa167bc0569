package dev.cairn.samples.boot;

/** The values the order workflow takes, checkpoints and returns, and what the REST API sends and receives. */
public final class Orders {

    private Orders() {
    }

    /**
     * An order to place.
     *
     * @param customer who orders
     * @param item     what
     * @param quantity how many, at least 1
     */
    public record Order(String customer, String item, int quantity) {
    }

    /**
     * A manager's answer, the callback's result.
     *
     * @param approve  whether the order goes ahead
     * @param approver who decided
     * @param comment  why
     */
    public record Decision(boolean approve, String approver, String comment) {
    }

    /**
     * How an order ended.
     *
     * @param decision    {@code APPROVED} or {@code REJECTED}
     * @param decidedBy   the approver, or {@code nobody} when the approval timed out
     * @param comment     the approver's comment, or why it was rejected
     * @param reservation the stock reservation (released when rejected)
     * @param payment     the payment reference, or {@code null} when rejected
     */
    public record Outcome(String decision, String decidedBy, String comment, String reservation, String payment) {
    }
}
