package dev.berth.image.registry;

import dev.berth.oci.image.Descriptor;
import java.util.List;

/**
 * How to push: all optional.
 *
 * @param credentials the caller's credentials ({@code X-Registry-Auth}); {@code null} to ask the client's
 *                    {@link CredentialProvider}
 * @param mountFrom   repositories of the same registry known to hold a blob (where it was pulled from or
 *                    pushed to before); the push asks the registry to mount it from there instead of uploading
 * @param progress    receives Docker's progress messages
 */
public record PushOptions(Credentials credentials, MountSources mountFrom, ProgressListener progress) {

    /** Where a blob might already be, on the registry pushed to. */
    @FunctionalInterface
    public interface MountSources {
        MountSources NONE = blob -> List.of();

        /** Repository paths ({@code library/busybox}) on the target registry that hold {@code blob}. */
        List<String> repositories(Descriptor blob);
    }

    public PushOptions {
        mountFrom = mountFrom == null ? MountSources.NONE : mountFrom;
        progress = progress == null ? ProgressListener.NONE : progress;
    }

    public static PushOptions defaults() {
        return new PushOptions(null, MountSources.NONE, ProgressListener.NONE);
    }

    public PushOptions withCredentials(Credentials value) {
        return new PushOptions(value, mountFrom, progress);
    }

    public PushOptions withMountFrom(MountSources value) {
        return new PushOptions(credentials, value, progress);
    }

    /** Every blob may be mounted from {@code repository}. */
    public PushOptions withMountFrom(String repository) {
        return new PushOptions(credentials, blob -> List.of(repository), progress);
    }

    public PushOptions withProgress(ProgressListener value) {
        return new PushOptions(credentials, mountFrom, value);
    }
}
