package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.ContentWriter;
import dev.berth.image.content.Lease;
import dev.berth.oci.image.Descriptor;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one blob into the content store: {@code GET /v2/<name>/blobs/<digest>} into a
 * {@link ContentWriter}, whose commit checks digest and size before the blob becomes visible.
 *
 * <p>A connection that breaks mid-blob is resumed where the writer stands with
 * {@code Range: bytes=<offset>-}, which also continues an ingest that an earlier, interrupted
 * pull left behind; a registry that ignores the range (200 instead of 206) makes the writer
 * start over. Each attempt that brings new bytes renews the retry budget, so a slow but moving
 * download is never given up. The bytes can be teed to a {@link BlobPipe} for unpacking while
 * downloading; the tee sees every byte once, in order, whatever the retries did, and its end
 * once the digest and size checked out.
 */
final class BlobFetcher {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;
    private static final int MAX_RESTARTS = 50;

    /** What {@link #fetch} did: downloaded, and whether the tee saw the whole blob. */
    record Result(boolean downloaded, boolean teed) {}

    private final RetryPolicy retry;

    BlobFetcher(RetryPolicy retry) {
        this.retry = retry;
    }

    /**
     * Makes sure {@code blob} is in {@code store}, downloading it if needed. {@code id} names the
     * layer in progress events ({@code null}: no events). {@code tee} (may be {@code null}) is fed
     * only when the download starts at byte 0; otherwise {@link Result#teed()} is false and the
     * caller feeds it from the store.
     */
    Result fetch(RepositorySession session, Descriptor blob, ContentStore store, Lease lease,
            ProgressListener progress, String id, BlobPipe tee)
            throws ImageException, IOException, RegistryResponseException, InterruptedException {
        Optional<ContentWriter> opened = store.writer(blob.digest(), blob.size(), lease);
        if (opened.isEmpty()) {
            if (lease == null || lease.protect(blob.digest())) {
                return new Result(false, false);
            }
            opened = store.writer(blob.digest(), blob.size(), lease); // collected in between: fetch it
            if (opened.isEmpty()) {
                return new Result(false, false);
            }
        }
        try (ContentWriter writer = opened.get()) {
            boolean teed = tee != null && writer.offset() == 0;
            download(session, blob, writer, progress, id, teed ? tee : null);
            if (id != null) {
                progress.onProgress(ProgressEvent.layer(id, ProgressEvent.VERIFYING_CHECKSUM));
            }
            if (teed && writer.offset() == blob.size() && writer.digest().equals(blob.digest())) {
                // Verified: the unpacker may finish while commit fsyncs and renames the blob. If
                // the commit then fails, so does the pull, and no image names the layer.
                tee.finish();
            }
            writer.commit();
            if (teed) {
                tee.finish(); // a no-op unless the size was not known in advance
            }
            return new Result(true, teed);
        }
    }

    private void download(RepositorySession session, Descriptor blob, ContentWriter writer,
            ProgressListener progress, String id, BlobPipe tee)
            throws ImageException, IOException, RegistryResponseException, InterruptedException {
        long size = blob.size();
        Tee teed = tee == null ? null : new Tee(tee);
        int failures = 0;
        int restarts = 0;
        int attempts = 0;
        RetryPolicy.Countdown countdown = retryingIn(progress, id);
        while (size < 0 || writer.offset() < size) {
            long offset = writer.offset();
            long before = offset;
            Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
            // A failure to connect or a 5xx is retried by the session, counting down in the
            // layer's progress line; here only a body that breaks off is retried, from where it
            // broke off.
            HttpResponse<InputStream> response = session.send(RepositorySession.Request.of(
                    "GET", session.uri("blobs/" + blob.digest()), headers), countdown);
            int status = response.statusCode();
            if (status == 206 && !rangeStartsAt(response, offset)
                    || status == 200 && offset > 0
                    || status == 416 && offset > 0) {
                writer.reset(); // the registry cannot resume: start over
                if (status != 200) {
                    response.body().close();
                    continue;
                }
            } else if (status != 200 && status != 206) {
                throw RepositorySession.failure("GET", response);
            }
            attempts++;
            try {
                copy(response.body(), writer, size, progress, id, teed);
                if (size >= 0 && writer.offset() < size) {
                    throw new EOFException("the body ended early");
                }
                if (size < 0) {
                    return;
                }
            } catch (IOException e) {
                if (writer.offset() > before) {
                    failures = 0; // it moved: a new budget, within reason
                    if (++restarts > MAX_RESTARTS) {
                        throw gaveUp(attempts, writer.offset(), size, e);
                    }
                }
                if (++failures >= retry.maxAttempts()) {
                    throw gaveUp(attempts, writer.offset(), size, e);
                }
                retry.sleepAfter(failures, countdown);
            }
        }
    }

    /** The backoff as dockerd shows it in the layer's progress line ({@code Retrying in 2 seconds}). */
    private static RetryPolicy.Countdown retryingIn(ProgressListener progress, String id) {
        if (id == null) {
            return RetryPolicy.Countdown.SILENT;
        }
        return seconds -> progress.onProgress(
                ProgressEvent.layer(id, "Retrying in " + seconds + (seconds == 1 ? " second" : " seconds")));
    }

    /**
     * The error for a download given up on: how far it got and why the last attempt broke off,
     * in Docker's words for a body cut short ({@code unexpected EOF}) rather than the HTTP
     * client's account of its last, ranged response. The caller names the blob.
     */
    private static IOException gaveUp(int attempts, long offset, long size, IOException last) {
        String why = RepositorySession.describe(last);
        for (Throwable t = last; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                why = "unexpected EOF";
                break;
            }
        }
        return new IOException("download failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ")
                + why + " at byte " + offset + (size >= 0 ? " of " + size : ""), last);
    }

    private static void copy(InputStream body, ContentWriter writer, long size, ProgressListener progress, String id,
            Tee tee) throws IOException, ImageException, InterruptedException {
        byte[] buffer = new byte[256 << 10];
        long lastEvent = 0;
        try (InputStream in = body) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long start = writer.offset();
                writer.write(buffer, 0, n);
                long end = start + n;
                if (tee != null) {
                    tee.offer(buffer, start, n);
                }
                long now = System.nanoTime();
                if (id != null && (now - lastEvent >= PROGRESS_INTERVAL_NANOS || end == size)) {
                    lastEvent = now;
                    progress.onProgress(ProgressEvent.progress(id, ProgressEvent.DOWNLOADING, end, size));
                }
            }
        }
    }

    /**
     * Hands each byte of the blob to the pipe once: after a restart from zero (a registry that
     * ignored the range), the bytes the pipe already has are skipped.
     */
    private static final class Tee {
        private final BlobPipe pipe;
        private long delivered;

        Tee(BlobPipe pipe) {
            this.pipe = pipe;
        }

        void offer(byte[] buffer, long start, int length) throws InterruptedException {
            long end = start + length;
            if (end > delivered) {
                int skip = (int) Math.max(0, delivered - start);
                pipe.write(buffer, skip, length - skip);
                delivered = end;
            }
        }
    }

    private static boolean rangeStartsAt(HttpResponse<InputStream> response, long offset) {
        Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
        return m.matches() && Long.parseLong(m.group(1)) == offset;
    }
}
