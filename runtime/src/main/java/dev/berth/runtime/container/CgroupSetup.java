package dev.berth.runtime.container;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.cgroup.CgroupException;
import dev.berth.runtime.cgroup.CgroupLayout;
import dev.berth.runtime.cgroup.CgroupManager;
import dev.berth.runtime.plan.PlanRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a container's cgroup goes and what it starts with. The path is the spec's
 * {@code linux.cgroupsPath}, else {@code /berth/<id>}; the device list is the spec's rules
 * followed by an allow rule for each of the spec's {@code linux.devices} and the devices every
 * container gets (runc's {@code specconv.AllowedDevices}), after an implicit "deny all", so a
 * spec without rules still yields a closed list.
 *
 * <p>One instance describes one host's hierarchies ({@link #host()}); {@link #on} takes any
 * {@link CgroupLayout}, such as a test's.
 */
public final class CgroupSetup {
    /** The parent of every container cgroup whose spec names none. */
    static final String DEFAULT_PARENT = "/berth";

    /**
     * What runc allows every container on top of the spec's rules: mknod of any node (opening it
     * is another matter), the standard character devices, the ptys.
     */
    static final List<Linux.DeviceRule> DEFAULT_DEVICES = List.of(
            new Linux.DeviceRule(true, "c", null, null, "m"),
            new Linux.DeviceRule(true, "b", null, null, "m"),
            new Linux.DeviceRule(true, "c", 1L, 3L, "rwm"),     // /dev/null
            new Linux.DeviceRule(true, "c", 1L, 8L, "rwm"),     // /dev/random
            new Linux.DeviceRule(true, "c", 1L, 7L, "rwm"),     // /dev/full
            new Linux.DeviceRule(true, "c", 5L, 0L, "rwm"),     // /dev/tty
            new Linux.DeviceRule(true, "c", 1L, 5L, "rwm"),     // /dev/zero
            new Linux.DeviceRule(true, "c", 1L, 9L, "rwm"),     // /dev/urandom
            new Linux.DeviceRule(true, "c", 136L, null, "rwm"), // /dev/pts/*
            new Linux.DeviceRule(true, "c", 5L, 2L, "rwm"));    // /dev/ptmx

    private final CgroupLayout layout;

    private CgroupSetup(CgroupLayout layout) {
        this.layout = layout;
    }

    /** The hierarchies mounted in this process's mount namespace. */
    public static CgroupSetup host() throws IOException {
        return new CgroupSetup(CgroupLayout.host());
    }

    public static CgroupSetup on(CgroupLayout layout) {
        return new CgroupSetup(layout);
    }

    /**
     * The container's cgroup path: {@code linux.cgroupsPath}, cleaned so that {@code ..} cannot
     * climb out, else {@code /berth/<id>}. A relative path is taken from the root of each
     * hierarchy. (runc takes it from runc's own cgroup instead; Berth's callers are daemons in
     * the root cgroup, where the two agree.)
     */
    public static String pathFor(Spec spec, String id) {
        String p = spec.linux() == null ? null : spec.linux().cgroupsPath();
        if (p == null || p.isBlank()) {
            return DEFAULT_PARENT + "/" + id;
        }
        return Path.of("/").resolve(p).normalize().toString();
    }

    /** How the container sees each hierarchy under its {@code /sys/fs/cgroup}: its own directory in each. */
    public List<PlanRequest.CgroupMount> mountsFor(String path) {
        Map<String, Path> dirs = layout.manager(path).dirs();
        List<PlanRequest.CgroupMount> out = new ArrayList<>();
        for (CgroupLayout.Hierarchy h : layout.hierarchies()) {
            out.add(new PlanRequest.CgroupMount(h.name(), dirs.get(h.name()), h.fstype(), h.options()));
        }
        return out;
    }

    /** {@link #create(String, Linux.Resources, List)} without device nodes from the spec. */
    public Cgroup create(String path, Linux.Resources resources) throws RuntimeFailure, IOException {
        return create(path, resources, List.of());
    }

    /**
     * Creates the cgroup with its limits, before any process is in it. An existing cgroup may be
     * reused only if it is empty and not frozen (config-linux.md lets a runtime refuse both,
     * and sharing a cgroup would let one container's limits and kills hit another).
     *
     * @param devices the spec's {@code linux.devices}, each of which gets an allow rule
     */
    public Cgroup create(String path, Linux.Resources resources, List<Linux.Device> devices)
            throws RuntimeFailure, IOException {
        CgroupManager m = layout.manager(path);
        if (m.exists()) {
            List<Integer> pids = m.pids();
            if (!pids.isEmpty()) {
                throw new CgroupException("cgroup " + path + " is not empty: it has " + pids.size()
                        + (pids.size() == 1 ? " process" : " processes"));
            }
            if (m.frozen()) {
                throw new CgroupException("cgroup " + path + " is frozen");
            }
        }
        m.create(withDeviceRules(resources, devices));
        return new Cgroup(m, layout);
    }

    /** The cgroup at {@code path}, which need not exist. */
    public Cgroup open(String path) {
        return new Cgroup(layout.manager(path), layout);
    }

    static Linux.Resources withDeviceRules(Linux.Resources r, List<Linux.Device> devices) {
        List<Linux.DeviceRule> rules = new ArrayList<>();
        if (r != null && r.devices() != null) {
            rules.addAll(r.devices());
        }
        for (Linux.Device d : devices == null ? List.<Linux.Device>of() : devices) {
            // "u" is an unbuffered character device; a fifo ("p") is not a device to the cgroup.
            String type = "u".equals(d.type()) ? "c" : d.type();
            if ("c".equals(type) || "b".equals(type)) {
                rules.add(new Linux.DeviceRule(true, type, d.major(), d.minor(), "rwm"));
            }
        }
        rules.addAll(DEFAULT_DEVICES);
        if (r == null) {
            return new Linux.Resources(rules, null, null, null, null, null, null, null, null);
        }
        return new Linux.Resources(rules, r.memory(), r.cpu(), r.pids(), r.blockIO(), r.hugepageLimits(),
                r.network(), r.rdma(), r.unified());
    }
}
