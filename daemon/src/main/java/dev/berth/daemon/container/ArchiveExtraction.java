package dev.berth.daemon.container;

import dev.berth.daemon.http.ApiException;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileModes;
import dev.berth.linux.FileOwners;
import dev.berth.linux.FileNodes;
import dev.berth.image.content.DurableFiles;
import dev.berth.image.layer.LayerTarInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Extracts a tar into a directory of a container: {@code PUT /containers/{id}/archive}, the
 * host-to-container half of {@code docker cp}. Every entry's path is resolved through the
 * {@link ContainerView}, so links in the container or earlier in the tar are followed as the
 * container would follow them and can never lead out of it; an entry whose name climbs above the
 * destination is refused, as Docker refuses it. What an entry replaces is removed first and the
 * new file is created exclusively, so the last component is never followed either.
 *
 * <p>Owners come from the tar, or, with {@code copyUIDGID}, are the container's user (Docker's
 * {@code docker cp -a}); permission bits and modification times from the tar, directories' times
 * set last since their contents change them. Extended attributes ({@code SCHILY.xattr.*}) are set
 * byte for byte, as {@link ArchiveXattrs} says.
 */
final class ArchiveExtraction {
    private final ContainerView view;
    private final String destination;
    private final boolean noOverwriteDirNonDir;
    private final long[] owner;
    private final Map<Path, FileTime> directoryTimes = new LinkedHashMap<>();

    /**
     * @param destination the container path of the directory to extract into (resolved, existing)
     * @param owner       uid and gid for every entry, or null to keep the tar's
     */
    ArchiveExtraction(ContainerView view, String destination, boolean noOverwriteDirNonDir, long[] owner) {
        this.view = view;
        this.destination = destination;
        this.noOverwriteDirNonDir = noOverwriteDirNonDir;
        this.owner = owner;
    }

    void extract(InputStream body) throws IOException {
        LayerTarInputStream tar = new LayerTarInputStream(body);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            entry(e, tar.xattrs(), tar);
        }
        for (Map.Entry<Path, FileTime> d : directoryTimes.entrySet()) {
            Files.setLastModifiedTime(d.getKey(), d.getValue());
        }
    }

    /** The container path for a tar name, refused if it climbs above the destination. */
    private String inside(String name) {
        int depth = 0;
        for (String c : name.split("/")) {
            if (c.equals("..")) {
                depth--;
            } else if (!c.isEmpty() && !c.equals(".")) {
                depth++;
            }
            if (depth < 0) {
                throw ApiException.invalid("\"" + name + "\" is outside of \"" + destination + "\"");
            }
        }
        return destination + "/" + name;
    }

    private void entry(TarArchiveEntry e, Map<String, byte[]> xattrs, InputStream data) throws IOException {
        if (e.isGlobalPaxHeader() || e.isPaxHeader()) {
            return;
        }
        String path = inside(e.getName());
        ContainerView.Resolved r;
        try {
            r = view.resolve(path, false, true);
        } catch (ContainerView.Unresolvable u) {
            throw ApiException.invalid("extract " + e.getName() + ": " + u.getMessage());
        }
        if (ContainerView.components(path).size() == ContainerView.components(destination).size()) {
            applyMetadata(r.hostPath(), e, xattrs); // "./" names the destination itself
            return;
        }
        Path host = r.hostPath();
        BasicFileAttributes existing = ContainerView.lstat(host);
        if (existing != null) {
            if (existing.isDirectory() && e.isDirectory()) {
                applyMetadata(host, e, xattrs);
                return;
            }
            if (noOverwriteDirNonDir && existing.isDirectory() != e.isDirectory()) {
                throw ApiException.invalid(existing.isDirectory()
                        ? "cannot overwrite directory \"" + r.containerPath() + "\" with non-directory \"" + e.getName() + "\""
                        : "cannot overwrite non-directory \"" + r.containerPath() + "\" with directory \"" + e.getName()
                                + "\"");
            }
            DurableFiles.deleteTree(host);
        }
        try {
            if (e.isDirectory()) {
                Files.createDirectory(host);
            } else if (e.isSymbolicLink()) {
                FileNodes.symlink(e.getLinkName(), host);
            } else if (e.isLink()) {
                Path target;
                try {
                    target = view.resolve(inside(e.getLinkName()), false, false).hostPath();
                } catch (ContainerView.Unresolvable u) {
                    throw ApiException.invalid("extract " + e.getName() + ": link target " + u.getMessage());
                }
                Files.createLink(host, target);
                return; // the target's metadata is the link's
            } else if (e.isCharacterDevice() || e.isBlockDevice()) {
                FileNodes.mknod(host, (e.isCharacterDevice() ? FileNodes.S_IFCHR : FileNodes.S_IFBLK)
                        | (e.getMode() & 07777), FileNodes.makedev(e.getDevMajor(), e.getDevMinor()));
            } else if (e.isFIFO()) {
                FileNodes.mkfifo(host, e.getMode() & 07777);
            } else {
                // CREATE_NEW is O_EXCL: a link put here meanwhile is not followed
                try (OutputStream out = Files.newOutputStream(host, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    data.transferTo(out);
                }
            }
        } catch (ErrnoException x) {
            throw new IOException("extract " + e.getName() + ": " + x.getMessage(), x);
        }
        applyMetadata(host, e, xattrs);
    }

    private void applyMetadata(Path host, TarArchiveEntry e, Map<String, byte[]> xattrs) throws IOException {
        long uid = owner != null ? owner[0] : e.getLongUserId();
        long gid = owner != null ? owner[1] : e.getLongGroupId();
        try {
            // chown first: it clears the set-id bits that chmod then sets, and security.capability
            FileOwners.lchown(host, uid, gid);
            ArchiveXattrs.apply(host, xattrs, e.getName());
            if (e.isSymbolicLink()) {
                return; // Linux has no mode for links
            }
            FileModes.chmod(host, e.getMode() & 07777);
        } catch (ErrnoException x) {
            throw new IOException("extract " + e.getName() + ": " + x.getMessage(), x);
        }
        FileTime time = FileTime.from(e.getLastModifiedTime().toInstant());
        if (e.isDirectory()) {
            directoryTimes.put(host, time);
        } else {
            Files.setLastModifiedTime(host, time);
        }
    }
}
