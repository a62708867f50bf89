package dev.berth.daemon.api.image;

import java.util.List;

/**
 * What {@code POST /commit} needs: a container's changes made into an image. Failures are
 * {@link dev.berth.daemon.http.ApiException}s: {@code No such container: …} (404), a bad
 * reference, {@code --change} or config (400).
 */
public interface CommitBackend {
    /** The query of {@code POST /commit} ({@code pause} is true unless the client said otherwise). */
    record CommitRequest(String container, String repo, String tag, String comment, String author, boolean pause,
            List<String> changes) {}

    /** Commits the container; {@code config} is the request body (container config overrides; empty: none). Returns the image id. */
    String commit(CommitRequest request, byte[] config);
}
