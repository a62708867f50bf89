/**
 * The Image tag of the Docker Engine API: {@link dev.berth.daemon.api.image.ImageRoutes} over the
 * narrow {@link dev.berth.daemon.api.image.ImageBackend}, and the response records in Docker's
 * field names.
 */
package dev.berth.daemon.api.image;
