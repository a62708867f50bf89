package dev.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cgroup hierarchies a host has mounted, read from {@code /proc/self/mountinfo}, and the
 * manager that fits them.
 *
 * <p>Three layouts exist in the wild. <b>Pure v2</b>: one {@code cgroup2} mount (normally
 * {@code /sys/fs/cgroup}) holds every controller; {@link CgroupV2Manager} drives it.
 * <b>v1</b>: one {@code cgroup} mount per controller or group of controllers
 * ({@code /sys/fs/cgroup/memory}, {@code /sys/fs/cgroup/cpu,cpuacct}), plus named hierarchies
 * such as {@code name=systemd} that carry no controller. <b>Hybrid</b>: v1 as above plus a
 * {@code cgroup2} mount at {@code /sys/fs/cgroup/unified} that holds whatever controllers v1
 * does not mount; on Berth's own machines that is only {@code hugetlb}. {@link CgroupV1Manager}
 * drives both of the latter, using the unified mount for what only it has.
 *
 * <p>A layout counts as pure v2 when it has a {@code cgroup2} mount and no v1 hierarchy with a
 * controller; a v1 mount that is only a name (systemd's) does not make a host v1.
 *
 * @param v1      the v1 hierarchies that carry controllers or a name, in mount order
 * @param unified the {@code cgroup2} mount, or null
 */
public record CgroupLayout(List<Hierarchy> v1, Hierarchy unified) {

    /**
     * One mounted hierarchy.
     *
     * @param name        the directory name under the cgroup root ({@code memory}, {@code cpu,cpuacct},
     *                    {@code systemd}, {@code unified}); what the container sees under its
     *                    {@code /sys/fs/cgroup}
     * @param mountPoint  where the host has it mounted
     * @param fstype      {@code cgroup} or {@code cgroup2}
     * @param controllers v1: the controllers in the mount options; v2: {@code cgroup.controllers}
     *                    of the root
     * @param options     the options to mount the same hierarchy again ({@code cpu,cpuacct},
     *                    {@code name=systemd}; empty for cgroup2)
     */
    public record Hierarchy(String name, Path mountPoint, String fstype, Set<String> controllers, String options) {
        public boolean has(String controller) {
            return controllers.contains(controller);
        }
    }

    public CgroupLayout {
        v1 = List.copyOf(v1);
    }

    /** The layout of this host's mount namespace. */
    public static CgroupLayout host() throws IOException {
        return parse(Files.readString(Path.of("/proc/self/mountinfo")));
    }

    /** A layout whose only hierarchy is a cgroup2 tree at {@code root} (a test's fake tree, for one). */
    public static CgroupLayout unifiedAt(Path root) {
        return new CgroupLayout(List.of(), new Hierarchy("", root, "cgroup2", v2Controllers(root), ""));
    }

    /** Parses {@code /proc/<pid>/mountinfo} text (proc(5)). */
    public static CgroupLayout parse(String mountinfo) {
        List<Hierarchy> v1 = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Hierarchy unified = null;
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3) {
                continue;
            }
            String fstype = post[0];
            Path mountPoint = Path.of(unescape(pre[4]));
            if (fstype.equals("cgroup2")) {
                if (unified == null) {
                    unified = new Hierarchy(fileName(mountPoint), mountPoint, fstype, v2Controllers(mountPoint), "");
                }
            } else if (fstype.equals("cgroup")) {
                Hierarchy h = v1Hierarchy(mountPoint, post[2]);
                // The same hierarchy bound a second time (into a container, say) is still one hierarchy.
                if (h != null && seen.add(h.options())) {
                    v1.add(h);
                }
            }
        }
        return new CgroupLayout(v1, unified);
    }

    /** True on a pure cgroup v2 host. */
    public boolean isUnified() {
        return unified != null && v1.stream().allMatch(h -> h.controllers().isEmpty());
    }

    /**
     * Every hierarchy a container's cgroup lives in: the unified one alone on a pure v2 host
     * (named "" there), else the v1 hierarchies and, on a hybrid host, the unified one.
     */
    public List<Hierarchy> hierarchies() {
        if (isUnified()) {
            return List.of(new Hierarchy("", unified.mountPoint(), unified.fstype(), unified.controllers(), ""));
        }
        List<Hierarchy> all = new ArrayList<>(v1);
        if (unified != null) {
            all.add(unified);
        }
        return all;
    }

    /** A manager for the cgroup at {@code path} (absolute, such as {@code /berth/abc}); no I/O. */
    public CgroupManager manager(String path) {
        if (isUnified()) {
            return new CgroupV2Manager(unified.mountPoint(), path);
        }
        return new CgroupV1Manager(v1, unified, path);
    }

    private static Hierarchy v1Hierarchy(Path mountPoint, String superOptions) {
        Set<String> controllers = new LinkedHashSet<>();
        List<String> options = new ArrayList<>();
        String name = null;
        for (String o : superOptions.split(",")) {
            if (o.startsWith("name=")) {
                name = o;
            } else if (!o.isEmpty() && !o.equals("rw") && !o.equals("ro") && !o.contains("=")
                    && !o.equals("noprefix") && !o.equals("clone_children") && !o.equals("xattr")
                    && !o.equals("cpuset_v2_mode") && !o.equals("favordynmods")) {
                controllers.add(o);
                options.add(o);
            }
        }
        if (name != null) {
            options.add(name);
        }
        if (options.isEmpty()) {
            return null;
        }
        return new Hierarchy(fileName(mountPoint), mountPoint, "cgroup", Set.copyOf(controllers), String.join(",", options));
    }

    private static Set<String> v2Controllers(Path mountPoint) {
        try {
            String s = Files.readString(mountPoint.resolve("cgroup.controllers")).trim();
            return s.isEmpty() ? Set.of() : Set.of(s.split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    private static String fileName(Path p) {
        return p.getFileName() == null ? "" : p.getFileName().toString();
    }

    /** Mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
