package dev.berth.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The daemon's two directories: the data root (persistent: images, containers, volumes; see
 * DESIGN.md for the tree) and the exec root (runtime state on tmpfs: sockets, shim state). Both
 * are created on first start, the data root {@code 0711} as dockerd makes it (others may
 * traverse to mounted layers, not list them), the exec root {@code 0700}.
 *
 * <pre>
 * &lt;data-root&gt;/
 *   engine-id        the daemon's ID ({@code ID} of /info), made once and kept
 *   image/           images: content/ (blobs) and images/ (names), see dev.berth.daemon.image
 * </pre>
 */
final class DataRoot {
    private DataRoot() {}

    static void prepare(Path dataRoot, Path execRoot) throws StartupFailure {
        create(dataRoot, "rwx--x--x", "data root");
        create(execRoot, "rwx------", "exec root");
    }

    private static void create(Path dir, String mode, String what) throws StartupFailure {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
            }
            if (!Files.isWritable(dir)) {
                throw new StartupFailure(what + " " + dir, "permission denied");
            }
        } catch (IOException e) {
            throw new StartupFailure(what + " " + dir, Daemon.reason(e));
        }
    }

    /** The engine's ID: read from {@code engine-id}, or made and written (atomically) on first start. */
    static String engineId(Path dataRoot) throws StartupFailure {
        Path file = dataRoot.resolve("engine-id");
        try {
            try {
                String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            } catch (NoSuchFileException e) {
                // first start
            }
            String id = UUID.randomUUID().toString();
            Path tmp = dataRoot.resolve(".engine-id.tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(dataRoot, StandardOpenOption.READ)) {
                dir.force(true);
            }
            return id;
        } catch (IOException e) {
            throw new StartupFailure("engine id " + file, Daemon.reason(e));
        }
    }
}
