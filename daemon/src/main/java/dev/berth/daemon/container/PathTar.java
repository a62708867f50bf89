package dev.berth.daemon.container;

import dev.berth.linux.FileNodes;
import dev.berth.image.layer.LayerTarWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes one path of a container's filesystem, and everything under it, as a tar: what
 * {@code GET /containers/{id}/archive} and {@code docker export} send. Entries are named from
 * {@code name} down ({@code hostname}, or {@code etc/}, {@code etc/passwd}, …), with numeric
 * owners, permission bits and modification times, links as links (never followed), files with
 * several links as one file and hard links to it, as Docker's {@code TarWithOptions} writes them,
 * and the extended attributes {@link ArchiveXattrs} carries, byte for byte, in PAX records.
 * A directory under the path that a bind covers in the container is read from the bind's source,
 * so the tar holds what the container sees. Sockets cannot be stored in a tar and are left out;
 * a file removed while it is walked is skipped, as it would be had it gone a moment earlier.
 */
final class PathTar {
    private static final String ATTRS = "unix:mode,uid,gid,rdev,nlink,lastModifiedTime";

    private final ContainerView view;
    private final LayerTarWriter tar;
    private final Map<Object, String> linked = new HashMap<>();

    private PathTar(ContainerView view, OutputStream out) {
        this.view = view;
        this.tar = new LayerTarWriter(out);
    }

    /**
     * Writes the tar of the container path {@code containerPath}, held at {@code host}, naming
     * it {@code name} (empty: its contents go at the top of the tar, as for an export), then the
     * end of the archive; {@code out} stays open.
     */
    static void write(ContainerView view, String containerPath, Path host, String name, OutputStream out)
            throws IOException {
        PathTar t = new PathTar(view, out);
        t.entry(host, containerPath, name);
        t.tar.finish();
    }

    private void entry(Path p, String containerPath, String name) throws IOException {
        BasicFileAttributes a;
        Map<String, Object> unix;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            unix = Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        int type = (Integer) unix.get("mode") & FileNodes.S_IFMT;
        if (a.isDirectory()) {
            if (!name.isEmpty()) {
                put(p, header(name + "/", TarConstants.LF_DIR, unix), null);
            }
            List<Path> children;
            try (Stream<Path> list = Files.list(p)) {
                children = list.sorted().toList();
            } catch (NoSuchFileException e) {
                return;
            }
            String prefix = name.isEmpty() ? "" : name + "/";
            for (Path child : children) {
                String childName = child.getFileName().toString();
                String childPath = containerPath.equals("/") ? "/" + childName : containerPath + "/" + childName;
                Path bound = view.boundAt(childPath);
                entry(bound != null ? bound : child, childPath, prefix + childName);
            }
            return;
        }
        if (type == FileNodes.S_IFSOCK) {
            return;
        }
        if ((Integer) unix.get("nlink") > 1 && a.isRegularFile()) {
            String first = linked.putIfAbsent(a.fileKey(), name);
            if (first != null) {
                TarArchiveEntry link = header(name, TarConstants.LF_LINK, unix);
                link.setLinkName(first);
                put(p, link, null);
                return;
            }
        }
        if (a.isRegularFile()) {
            TarArchiveEntry e = header(name, TarConstants.LF_NORMAL, unix);
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                e.setSize(a.size());
                put(p, e, new SizedInput(in, a.size()));
            } catch (NoSuchFileException gone) {
                // removed since it was listed
            }
        } else if (a.isSymbolicLink()) {
            TarArchiveEntry e = header(name, TarConstants.LF_SYMLINK, unix);
            e.setLinkName(Files.readSymbolicLink(p).toString());
            put(p, e, null);
        } else {
            byte flag = switch (type) {
                case FileNodes.S_IFCHR -> TarConstants.LF_CHR;
                case FileNodes.S_IFBLK -> TarConstants.LF_BLK;
                default -> TarConstants.LF_FIFO;
            };
            TarArchiveEntry e = header(name, flag, unix);
            if (flag != TarConstants.LF_FIFO) {
                long rdev = (Long) unix.get("rdev");
                e.setDevMajor(FileNodes.major(rdev));
                e.setDevMinor(FileNodes.minor(rdev));
            }
            put(p, e, null);
        }
    }

    private void put(Path p, TarArchiveEntry e, InputStream data) throws IOException {
        tar.put(e, ArchiveXattrs.read(p), data);
    }

    /**
     * A file's data cut or padded to the size in its header: one that grows while it is read is
     * cut, one that shrinks is padded with zeros, so the tar stays well formed.
     */
    private static final class SizedInput extends FilterInputStream {
        private long left;

        SizedInput(InputStream in, long size) {
            super(in);
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int want = (int) Math.min(len, left);
            int n = in.read(b, off, want);
            if (n < 0) {
                Arrays.fill(b, off, off + want, (byte) 0);
                n = want;
            }
            left -= n;
            return n;
        }
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
