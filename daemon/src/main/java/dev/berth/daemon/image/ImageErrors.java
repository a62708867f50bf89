package dev.berth.daemon.image;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.image.ImageException;

/**
 * The one place where the image module's failures become API errors: each
 * {@link ImageException.Kind} to the {@link ErrorKind} that the server maps to a status
 * (404, 409, 400, 503, and 500 for a data root that cannot be written or any other failure). The message passes unchanged; it is already Docker's wording.
 */
final class ImageErrors {
    private ImageErrors() {}

    static ApiException api(ImageException e) {
        ErrorKind kind = switch (e.kind()) {
            case NOT_FOUND -> ErrorKind.NOT_FOUND;
            case CONFLICT -> ErrorKind.CONFLICT;
            case INVALID_ARGUMENT -> ErrorKind.INVALID_ARGUMENT;
            case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
            // A data root the daemon cannot write is the host's fault, not the caller's: a 500
            // with the reason, as dockerd answers, rather than the API's 403 for a refused caller.
            case PERMISSION_DENIED, INTERNAL -> ErrorKind.INTERNAL;
        };
        return new ApiException(kind, e.getMessage(), e);
    }

    /** An image-module call whose failure is answered as an API error. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws ImageException;
    }

    static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (ImageException e) {
            throw api(e);
        }
    }
}
