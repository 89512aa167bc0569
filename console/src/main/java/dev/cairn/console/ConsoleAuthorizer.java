package dev.cairn.console;

/**
 * Decides whether a request to the console may go ahead: the application's own rule, on top of the console's
 * (actions are refused unless enabled, an action needs the console's header and a matching origin). It is called
 * for every request the console routes, after those checks and before anything is read or changed; a refusal is
 * answered with 403.
 *
 * <pre>{@code
 * ConsoleHandler.builder(engine).actionsEnabled(true)
 *     .authorizer((request, access) -> access == ConsoleAccess.READ
 *             || request.principal().map(p -> p.getName().equals("ops")).orElse(false))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface ConsoleAuthorizer {

    /** Lets every request through: the default. */
    ConsoleAuthorizer ALLOW_ALL = (request, access) -> true;

    /**
     * Whether the request may go ahead.
     *
     * @param request the request, with its headers and the principal the server authenticated, if any
     * @param access  {@link ConsoleAccess#ACTION} for a request that changes something, else
     *                {@link ConsoleAccess#READ}
     * @return {@code true} to let it through, {@code false} to answer 403
     */
    boolean allows(ConsoleRequest request, ConsoleAccess access);
}
