package dev.berth.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a save as files under a directory: an OCI image layout on disk. */
final class DirectorySink implements ArchiveSink {
    private final Path root;

    DirectorySink(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root);
    }

    @Override
    public void directory(String name) throws IOException {
        Files.createDirectories(root.resolve(name));
    }

    @Override
    public void file(String name, long size, InputStream data) throws IOException {
        Path target = root.resolve(name);
        Files.createDirectories(target.getParent());
        long copied = Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
        if (copied != size) {
            throw new IOException(name + ": expected " + size + " bytes, got " + copied);
        }
    }

    @Override
    public void finish() {
        // Files are complete when written.
    }
}
