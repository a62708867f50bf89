package dev.berth.oci.image;

/**
 * An image document (manifest, index, config, {@code index.json}) that cannot be used: it is not
 * JSON, a field has the wrong type, or a required part is missing. The message is one
 * lower-case line naming the document and the field:
 * {@code manifest sha256:3f…: layers[0].digest: invalid checksum digest length: sha256:abc}.
 */
public final class InvalidImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
