package dev.berth.runtime;

/**
 * A runtime operation failed for a reason the user can act on. The message is one lower-case
 * line naming the object and the cause ({@code container "x" does not exist}); the CLI prints
 * it as {@code berth-runtime: <message>} and exits with {@link #exitCode()}.
 */
public class RuntimeFailure extends Exception {
    private final int exitCode;

    public RuntimeFailure(String message) {
        this(message, 1, null);
    }

    public RuntimeFailure(String message, Throwable cause) {
        this(message, 1, cause);
    }

    public RuntimeFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
