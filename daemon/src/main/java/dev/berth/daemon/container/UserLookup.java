package dev.berth.daemon.container;

import dev.berth.oci.runtime.RootfsPath;
import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a container's {@code User} ({@code uid}, {@code uid:gid}, {@code name},
 * {@code name:group}, or empty for root) against the image's own {@code /etc/passwd} and
 * {@code /etc/group}, with the rules of runc's {@code user.GetExecUser} that dockerd uses:
 *
 * <ul>
 *   <li>a numeric user is a uid even without a passwd entry; a name must have one
 *       ({@code unable to find user app: no matching entries in passwd file});</li>
 *   <li>the gid is the passwd entry's unless a group is given; a group name must exist in
 *       {@code /etc/group}, a numeric one need not;</li>
 *   <li>supplementary groups are those listing the user by name, and only when no group was
 *       given; dockerd puts the primary gid first in {@code additionalGids}.</li>
 * </ul>
 *
 * <p>The files are read through {@link RootfsPath}, so a hostile image whose {@code /etc/passwd}
 * is a symlink to {@code /../../etc/passwd} reads its own tree, never the host's.
 */
public final class UserLookup {
    private static final long MAX_ID = Integer.MAX_VALUE; // runc's range: 0 to 2^31-1

    record PasswdEntry(String name, long uid, long gid) {}

    record GroupEntry(String name, long gid, List<String> members) {}

    private UserLookup() {}

    /** The process user for {@code spec} ({@code User}) in the container whose root is {@code rootfs}. */
    public static Spec.User resolve(String spec, Path rootfs) {
        String userArg = spec == null ? "" : spec;
        String groupArg = "";
        int colon = userArg.indexOf(':');
        if (colon >= 0) {
            groupArg = userArg.substring(colon + 1);
            userArg = userArg.substring(0, colon);
        }
        Long uidArg = number(userArg);
        Long gidArg = number(groupArg);

        long uid = 0;
        long gid = 0;
        String matchedName = "";
        List<PasswdEntry> passwd = passwd(rootfs);
        PasswdEntry match = null;
        for (PasswdEntry e : passwd) {
            boolean hit = userArg.isEmpty() ? e.uid() == 0 : uidArg != null ? e.uid() == uidArg : e.name().equals(userArg);
            if (hit) {
                match = e; // the first match wins, as in runc
                break;
            }
        }
        if (match != null) {
            matchedName = match.name();
            uid = match.uid();
            gid = match.gid();
        } else if (!userArg.isEmpty()) {
            if (uidArg == null) {
                throw new InvalidContainerConfigException("unable to find user " + userArg
                        + ": no matching entries in passwd file");
            }
            uid = inRange(uidArg);
        }

        List<Long> supplementary = new ArrayList<>();
        if (!groupArg.isEmpty() || !matchedName.isEmpty()) {
            List<GroupEntry> groups = groups(rootfs);
            if (!groupArg.isEmpty()) {
                GroupEntry g = null;
                for (GroupEntry e : groups) {
                    if (gidArg != null ? e.gid() == gidArg : e.name().equals(groupArg)) {
                        g = e;
                        break;
                    }
                }
                if (g != null) {
                    gid = g.gid();
                } else if (gidArg == null) {
                    throw new InvalidContainerConfigException("unable to find group " + groupArg
                            + ": no matching entries in group file");
                } else {
                    gid = inRange(gidArg);
                }
            } else {
                for (GroupEntry e : groups) {
                    if (e.members().contains(matchedName)) {
                        supplementary.add(e.gid());
                    }
                }
            }
        }
        List<Long> additional = new ArrayList<>();
        additional.add(gid);
        additional.addAll(supplementary);
        return new Spec.User(uid, gid, null, List.copyOf(additional), null);
    }

    /**
     * {@code --group-add}: gids, or group names looked up in the image's {@code /etc/group}
     * (runc's {@code GetAdditionalGroups}).
     */
    public static List<Long> additionalGroups(List<String> groupAdd, Path rootfs) {
        List<GroupEntry> groups = groups(rootfs);
        List<Long> out = new ArrayList<>();
        for (String g : groupAdd) {
            GroupEntry match = groups.stream().filter(e -> e.name().equals(g)).findFirst().orElse(null);
            if (match != null) {
                out.add(match.gid());
                continue;
            }
            Long gid = number(g);
            if (gid == null) {
                throw new InvalidContainerConfigException("Unable to find group " + g
                        + ": no matching entries in group file");
            }
            out.add(inRange(gid));
        }
        return out;
    }

    private static long inRange(long id) {
        if (id < 0 || id > MAX_ID) {
            throw new InvalidContainerConfigException("uids and gids must be in range 0-" + MAX_ID);
        }
        return id;
    }

    private static Long number(String s) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code name:password:uid:gid:gecos:home:shell}, one a line; unreadable numbers are 0 as in runc. */
    static List<PasswdEntry> passwd(Path rootfs) {
        List<PasswdEntry> out = new ArrayList<>();
        for (String line : lines(rootfs, "/etc/passwd")) {
            String[] f = line.split(":", -1);
            out.add(new PasswdEntry(f[0], f.length > 2 ? id(f[2]) : 0, f.length > 3 ? id(f[3]) : 0));
        }
        return out;
    }

    /** {@code name:password:gid:member,member}; NIS lines ({@code +}, {@code -}) are skipped. */
    static List<GroupEntry> groups(Path rootfs) {
        List<GroupEntry> out = new ArrayList<>();
        for (String line : lines(rootfs, "/etc/group")) {
            if (line.startsWith("+") || line.startsWith("-")) {
                continue;
            }
            String[] f = line.split(":", -1);
            List<String> members = f.length > 3 && !f[3].isEmpty() ? List.of(f[3].split(",")) : List.of();
            out.add(new GroupEntry(f[0], f.length > 2 ? id(f[2]) : 0, members));
        }
        return out;
    }

    private static long id(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The file's non-empty lines, or none if the image has no such file. */
    private static List<String> lines(Path rootfs, String containerPath) {
        try {
            Path file = RootfsPath.resolve(rootfs, containerPath);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
            // new String() replaces malformed bytes where readAllLines would throw on them
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + containerPath + " in " + rootfs, e);
        }
    }
}
