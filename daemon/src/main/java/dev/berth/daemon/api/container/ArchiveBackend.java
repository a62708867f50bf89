package dev.berth.daemon.api.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * What the routes that move files in and out of containers need: the path stat and tar of
 * {@code /containers/{id}/archive} ({@code docker cp}), the whole filesystem of
 * {@code /export} and the change list of {@code /changes} ({@code docker diff}). They work on
 * running and stopped containers alike. Failures are {@link dev.berth.daemon.http.ApiException}s
 * in dockerd's words: {@code Could not find the file /x in container c} (404), an extraction
 * point that is not a directory (400), a read-only root filesystem or volume (403).
 */
public interface ArchiveBackend {
    /**
     * {@code container.PathStat}, sent base64-encoded in {@code X-Docker-Container-Path-Stat}.
     *
     * @param mode       Go's {@code os.FileMode} bits (directory {@code 1<<31}, symlink {@code 1<<27}, …)
     * @param mtime      RFC 3339
     * @param linkTarget a link's target resolved in the container, absolute; empty for other files
     */
    record PathStat(String name, long size, long mode, String mtime, String linkTarget) {}

    /** Where a path's tar goes once its stat is known (the stat is a header, so it comes first). */
    @FunctionalInterface
    interface TarSink {
        OutputStream open(PathStat stat) throws IOException;
    }

    /** One entry of {@code docker diff}: {@code Kind} 0 changed, 1 added, 2 deleted. */
    record Change(String path, int kind) {}

    /** {@code HEAD /containers/{id}/archive?path=…}. */
    PathStat stat(String nameOrId, String path);

    /** {@code GET /containers/{id}/archive?path=…}: the path's stat, then its tar. */
    void archive(String nameOrId, String path, TarSink sink) throws IOException;

    /** {@code PUT /containers/{id}/archive?path=…}: extracts {@code tar} into the directory {@code path}. */
    void extract(String nameOrId, String path, boolean noOverwriteDirNonDir, boolean copyUIDGID, InputStream tar)
            throws IOException;

    /** {@code GET /containers/{id}/export}: the tar of the whole root filesystem. */
    void export(String nameOrId, TarSink sink) throws IOException;

    /** {@code GET /containers/{id}/changes}. */
    List<Change> changes(String nameOrId);
}
