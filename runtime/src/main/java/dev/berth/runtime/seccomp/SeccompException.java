package dev.berth.runtime.seccomp;

import dev.berth.runtime.RuntimeFailure;

/**
 * A seccomp profile cannot be turned into a filter: an unknown action, operator or architecture,
 * an unsupported feature ({@code SCMP_ACT_NOTIFY}), or a program longer than the kernel allows.
 * The message is one lower-case line, prefixed {@code seccomp: }.
 */
public final class SeccompException extends RuntimeFailure {
    public SeccompException(String message) {
        super("seccomp: " + message);
    }

    public SeccompException(String message, Throwable cause) {
        super("seccomp: " + message, cause);
    }
}
