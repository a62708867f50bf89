package dev.berth.image.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes that survive a crash at any instant: content goes to a temporary file in the target's
 * directory, is fsynced, renamed over the target in one step and the directory is fsynced, so
 * that after a power cut the target holds either the old or the new bytes, never a mix (see
 * rename(2) and fsync(2): without the directory fsync the rename itself may be lost).
 * Temporary files start with {@code .tmp-} so that stores can recognise and delete leftovers.
 */
public final class DurableFiles {
    /** The name prefix of temporary files; a file with it after a crash is garbage. */
    public static final String TEMP_PREFIX = ".tmp-";

    private DurableFiles() {}

    /** Replaces {@code target} with {@code data} atomically and durably. */
    public static void writeAtomically(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Replaces {@code target} with {@code data} atomically, without waiting for the disk: a
     * process that dies at any point leaves the old file or the new one, but a power cut may
     * leave neither, or an empty file. Only for hints whose loss costs time, never consistency,
     * and whose reader treats an empty or torn file as absent.
     */
    public static void replaceAtomically(Path target, byte[] data) throws IOException {
        Path temp = target.toAbsolutePath().getParent()
                .resolve(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        try {
            Files.write(temp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames {@code source} to {@code target} in one step and makes the rename durable. */
    public static void moveAtomically(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** fsyncs a directory, so that the names created or renamed in it are on disk. */
    public static void syncDirectory(Path dir) throws IOException {
        // Linux lets a directory be opened read-only and fsynced; FileChannel.force does that.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes a file tree if it exists (ingest directories, staging areas). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
