package dev.cairn.console;

/** What a request to the console asks to do, as a {@link ConsoleAuthorizer} is told. */
public enum ConsoleAccess {
    /** Read: the page, its scripts, the list, an execution, its history, the counts. */
    READ,
    /** Change something: cancel an execution, complete or fail a callback. */
    ACTION
}
