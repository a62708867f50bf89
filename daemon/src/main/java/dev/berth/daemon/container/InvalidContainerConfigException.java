package dev.berth.daemon.container;

/**
 * A create request Berth refuses, with one line that names the field or option and the reason,
 * worded as dockerd words it where it has a message for the case
 * ({@code invalid mount config for type "bind": bind source path does not exist: /nope}) so that
 * scripts matching Docker's errors keep working. The API maps it to 400 (invalid argument).
 */
public class InvalidContainerConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidContainerConfigException(String message) {
        super(message);
    }

    public InvalidContainerConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
