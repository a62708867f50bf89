package dev.berth.image.layer;

import dev.berth.image.ImageException;
import dev.berth.linux.FileNodes;
import dev.berth.linux.Xattrs;
import dev.berth.oci.image.Digester;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The reverse of {@link LayerApplier}: writes the changes held in an overlayfs upper directory
 * as an OCI layer tar, for {@code docker commit}, {@code docker export} of a container's layer,
 * and building. An overlay whiteout (0/0 character device) becomes a {@code .wh.<name>} entry, a
 * directory with {@code trusted.overlay.opaque=y} gets a {@code .wh..wh..opq} entry after its own,
 * and everything else is written as it is, with numeric owners, mode bits, xattrs (overlayfs's own
 * excepted) and modification times truncated to seconds, as Docker writes them.
 *
 * <p>The output is deterministic: directories are walked in name order, whiteouts before their
 * siblings (as the image spec recommends), and files with several links inside the upper
 * directory become one file entry and hard link entries to it. Sockets cannot be stored in a tar
 * and are left out, as Docker does.
 *
 * <p>An upper directory made with {@code redirect_dir=on} or {@code metacopy=on} does not hold the
 * whole change (a renamed directory or a metadata-only copy-up points into a lower layer); such
 * an entry is refused. {@code OverlaySnapshotter} mounts with both off. The upper directory must
 * not change while it is read: commit the snapshot, or pause the container, first.
 */
public final class LayerDiff {
    private static final String ATTRS = "unix:mode,uid,gid,rdev,nlink,size,lastModifiedTime";

    private LayerDiff() {}

    /** Writes the layer tar (uncompressed) to {@code out}, which stays open; returns its diffID and size. */
    public static LayerDigest writeOverlay(Path upper, OutputStream out) throws ImageException {
        Digester digester = Digester.sha256();
        OutputStream tee = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                digester.update(b, off, len);
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void close() throws IOException {
                flush(); // the caller's stream
            }
        };
        Walk walk = new Walk(new LayerTarWriter(tee));
        try {
            walk.directory(upper, "");
            walk.tar.finish();
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.INTERNAL, "diff " + upper + ": " + e.getMessage(), e);
        }
        return new LayerDigest(digester.digest(), digester.count());
    }

    private static final class Walk {
        final LayerTarWriter tar;
        final Map<Object, String> linked = new HashMap<>();

        Walk(LayerTarWriter tar) {
            this.tar = tar;
        }

        void directory(Path dir, String prefix) throws IOException, ImageException {
            List<Path> children;
            try (Stream<Path> list = Files.list(dir)) {
                children = list.sorted().toList();
            }
            List<Path> rest = new ArrayList<>();
            for (Path child : children) {
                BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (PathResolver.isWhiteout(child, a)) {
                    Map<String, Object> unix = Files.readAttributes(child, ATTRS, LinkOption.NOFOLLOW_LINKS);
                    put(header(prefix + ".wh." + child.getFileName(), TarConstants.LF_NORMAL, unix), Map.of(), null);
                } else {
                    rest.add(child);
                }
            }
            for (Path child : rest) {
                entry(child, prefix + child.getFileName());
            }
        }

        void entry(Path p, String name) throws IOException, ImageException {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Map<String, Object> unix = Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS);
            Map<String, byte[]> all = Xattrs.getAll(p);
            if (all.containsKey("trusted.overlay.redirect") || all.containsKey("trusted.overlay.metacopy")) {
                throw ImageException.invalid("diff entry " + name + ": the overlay upper layer only points into a"
                        + " lower layer here (redirect_dir or metacopy was on when it was written)");
            }
            Map<String, byte[]> xattrs = new LinkedHashMap<>();
            all.forEach((k, v) -> {
                if (!k.startsWith("trusted.overlay.") && !k.startsWith("user.overlay.")) {
                    xattrs.put(k, v);
                }
            });
            int mode = (Integer) unix.get("mode");
            int type = mode & FileNodes.S_IFMT;
            if (a.isDirectory()) {
                put(header(name + "/", TarConstants.LF_DIR, unix), xattrs, null);
                byte[] opaque = all.get(LayerApplier.OPAQUE_XATTR);
                if (opaque != null && opaque.length == 1 && opaque[0] == 'y') {
                    put(header(name + "/.wh..wh..opq", TarConstants.LF_NORMAL, unix), Map.of(), null);
                }
                directory(p, name + "/");
                return;
            }
            if (type == FileNodes.S_IFSOCK) {
                return;
            }
            if ((Integer) unix.get("nlink") > 1) {
                String first = linked.putIfAbsent(a.fileKey(), name);
                if (first != null) {
                    TarArchiveEntry link = header(name, TarConstants.LF_LINK, unix);
                    link.setLinkName(first);
                    put(link, Map.of(), null);
                    return;
                }
            }
            if (a.isRegularFile()) {
                TarArchiveEntry e = header(name, TarConstants.LF_NORMAL, unix);
                e.setSize(a.size());
                try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                    put(e, xattrs, in);
                }
            } else if (a.isSymbolicLink()) {
                TarArchiveEntry e = header(name, TarConstants.LF_SYMLINK, unix);
                e.setLinkName(Files.readSymbolicLink(p).toString());
                put(e, xattrs, null);
            } else {
                byte flag = switch (type) {
                    case FileNodes.S_IFCHR -> TarConstants.LF_CHR;
                    case FileNodes.S_IFBLK -> TarConstants.LF_BLK;
                    case FileNodes.S_IFIFO -> TarConstants.LF_FIFO;
                    default -> throw ImageException.invalid("diff entry " + name + ": unsupported file type");
                };
                TarArchiveEntry e = header(name, flag, unix);
                if (flag != TarConstants.LF_FIFO) {
                    long rdev = (Long) unix.get("rdev");
                    e.setDevMajor(FileNodes.major(rdev));
                    e.setDevMinor(FileNodes.minor(rdev));
                }
                put(e, xattrs, null);
            }
        }

        private void put(TarArchiveEntry e, Map<String, byte[]> xattrs, InputStream data) throws IOException {
            tar.put(e, xattrs, data);
        }

        private static TarArchiveEntry header(String name, byte flag, Map<String, Object> unix) {
            TarArchiveEntry e = new TarArchiveEntry(name, flag);
            e.setMode((Integer) unix.get("mode") & 07777);
            e.setUserId(Integer.toUnsignedLong((Integer) unix.get("uid")));
            e.setGroupId(Integer.toUnsignedLong((Integer) unix.get("gid")));
            e.setUserName("");
            e.setGroupName("");
            FileTime mtime = (FileTime) unix.get("lastModifiedTime");
            e.setModTime(FileTime.fromMillis(mtime.toInstant().getEpochSecond() * 1000));
            return e;
        }
    }
}
