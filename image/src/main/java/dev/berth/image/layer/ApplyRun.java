package dev.berth.image.layer;

import dev.berth.image.ImageException;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileModes;
import dev.berth.linux.FileNodes;
import dev.berth.linux.FileOwners;
import dev.berth.linux.FileTimes;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * One application of one layer: the per-entry work of {@link LayerApplier}, with what it must
 * remember between entries (what this layer wrote, which directories still need their times).
 *
 * <p>Errors: a refused entry is {@code INVALID_ARGUMENT}, a failing filesystem call whatever
 * {@link ImageException#io} makes of it (a full disk {@code UNAVAILABLE}, a read-only root
 * {@code PERMISSION_DENIED}), both naming the entry; an {@code IOException} escaping {@link #entry} comes
 * from reading the tar itself, which {@link LayerApplier} reports.
 */
final class ApplyRun {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private record DirTimes(Path dir, Instant access, Instant modified) {}

    private final Path root;
    private final WhiteoutMode mode;
    private final PathResolver resolver;
    /** Paths this layer wrote, and their ancestors: whiteouts apply to lower layers only. */
    private final Set<Path> kept = new HashSet<>();
    /** Whiteout devices this layer made, so that a directory replacing one becomes opaque. */
    private final Set<Path> madeWhiteouts = new HashSet<>();
    private final List<DirTimes> dirTimes = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private final byte[] bytes = new byte[256 * 1024];

    ApplyRun(Path root, WhiteoutMode mode) {
        this.root = root;
        this.mode = mode;
        this.resolver = new PathResolver(root, mode == WhiteoutMode.OVERLAY);
    }

    void entry(TarArchiveEntry e, LayerTarInputStream tar) throws IOException, ImageException {
        String name = e.getName();
        try {
            List<String> parts = PathResolver.components(name);
            if (parts.isEmpty()) {
                if (!e.isDirectory()) {
                    throw new PathResolver.Refused("names the layer root but is not a directory");
                }
                metadata(root, e, tar.xattrs(), true);
                return;
            }
            String base = parts.getLast();
            if (parts.getFirst().startsWith(WHITEOUT + WHITEOUT) && !(parts.size() == 1 && base.equals(OPAQUE))) {
                return; // aufs bookkeeping (.wh..wh.plnk/, .wh..wh.aufs): not part of the tree
            }
            Path parent = directory(parts.subList(0, parts.size() - 1), true);
            if (base.equals(OPAQUE)) {
                opaque(parent);
            } else if (base.startsWith(WHITEOUT + WHITEOUT)) {
                return; // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not part of the tree
            } else if (base.startsWith(WHITEOUT)) {
                String victim = base.substring(WHITEOUT.length());
                if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
                    throw new PathResolver.Refused("whiteout names nothing to delete");
                }
                whiteout(parent.resolve(victim));
            } else {
                create(e, tar, parent.resolve(base));
            }
        } catch (PathResolver.Refused r) {
            throw ImageException.invalid("layer entry " + name + ": " + r.getMessage());
        } catch (ErrnoException x) {
            throw ImageException.io("layer entry " + name, x);
        } catch (FsFailure x) {
            throw ImageException.io("layer entry " + name, x.getCause());
        }
    }

    /** Sets the directories' times last: creating their children changed them. */
    void finish() throws ImageException {
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            DirTimes t = dirTimes.get(i);
            try {
                FileTimes.set(t.dir(), t.access(), t.modified());
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.ENOENT) { // replaced later in the same layer
                    throw ImageException.io("apply layer", e);
                }
            }
        }
    }

    private void create(TarArchiveEntry e, LayerTarInputStream tar, Path target)
            throws IOException, ImageException, PathResolver.Refused, FsFailure {
        if (e.isLink()) {
            hardLink(e, target);
            return;
        }
        BasicFileAttributes existing = fs(() -> PathResolver.lstat(target));
        boolean opaqueDir = false;
        if (existing != null && !(existing.isDirectory() && e.isDirectory())) {
            opaqueDir = e.isDirectory() && madeWhiteouts.remove(target);
            removeExisting(target, existing);
        }
        byte type = e.getLinkFlag();
        if (e.isDirectory()) {
            if (existing == null || !existing.isDirectory()) {
                fs(() -> Files.createDirectory(target));
            }
            if (opaqueDir) {
                Xattrs.set(target, LayerApplier.OPAQUE_XATTR, new byte[] {'y'});
            }
        } else if (e.isSymbolicLink()) {
            FileNodes.symlink(e.getLinkName(), target);
        } else if (e.isCharacterDevice()) {
            FileNodes.mkchar(target, 0, e.getDevMajor(), e.getDevMinor());
        } else if (e.isBlockDevice()) {
            FileNodes.mkblock(target, 0, e.getDevMajor(), e.getDevMinor());
        } else if (e.isFIFO()) {
            FileNodes.mkfifo(target, 0);
        } else if (type == '0' || type == 0 || type == '7' || e.isSparse()) {
            // a sparse entry reads back expanded, holes as zeros: its real size, not its stored one
            writeFile(target, tar, e.isSparse() ? e.getRealSize() : e.getSize());
        } else {
            throw new PathResolver.Refused("unsupported entry type '" + (char) type + "'");
        }
        keep(target);
        metadata(target, e, tar.xattrs(), e.isDirectory());
    }

    private void hardLink(TarArchiveEntry e, Path target)
            throws IOException, ImageException, PathResolver.Refused, FsFailure {
        String linkName = e.getLinkName();
        List<String> parts;
        try {
            parts = PathResolver.components(linkName);
        } catch (PathResolver.Refused r) {
            throw new PathResolver.Refused("hard link to " + linkName + " escapes the layer root");
        }
        if (parts.isEmpty()) {
            throw new PathResolver.Refused("hard link to the layer root");
        }
        Path dir;
        try {
            dir = directory(parts.subList(0, parts.size() - 1), false);
        } catch (PathResolver.Refused r) {
            throw new PathResolver.Refused("hard link to " + linkName + ": " + r.getMessage());
        }
        Path source = dir.resolve(parts.getLast());
        BasicFileAttributes a = fs(() -> PathResolver.lstat(source));
        if (a == null) {
            throw new PathResolver.Refused("hard link to " + linkName + ": no such file in the layer");
        }
        if (a.isDirectory()) {
            throw new PathResolver.Refused("hard link to " + linkName + ": a directory cannot be hard linked");
        }
        if (source.equals(target)) {
            keep(target);
            return;
        }
        BasicFileAttributes existing = fs(() -> PathResolver.lstat(target));
        if (existing != null) {
            removeExisting(target, existing);
        }
        // link(2) does not follow a symlink source on Linux: the link is to the symlink itself
        fs(() -> Files.createLink(target, source));
        keep(target);
    }

    private Path directory(List<String> dirs, boolean create) throws FsFailure, PathResolver.Refused {
        try {
            return resolver.directory(dirs, create);
        } catch (IOException e) {
            throw new FsFailure(e);
        }
    }

    private void whiteout(Path victim) throws ImageException, ErrnoException, FsFailure {
        if (kept.contains(victim)) {
            return; // written by this very layer: whiteouts hide lower layers only
        }
        BasicFileAttributes existing = fs(() -> PathResolver.lstat(victim));
        if (mode == WhiteoutMode.OVERLAY) {
            if (existing != null) {
                if (fs(() -> PathResolver.isWhiteout(victim, existing))) {
                    return;
                }
                removeExisting(victim, existing);
            }
            FileNodes.mkchar(victim, 0, 0, 0);
            madeWhiteouts.add(victim);
        } else if (existing != null) {
            removeExisting(victim, existing);
        }
    }

    private void opaque(Path dir) throws ErrnoException, FsFailure {
        if (mode == WhiteoutMode.OVERLAY) {
            Xattrs.set(dir, LayerApplier.OPAQUE_XATTR, new byte[] {'y'});
        } else {
            // Applied as if first, whatever its position in the tar (image-spec "Opaque Whiteout"):
            // what this layer wrote stays, everything else below the directory goes.
            fs(() -> {
                removeUnkept(dir);
                return null;
            });
            resolver.invalidate();
        }
        keep(dir);
    }

    private void removeUnkept(Path dir) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                BasicFileAttributes a = PathResolver.lstat(child);
                if (!kept.contains(child)) {
                    deleteTree(child, a);
                } else if (a != null && a.isDirectory()) {
                    removeUnkept(child);
                }
            }
        }
    }

    private void removeExisting(Path p, BasicFileAttributes a) throws FsFailure {
        fs(() -> {
            deleteTree(p, a);
            return null;
        });
        if (a.isDirectory() || a.isSymbolicLink()) {
            resolver.invalidate();
        }
    }

    private void writeFile(Path target, InputStream tar, long size) throws IOException, FsFailure {
        FileChannel out = fs(() -> FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        try (out) {
            long left = size;
            while (left > 0) {
                int n = tar.read(bytes, 0, (int) Math.min(bytes.length, left)); // errors here are the tar's
                if (n < 0) {
                    throw new IOException("truncated tar: " + left + " bytes missing");
                }
                buffer.clear();
                buffer.put(bytes, 0, n).flip();
                while (buffer.hasRemaining()) {
                    int w = fs(() -> out.write(buffer));
                    if (w < 0) {
                        break;
                    }
                }
                left -= n;
            }
        }
    }

    /**
     * Owner first (chown(2) clears setuid/setgid and {@code security.capability}), then mode,
     * then xattrs; times last, and for directories only once the whole layer is in.
     */
    private void metadata(Path p, TarArchiveEntry e, Map<String, byte[]> xattrs, boolean directory)
            throws ErrnoException {
        boolean symlink = e.isSymbolicLink();
        FileOwners.lchown(p, e.getLongUserId(), e.getLongGroupId());
        if (!symlink) {
            FileModes.chmod(p, e.getMode());
        }
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            String key = x.getKey();
            if (key.startsWith("trusted.overlay.") || key.startsWith("user.overlay.")) {
                continue; // overlayfs's own: a tar must not plant redirects or opaque markers
            }
            try {
                Xattrs.set(p, key, x.getValue());
            } catch (ErrnoException ex) {
                // the filesystem has no xattrs, or (user.* on a symlink or device) the kernel
                // forbids them there: Docker and containerd skip these too
                boolean special = symlink || e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO();
                boolean forbidden = ex.errno() == ErrnoException.EPERM && key.startsWith("user.") && special;
                if (ex.errno() != ErrnoException.EOPNOTSUPP && !forbidden) {
                    throw ex;
                }
            }
        }
        Instant modified = e.getLastModifiedTime().toInstant();
        FileTime accessTime = e.getLastAccessTime();
        Instant access = accessTime == null ? modified : accessTime.toInstant();
        if (directory) {
            dirTimes.add(new DirTimes(p, access, modified));
        } else {
            FileTimes.set(p, access, modified);
        }
    }

    private void keep(Path p) {
        for (Path q = p; q != null && !q.equals(root) && kept.add(q); q = q.getParent()) {
            // every ancestor too, so an opaque marker later in the layer keeps the way to p
        }
    }

    private static void deleteTree(Path p, BasicFileAttributes a) throws IOException {
        if (a == null) {
            return;
        }
        if (!a.isDirectory()) {
            Files.delete(p);
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** A filesystem call's failure, kept apart from the tar stream's own IOExceptions. */
    private static final class FsFailure extends Exception {
        private static final long serialVersionUID = 1L;

        FsFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    @FunctionalInterface
    private interface FsCall<T> {
        T call() throws IOException;
    }

    private static <T> T fs(FsCall<T> call) throws FsFailure {
        try {
            return call.call();
        } catch (IOException e) {
            throw new FsFailure(e);
        }
    }
}
