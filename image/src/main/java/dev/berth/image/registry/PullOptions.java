package dev.berth.image.registry;

import dev.berth.image.content.Lease;
import dev.berth.oci.image.Platform;

/**
 * How to pull: all optional.
 *
 * @param platform    {@code --platform}; {@code null} for the host's, without insisting that a single-platform
 *                    image matches it (as Docker does when no platform is given)
 * @param credentials the caller's credentials ({@code X-Registry-Auth}); {@code null} to ask the client's
 *                    {@link CredentialProvider}
 * @param lease       protects the pulled blobs from garbage collection until the image is registered
 * @param progress    receives Docker's progress messages
 * @param layers      unpacks layers while they download ({@link LayerListener#NONE}: no)
 */
public record PullOptions(Platform platform, Credentials credentials, Lease lease, ProgressListener progress,
        LayerListener layers) {

    public PullOptions {
        progress = progress == null ? ProgressListener.NONE : progress;
        layers = layers == null ? LayerListener.NONE : layers;
    }

    public static PullOptions defaults() {
        return new PullOptions(null, null, null, ProgressListener.NONE, LayerListener.NONE);
    }

    public PullOptions withPlatform(Platform value) {
        return new PullOptions(value, credentials, lease, progress, layers);
    }

    public PullOptions withCredentials(Credentials value) {
        return new PullOptions(platform, value, lease, progress, layers);
    }

    public PullOptions withLease(Lease value) {
        return new PullOptions(platform, credentials, value, progress, layers);
    }

    public PullOptions withProgress(ProgressListener value) {
        return new PullOptions(platform, credentials, lease, value, layers);
    }

    public PullOptions withLayers(LayerListener value) {
        return new PullOptions(platform, credentials, lease, progress, value);
    }
}
