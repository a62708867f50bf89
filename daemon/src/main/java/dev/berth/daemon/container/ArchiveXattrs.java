package dev.berth.daemon.container;

import dev.berth.linux.Errno;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The extended attributes that {@code docker cp} and {@code docker export} carry, as
 * {@code SCHILY.xattr.<name>} PAX records (what Go's {@code archive/tar} and GNU tar write).
 *
 * <p>Out of a container go {@code security.capability} (what Docker's archive package writes, so
 * that a copied {@code ping} keeps its {@code cap_net_raw}) and the {@code user.*} attributes,
 * which are the files' own data. Nothing else: {@code trusted.*} belongs to overlayfs and
 * {@code security.selinux} to the host's policy, neither of which means anything in another
 * filesystem. A version 3 capability, which names the root of a user namespace, goes out as
 * version 2, as dockerd writes it: that root means nothing outside the namespace.
 *
 * <p>Into a container goes every attribute the tar names, as Docker's untar sets them; one the
 * filesystem or the kernel will not take (EOPNOTSUPP: no xattrs there; EPERM: {@code user.*} on a
 * link or device, or a name only the host may set) is skipped, as Docker skips EPERM.
 */
final class ArchiveXattrs {
    static final String CAPABILITY = "security.capability";
    /** linux/capability.h: the size of a {@code vfs_cap_data} of revision 2, and where its revision byte is. */
    private static final int CAPS_V2_SIZE = 20;
    private static final int REVISION_OFFSET = 3;
    private static final byte REVISION_2 = 2;
    private static final byte REVISION_3 = 3;

    private ArchiveXattrs() {}

    /** Whether an attribute of a container's file goes into the tars the daemon writes. */
    static boolean carried(String name) {
        return name.startsWith("user.") || name.equals(CAPABILITY);
    }

    /** The carried attributes of {@code path} (the link itself, never its target); empty if it is gone. */
    static Map<String, byte[]> read(Path path) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try {
            for (String name : Xattrs.list(path)) {
                if (carried(name)) {
                    Xattrs.get(path, name).ifPresent(v -> out.put(name, name.equals(CAPABILITY) ? portable(v) : v));
                }
            }
        } catch (ErrnoException e) {
            if (e.errno() != ErrnoException.ENOENT) {
                throw e;
            }
            return Map.of(); // removed since it was listed, as its data would be
        }
        return out;
    }

    /** A {@code security.capability} value as it may leave the host: revision 3 cut down to revision 2. */
    static byte[] portable(byte[] capability) {
        if (capability.length > CAPS_V2_SIZE && capability[REVISION_OFFSET] == REVISION_3) {
            byte[] v2 = Arrays.copyOf(capability, CAPS_V2_SIZE);
            v2[REVISION_OFFSET] = REVISION_2;
            return v2;
        }
        return capability;
    }

    /**
     * Sets {@code xattrs} on {@code path} (not following a link). Call it after the owner is set:
     * chown(2) clears {@code security.capability}.
     */
    static void apply(Path path, Map<String, byte[]> xattrs, String entryName) throws IOException {
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            try {
                Xattrs.set(path, x.getKey(), x.getValue());
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.EPERM && e.errno() != ErrnoException.EOPNOTSUPP) {
                    throw new IOException("extract " + entryName + ": set " + x.getKey() + ": "
                            + Errno.describe(e.errno()), e);
                }
            }
        }
    }
}
