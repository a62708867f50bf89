package dev.berth.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * The daemon's pid file, which also keeps a second daemon off the same state. It is created
 * whole or not at all: the pid is written to a temporary file, synced, and hard-linked to the
 * final name, which fails if the name exists; so two daemons starting at once cannot both win,
 * and nobody reads a half-written pid.
 *
 * <p>A pid file that names a live berthd refuses the start. One that names a dead process, or a
 * process that is not a berthd (its pid was reused after a reboot or crash), is stale: it is
 * removed and taken over, with a line in the log.
 */
final class PidFile implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PidFile.class.getName());

    private final Path path;
    private final long pid;

    private PidFile(Path path, long pid) {
        this.path = path;
        this.pid = pid;
    }

    static PidFile acquire(Path path) throws StartupFailure {
        long self = ProcessHandle.current().pid();
        String what = "pid file " + path;
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new StartupFailure(what, "cannot create " + path.getParent() + ": " + Daemon.reason(e));
        }
        Path tmp = path.resolveSibling("." + path.getFileName() + "." + self + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            for (int attempt = 0; attempt < 5; attempt++) {
                try {
                    Files.createLink(path, tmp);
                    return new PidFile(path, self);
                } catch (FileAlreadyExistsException e) {
                    takeOverIfStale(path, self, what);
                }
            }
            throw new StartupFailure(what, "another daemon keeps creating it");
        } catch (IOException e) {
            throw new StartupFailure(what, Daemon.reason(e));
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.fine("cannot remove " + tmp + ": " + e);
            }
        }
    }

    private static void takeOverIfStale(Path path, long self, String what) throws IOException, StartupFailure {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException gone) {
            return;
        }
        long other;
        try {
            other = Long.parseLong(text);
        } catch (NumberFormatException e) {
            other = -1;
        }
        if (other > 0 && isLiveBerthd(other, self)) {
            throw new StartupFailure(what, "held by a running berthd (pid " + other + "); stop it, or give this daemon "
                    + "its own --pidfile, --exec-root, --data-root and -H");
        }
        LOG.info("removing stale pid file " + path + (other > 0 ? " (pid " + other + " is not a running berthd)" : ""));
        Files.deleteIfExists(path);
    }

    /** A process that exists and whose command line is berthd's; one we cannot inspect counts as live. */
    static boolean isLiveBerthd(long pid, long self) {
        if (pid == self) {
            return true;
        }
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        byte[] raw;
        try {
            raw = Files.readAllBytes(cmdline);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        // A zombie, or a kernel thread, has an empty command line: not a daemon that holds the file.
        String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        return cmd.contains("dev.berth.daemon.Berthd") || cmd.contains("berthd");
    }

    Path path() {
        return path;
    }

    /** Removes the file, if it is still ours. */
    @Override
    public void close() {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            if (text.equals(Long.toString(pid))) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            LOG.warning("cannot remove pid file " + path + ": " + e.getMessage());
        }
    }
}
