package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * Puts one blob into a repository, by the cheapest way that works (distribution spec, "Push"):
 *
 * <ol>
 *   <li>{@code HEAD /v2/<name>/blobs/<digest>}: 200 means it is there already;</li>
 *   <li>{@code POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<repo>} for each repository of
 *       the same registry that the caller knows holds it: 201 means mounted, without upload; a
 *       202 opens an upload session instead, which is used;</li>
 *   <li>{@code POST /v2/<name>/blobs/uploads/}, then either one {@code PUT <location>?digest=}
 *       with the whole blob (monolithic), or, from {@link RegistryConfig#chunkedUploadThreshold()}
 *       on, {@code PATCH <location>} per chunk with {@code Content-Range: <first>-<last>} and a
 *       closing {@code PUT <location>?digest=} without body (chunked).</li>
 * </ol>
 *
 * A failed upload is cancelled ({@code DELETE <location>}) and retried from a new session.
 */
final class BlobUploader {
    private static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;

    record Result(PushResult.Outcome outcome, String mountedFrom) {}

    private final RegistryConfig config;

    BlobUploader(RegistryConfig config) {
        this.config = config;
    }

    Result upload(RepositorySession session, Descriptor blob, ContentStore store, List<String> mountFrom,
            ProgressListener progress, String id)
            throws ImageException, IOException, RegistryResponseException, InterruptedException {
        if (exists(session, blob.digest())) {
            return new Result(PushResult.Outcome.EXISTED, null);
        }
        URI location = null;
        long minChunk = 0;
        for (String from : mountFrom) {
            if (from.equals(session.repository())) {
                continue;
            }
            URI mount = session.uri("blobs/uploads/?mount=" + Authorizer.encode(blob.digest().toString())
                    + "&from=" + Authorizer.encode(from));
            HttpResponse<InputStream> response = session.expect(post(mount), 201, 202);
            response.body().close();
            if (response.statusCode() == 201) {
                return new Result(PushResult.Outcome.MOUNTED, from);
            }
            location = location(response);
            break; // the registry could not mount, but opened a session: upload into it
        }
        for (int attempt = 1; ; attempt++) {
            if (location == null) {
                HttpResponse<InputStream> started = session.expect(post(session.uri("blobs/uploads/")), 202);
                started.body().close();
                location = location(started);
                // A registry may ask for a minimum chunk size (OCI-Chunk-Min-Length).
                minChunk = started.headers().firstValue("OCI-Chunk-Min-Length")
                        .filter(v -> v.matches("\\d{1,12}")).map(Long::parseLong).orElse(0L);
            }
            try {
                if (blob.size() >= config.chunkedUploadThreshold() && blob.size() > 0) {
                    chunked(session, location, minChunk, blob, store, progress, id);
                } else {
                    monolithic(session, location, blob, store, progress, id);
                }
                return new Result(PushResult.Outcome.UPLOADED, null);
            } catch (IOException | RegistryResponseException e) {
                cancel(session, location);
                boolean again = e instanceof IOException
                        || RetryPolicy.retryable(((RegistryResponseException) e).status());
                if (!again || attempt >= config.retry().maxAttempts()) {
                    throw e;
                }
                location = null;
                config.retry().sleepAfter(attempt);
            }
        }
    }

    boolean exists(RepositorySession session, Digest digest)
            throws IOException, RegistryResponseException, InterruptedException {
        HttpResponse<InputStream> response = session.expect(
                RepositorySession.Request.of("HEAD", session.uri("blobs/" + digest), Map.of()), 200, 404);
        response.body().close();
        return response.statusCode() == 200;
    }

    private void monolithic(RepositorySession session, URI location, Descriptor blob, ContentStore store,
            ProgressListener progress, String id) throws ImageException, IOException, RegistryResponseException,
            InterruptedException {
        try (InputStream in = store.open(blob.digest())) {
            InputStream counted = new Counting(in, 0, blob.size(), progress, id);
            HttpResponse<InputStream> response = session.expect(new RepositorySession.Request("PUT",
                    withDigest(location, blob.digest()), Map.of("Content-Type", "application/octet-stream"),
                    () -> body(counted, blob.size()), false), 201);
            finish(response, blob.digest());
        }
    }

    private void chunked(RepositorySession session, URI start, long minChunk, Descriptor blob, ContentStore store,
            ProgressListener progress, String id) throws ImageException, IOException, RegistryResponseException,
            InterruptedException {
        URI location = start;
        long chunk = Math.max(config.uploadChunkSize(), minChunk);
        try (InputStream in = store.open(blob.digest())) {
            long offset = 0;
            while (offset < blob.size()) {
                long length = Math.min(chunk, blob.size() - offset);
                long last = offset + length - 1;
                InputStream slice = new Counting(new Slice(in, length), offset, blob.size(), progress, id);
                HttpResponse<InputStream> response = session.expect(new RepositorySession.Request("PATCH",
                        location, Map.of("Content-Type", "application/octet-stream",
                                "Content-Range", offset + "-" + last),
                        () -> body(slice, length), false), 202);
                response.body().close();
                String range = response.headers().firstValue("Range").orElse("");
                if (!range.isEmpty() && !range.equals("0-" + last) && !range.equals("bytes=0-" + last)) {
                    throw new IOException("upload of " + blob.digest() + ": registry has " + range + ", expected 0-" + last);
                }
                location = location(response);
                offset += length;
            }
        }
        HttpResponse<InputStream> response = session.expect(new RepositorySession.Request("PUT",
                withDigest(location, blob.digest()), Map.of(), HttpRequest.BodyPublishers::noBody, true), 201);
        finish(response, blob.digest());
    }

    private static void finish(HttpResponse<InputStream> response, Digest digest) throws IOException {
        response.body().close();
        String stated = response.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (stated != null && !stated.equals(digest.toString())) {
            throw new IOException("upload of " + digest + ": registry stored " + stated);
        }
    }

    private static void cancel(RepositorySession session, URI location) {
        try {
            session.send(new RepositorySession.Request("DELETE", location, Map.of(),
                    HttpRequest.BodyPublishers::noBody, false)).body().close();
        } catch (IOException | RegistryResponseException e) {
            // Cancelling is a courtesy; the registry expires abandoned sessions.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RepositorySession.Request post(URI uri) {
        return new RepositorySession.Request("POST", uri, Map.of(), HttpRequest.BodyPublishers::noBody, true);
    }

    private static HttpRequest.BodyPublisher body(InputStream in, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> in), length);
    }

    private static URI location(HttpResponse<InputStream> response) throws IOException {
        String location = response.headers().firstValue("Location").orElseThrow(
                () -> new IOException(response.request().method() + " " + response.uri() + ": no Location in the answer"));
        return response.uri().resolve(location);
    }

    static URI withDigest(URI location, Digest digest) {
        String text = location.toString();
        return URI.create(text + (text.contains("?") ? "&" : "?") + "digest=" + Authorizer.encode(digest.toString()));
    }

    /** The next {@code length} bytes of a stream that stays open for the next chunk. */
    private static final class Slice extends InputStream {
        private final InputStream in;
        private long remaining;

        Slice(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(bytes, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new IOException("blob ended " + remaining + " bytes early");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() {
            // the JDK closes a body stream at its end; the blob stream continues with the next chunk
        }
    }

    /** Reports "Pushing" progress as the HTTP client reads the body. */
    private static final class Counting extends FilterInputStream {
        private final long total;
        private final ProgressListener progress;
        private final String id;
        private long position;
        private long lastEvent;

        Counting(InputStream in, long start, long total, ProgressListener progress, String id) {
            super(in);
            this.position = start;
            this.total = total;
            this.progress = progress;
            this.id = id;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0 && id != null) {
                position += n;
                long now = System.nanoTime();
                if (now - lastEvent >= PROGRESS_INTERVAL_NANOS || position == total) {
                    lastEvent = now;
                    progress.onProgress(ProgressEvent.progress(id, ProgressEvent.PUSHING, position, total));
                }
            }
            return n;
        }
    }
}
