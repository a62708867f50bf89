package dev.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.image.ImageException;
import dev.berth.oci.runtime.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A docker credential helper ({@code credsStore} or a {@code credHelpers} entry of
 * {@code config.json}), run as the docker CLI runs it (docker-credential-helpers' protocol):
 * {@code docker-credential-<name> get} with the server URL on stdin answers
 * {@code {"ServerURL":…,"Username":…,"Secret":…}} on stdout. A user name of {@code <token>}
 * means the secret is an identity token; an answer of "credentials not found in native
 * keychain" means there are none (anonymous). Anything else that goes wrong, a helper missing
 * from the search path included, is one error naming the helper.
 */
record CredentialHelper(String name, List<Path> searchPath) {
    private static final String TOKEN_USER = "<token>";
    private static final String NOT_FOUND = "credentials not found in native keychain";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int OUTPUT_LIMIT = 1 << 20;

    CredentialHelper {
        searchPath = List.copyOf(searchPath);
    }

    String program() {
        return "docker-credential-" + name;
    }

    /** The credentials stored for {@code serverUrl} ({@code https://index.docker.io/v1/}, {@code host:port}). */
    Credentials get(String serverUrl) throws ImageException {
        String what = "get credentials for " + serverUrl + " from " + program();
        Path executable = searchPath.stream().map(dir -> dir.resolve(program()))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new ImageException(ImageException.Kind.UNAVAILABLE,
                        what + ": executable file not found in PATH"));
        Process process;
        try {
            process = new ProcessBuilder(executable.toString(), "get").start();
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE, what + ": " + e.getMessage(), e);
        }
        try {
            // Both outputs are read while the helper runs, so that it never blocks on a full pipe.
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(
                    () -> readQuietly(process.getInputStream()), r -> Thread.ofVirtual().start(r));
            CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(
                    () -> readQuietly(process.getErrorStream()), r -> Thread.ofVirtual().start(r));
            try (OutputStream in = process.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a helper that exits without reading its input is judged by its answer
            }
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new ImageException(ImageException.Kind.UNAVAILABLE,
                        what + ": no answer within " + TIMEOUT.toSeconds() + "s");
            }
            String out = new String(output.get(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                if (out.contains(NOT_FOUND)) {
                    return Credentials.ANONYMOUS;
                }
                String said = out.isEmpty() ? new String(errors.get(), StandardCharsets.UTF_8).strip() : out;
                throw new ImageException(ImageException.Kind.UNAVAILABLE, what + ": exit status "
                        + process.exitValue() + (said.isEmpty() ? "" : ": " + firstLine(said)));
            }
            return parse(out, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(ImageException.Kind.UNAVAILABLE, what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw ImageException.internal(what + ": " + e.getCause(), e.getCause());
        } finally {
            process.destroyForcibly(); // a no-op once it has exited
        }
    }

    private static Credentials parse(String out, String what) throws ImageException {
        JsonNode json;
        try {
            json = OciJson.mapper().readTree(out);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE, what + ": the answer is not JSON: "
                    + firstLine(out));
        }
        String username = json.path("Username").asText("");
        String secret = json.path("Secret").asText("");
        if (username.equals(TOKEN_USER)) {
            return new Credentials(null, null, secret.isEmpty() ? null : secret, null);
        }
        return username.isEmpty() ? Credentials.ANONYMOUS : Credentials.basic(username, secret);
    }

    private static byte[] readQuietly(InputStream in) {
        try (in) {
            return in.readNBytes(OUTPUT_LIMIT);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse(text);
    }
}
