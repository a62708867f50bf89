package dev.berth.image;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * The one error type of the image module. Its {@link Kind} says what went wrong in terms a
 * caller can act on, and the daemon maps each kind to one HTTP status in one place
 * ({@code NOT_FOUND} → 404, {@code CONFLICT} → 409, {@code INVALID_ARGUMENT} → 400,
 * {@code UNAVAILABLE} → 503, {@code PERMISSION_DENIED} and {@code INTERNAL} → 500).
 *
 * <p>The message is what the user sees: one line, lower-case, naming the object and the
 * cause ({@code blob sha256:3f…: digest mismatch: got sha256:91…}). Where Docker's clients or
 * tests match Docker's exact wording, the message is Docker's ({@code No such image:
 * busybox:latest}, {@code conflict: unable to delete 3f5ef9003cef (must be forced) - image is
 * referenced in multiple repositories}).
 */
public final class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is, for callers that react to it or map it to a status. */
    public enum Kind {
        NOT_FOUND,
        CONFLICT,
        INVALID_ARGUMENT,
        UNAVAILABLE,
        /**
         * The data root refused a write ({@code EACCES}, {@code EPERM}, {@code EROFS}): a problem
         * of the host, not of the request, which only an administrator can fix.
         */
        PERMISSION_DENIED,
        INTERNAL
    }

    private final Kind kind;

    public ImageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ImageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static ImageException notFound(String message) {
        return new ImageException(Kind.NOT_FOUND, message);
    }

    public static ImageException conflict(String message) {
        return new ImageException(Kind.CONFLICT, message);
    }

    public static ImageException invalid(String message) {
        return new ImageException(Kind.INVALID_ARGUMENT, message);
    }

    public static ImageException invalid(String message, Throwable cause) {
        return new ImageException(Kind.INVALID_ARGUMENT, message, cause);
    }

    public static ImageException internal(String message, Throwable cause) {
        return new ImageException(Kind.INTERNAL, message, cause);
    }

    /**
     * An I/O failure while working on {@code object}, worded by the convention:
     * {@code write blob sha256:3f…: no space left on device}. A full disk is {@code UNAVAILABLE}
     * (it may pass); a directory the daemon may not write ({@code EACCES}, {@code EPERM}, a
     * read-only mount, an immutable file) is {@code PERMISSION_DENIED}; anything else is
     * {@code INTERNAL}.
     */
    public static ImageException io(String object, IOException cause) {
        String reason;
        if (cause instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (cause instanceof AccessDeniedException a && a.getReason() == null) {
            reason = "permission denied"; // Java drops EACCES's strerror text and keeps only the path
        } else if (cause instanceof FileSystemException fs && fs.getReason() != null) {
            reason = fs.getReason(); // the strerror text, without the path Java prepends
        } else {
            reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        }
        String line = reason.strip().lines().findFirst().orElse("");
        line = line.isEmpty() ? line : Character.toLowerCase(line.charAt(0)) + line.substring(1);
        return new ImageException(kindOf(line), object + ": " + line, cause);
    }

    /** The kind of an I/O failure, told by its strerror(3) text (Java keeps no errno). */
    private static Kind kindOf(String reason) {
        if (reason.contains("no space left on device") || reason.contains("disk quota exceeded")) {
            return Kind.UNAVAILABLE;
        }
        if (reason.contains("permission denied") || reason.contains("operation not permitted")
                || reason.contains("read-only file system")) {
            return Kind.PERMISSION_DENIED;
        }
        return Kind.INTERNAL;
    }

    public Kind kind() {
        return kind;
    }
}
