package dev.berth.image.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the registry client connects and transfers, validated once at construction.
 *
 * @param insecureRegistries     {@code --insecure-registry}: {@code host[:port]} names or CIDRs that may be
 *                               reached over plain HTTP or TLS without verification
 * @param certsDir               Docker's per-registry trust directory, {@code /etc/docker/certs.d}: a
 *                               registry {@code host:port} trusts the CAs in {@code <certsDir>/host:port/*.crt}
 *                               and presents {@code client.cert}/{@code client.key} if found there
 * @param loopbackInsecure       whether {@code 127.0.0.0/8} and {@code ::1} are insecure without being listed,
 *                               as Docker always treats them; tests of TLS verification turn it off
 * @param retry                  how 5xx answers and broken connections are retried
 * @param maxConcurrentDownloads layers downloaded at once in a pull (dockerd's default is 3)
 * @param maxConcurrentUploads   layers uploaded at once in a push (dockerd's default is 5)
 * @param chunkedUploadThreshold blobs at least this large are pushed in chunks (PATCH with Content-Range)
 * @param uploadChunkSize        the size of one chunk (the registry's {@code OCI-Chunk-Min-Length} may raise it)
 * @param connectTimeout         how long a TCP or TLS connection may take
 * @param idleTimeout            how long a response may go without a byte before it counts as broken
 * @param userAgent              the {@code User-Agent} header
 */
public record RegistryConfig(
        List<String> insecureRegistries,
        Path certsDir,
        boolean loopbackInsecure,
        RetryPolicy retry,
        int maxConcurrentDownloads,
        int maxConcurrentUploads,
        long chunkedUploadThreshold,
        int uploadChunkSize,
        Duration connectTimeout,
        Duration idleTimeout,
        String userAgent) {

    public static final Path DOCKER_CERTS_DIR = Path.of("/etc/docker/certs.d");

    public RegistryConfig {
        insecureRegistries = List.copyOf(insecureRegistries);
        InsecureRegistries.validate(insecureRegistries);
        if (maxConcurrentDownloads < 1 || maxConcurrentUploads < 1) {
            throw new IllegalArgumentException("max concurrent downloads and uploads must be at least 1");
        }
        if (uploadChunkSize < 1 || chunkedUploadThreshold < 0) {
            throw new IllegalArgumentException("upload chunk size must be positive and the threshold not negative");
        }
    }

    /** Docker's defaults: HTTPS with verification except for loopback, 3 downloads and 5 uploads at once. */
    public static RegistryConfig defaults() {
        return new RegistryConfig(List.of(), DOCKER_CERTS_DIR, true, RetryPolicy.DEFAULT, 3, 5,
                128L << 20, 32 << 20, Duration.ofSeconds(30), Duration.ofSeconds(60), "berth/0.1");
    }

    public RegistryConfig withInsecureRegistries(List<String> values) {
        return new RegistryConfig(values, certsDir, loopbackInsecure, retry, maxConcurrentDownloads,
                maxConcurrentUploads, chunkedUploadThreshold, uploadChunkSize, connectTimeout, idleTimeout, userAgent);
    }

    public RegistryConfig withCertsDir(Path value) {
        return new RegistryConfig(insecureRegistries, value, loopbackInsecure, retry, maxConcurrentDownloads,
                maxConcurrentUploads, chunkedUploadThreshold, uploadChunkSize, connectTimeout, idleTimeout, userAgent);
    }

    public RegistryConfig withLoopbackInsecure(boolean value) {
        return new RegistryConfig(insecureRegistries, certsDir, value, retry, maxConcurrentDownloads,
                maxConcurrentUploads, chunkedUploadThreshold, uploadChunkSize, connectTimeout, idleTimeout, userAgent);
    }

    public RegistryConfig withRetry(RetryPolicy value) {
        return new RegistryConfig(insecureRegistries, certsDir, loopbackInsecure, value, maxConcurrentDownloads,
                maxConcurrentUploads, chunkedUploadThreshold, uploadChunkSize, connectTimeout, idleTimeout, userAgent);
    }

    public RegistryConfig withConcurrency(int downloads, int uploads) {
        return new RegistryConfig(insecureRegistries, certsDir, loopbackInsecure, retry, downloads, uploads,
                chunkedUploadThreshold, uploadChunkSize, connectTimeout, idleTimeout, userAgent);
    }

    public RegistryConfig withChunking(long threshold, int chunkSize) {
        return new RegistryConfig(insecureRegistries, certsDir, loopbackInsecure, retry, maxConcurrentDownloads,
                maxConcurrentUploads, threshold, chunkSize, connectTimeout, idleTimeout, userAgent);
    }

    public RegistryConfig withTimeouts(Duration connect, Duration idle) {
        return new RegistryConfig(insecureRegistries, certsDir, loopbackInsecure, retry, maxConcurrentDownloads,
                maxConcurrentUploads, chunkedUploadThreshold, uploadChunkSize, connect, idle, userAgent);
    }
}
