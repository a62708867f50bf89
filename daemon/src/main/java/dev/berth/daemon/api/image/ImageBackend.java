package dev.berth.daemon.api.image;

import dev.berth.daemon.api.Filters;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * What the Image tag's routes need from the daemon's images, in API shapes. Failures are
 * {@link dev.berth.daemon.http.ApiException}s whose kind the server maps to a status; a name
 * that matches nothing is {@code NOT_FOUND} with Docker's {@code No such image: …}.
 */
public interface ImageBackend {
    /** {@code GET /images/json}: images passing {@code filters}, newest first; {@code all} shows intermediate images too. */
    List<ImageSummary> list(Filters filters, boolean all);

    /** {@code GET /images/{name}/json}. */
    ImageInspect inspect(String name);

    /** {@code GET /images/{name}/history}: newest step first. */
    List<HistoryItem> history(String name);

    /** {@code POST /images/{name}/tag}: {@code repo} and {@code tag} as the query gives them ({@code tag} may be empty). */
    void tag(String name, String repo, String tag);

    /** {@code DELETE /images/{name}}: what was untagged and deleted, in order. */
    List<DeleteItem> delete(String name, boolean force, boolean noPrune);

    /** {@code POST /images/create?fromSrc=-}: the new image's ID ({@code sha256:…}). */
    String importTarball(InputStream tarball, ImportRequest request);

    /** {@code POST /images/load}: the lines {@code docker load} prints. */
    List<String> load(InputStream archive);

    /** Fails as {@code docker save} would before any byte is sent: an unknown name, a malformed one. */
    void checkSavable(List<String> names);

    /** {@code GET /images/get}: the images as a {@code docker save} tar. */
    void save(List<String> names, OutputStream out);

    /**
     * {@code POST /images/create?fromImage=…}: pulls {@code reference} (a tag defaults to
     * {@code latest}) for {@code platform} (empty: the host's) with the client's
     * {@code X-Registry-Auth} ({@code null} or empty: anonymous), sending Docker's progress
     * messages, then {@code Status: …}, to {@code progress}.
     */
    void pull(String reference, String platform, String registryAuth, ProgressSink progress);

    /**
     * {@code POST /images/{name}/push?tag=…}: pushes {@code name:tag} (an empty tag: every tag of
     * {@code name}) with the client's {@code X-Registry-Auth}, sending Docker's progress messages.
     */
    void push(String name, String tag, String registryAuth, ProgressSink progress);

    /**
     * {@code POST /auth} ({@code docker login}): checks the credentials of the AuthConfig JSON
     * {@code authConfig} against its {@code serveraddress}; returns Docker's status text.
     */
    String login(byte[] authConfig);

    /**
     * {@code GET /images/search} ({@code docker search}): the repositories that the index named in
     * {@code term} finds, at most {@code limit} (0: the registry's default of 25), passing
     * {@code filters} ({@code is-official}, {@code stars}, the deprecated {@code is-automated}),
     * with the client's {@code X-Registry-Auth}.
     */
    default List<ImageSearchResult> search(String term, int limit, Filters filters, String registryAuth) {
        throw dev.berth.daemon.http.ApiException.notImplemented("search: the registry client is not available in this berthd");
    }

    /** {@code POST /images/prune}. */
    PruneReport prune(Filters filters);
}
