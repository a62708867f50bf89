package dev.berth.runtime.cgroup;

import static dev.berth.runtime.cgroup.CgroupException.bytes;

import dev.berth.oci.runtime.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A cgroup in the v1 hierarchies: one directory per mounted hierarchy, each controller's limits
 * written in the hierarchy that carries it (Documentation/admin-guide/cgroup-v1/). Named
 * hierarchies such as {@code name=systemd} get a directory and the processes but no limits.
 *
 * <p>On a hybrid host the unified ({@code cgroup2}) mount gets a directory too, through a
 * {@link CgroupV2Manager}, and holds the limits of controllers only it has: hugetlb, on Berth's
 * machines. The spec's {@code unified} map is still refused, as runc refuses it on v1 hosts.
 *
 * <p>Order matters in three places. A new v1 cpuset starts with empty {@code cpuset.cpus} and
 * {@code cpuset.mems}, and no task may join it until both are set, so every level we pass is
 * filled from its parent. The kernel keeps {@code memory.limit_in_bytes <= memory.memsw.limit_in_bytes},
 * so raising writes memsw first and lowering writes the limit first. A quota whose period is
 * not yet in force can be refused, so the period is written again after the quota if it was.
 */
public final class CgroupV1Manager implements CgroupManager {
    private static final Logger LOG = Logger.getLogger(CgroupV1Manager.class.getName());
    /** A cpu number beyond the kernel's nr_cpu_ids. */
    private static final String ERANGE = "numerical result out of range";
    private static final Pattern ACCESS = Pattern.compile("[rwm]{1,3}");

    private final String path;
    private final List<CgroupLayout.Hierarchy> hierarchies;
    private final CgroupLayout.Hierarchy unifiedHierarchy;
    private final CgroupV2Manager unified;
    private final Map<String, Path> dirs = new LinkedHashMap<>();

    /**
     * The cgroup at {@code path} in the hierarchies {@code v1}, and in {@code unified} (null on a
     * host without a cgroup2 mount).
     */
    public CgroupV1Manager(List<CgroupLayout.Hierarchy> v1, CgroupLayout.Hierarchy unified, String path) {
        this.path = path;
        this.hierarchies = List.copyOf(v1);
        this.unifiedHierarchy = unified;
        this.unified = unified == null ? null : new CgroupV2Manager(unified.mountPoint(), path);
        for (CgroupLayout.Hierarchy h : hierarchies) {
            dirs.put(h.name(), ControlFiles.dirIn(h.mountPoint(), path));
        }
        if (unified != null) {
            dirs.put(unified.name(), ControlFiles.dirIn(unified.mountPoint(), path));
        }
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, Path> dirs() {
        return Collections.unmodifiableMap(dirs);
    }

    @Override
    public boolean exists() {
        Path p = primary();
        return p != null && Files.isDirectory(p);
    }

    @Override
    public void create(Linux.Resources r) throws CgroupException {
        if (hierarchies.isEmpty()) {
            throw new CgroupException("create cgroup " + path + ": no cgroup hierarchy is mounted on this host");
        }
        refuseUnified(r);
        List<Path> made = new ArrayList<>();
        try {
            for (CgroupLayout.Hierarchy h : hierarchies) {
                made.addAll(ControlFiles.mkdirs(h.mountPoint(), dirs.get(h.name())));
            }
            if (unified != null) {
                made.addAll(unified.makeDirs());
            }
            CgroupLayout.Hierarchy cpuset = hierarchy("cpuset");
            if (cpuset != null) {
                fillCpuset(cpuset.mountPoint(), dirs.get(cpuset.name()));
            }
            apply(r, false);
        } catch (CgroupException | RuntimeException e) {
            ControlFiles.removeQuietly(made);
            throw e;
        }
    }

    @Override
    public void update(Linux.Resources r) throws CgroupException {
        refuseUnified(r);
        apply(r, true);
    }

    /** Copies {@code cpuset.cpus} and {@code cpuset.mems} down to every level that has them empty. */
    private static void fillCpuset(Path root, Path leaf) throws CgroupException {
        for (Path level : ControlFiles.chain(root, leaf)) {
            for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
                if (ControlFiles.read(level.resolve(f)).isEmpty()) {
                    ControlFiles.write("cpuset " + f.substring(7) + " of " + level.getFileName(), level.resolve(f),
                            ControlFiles.read(level.getParent().resolve(f)));
                }
            }
        }
    }

    private static void refuseUnified(Linux.Resources r) throws CgroupException {
        if (r != null && r.unified() != null && !r.unified().isEmpty()) {
            throw new CgroupException("unified " + String.join(", ", r.unified().keySet())
                    + ": cgroup v2 settings cannot be applied on a cgroup v1 host");
        }
    }

    private void apply(Linux.Resources r, boolean update) throws CgroupException {
        if (r == null) {
            return;
        }
        if (r.memory() != null) {
            memory(r.memory());
        }
        if (r.cpu() != null) {
            cpu(r.cpu());
        }
        if (r.pids() != null) {
            ControlFiles.write("pids limit " + r.pids().limit(), need("pids", "pids limit").resolve("pids.max"),
                    r.pids().limit() < 0 ? "max" : Long.toString(r.pids().limit()));
        }
        if (r.blockIO() != null) {
            blkio(r.blockIO());
        }
        if (r.hugepageLimits() != null && !r.hugepageLimits().isEmpty()) {
            hugetlb(r.hugepageLimits());
        }
        if (r.devices() != null) {
            if (update) {
                // As runc's update: rewriting the list means a moment of "deny all" for running processes.
                LOG.fine("cgroup " + path + ": device rules are not changed by an update");
            } else {
                devices(r.devices());
            }
        }
        if (r.network() != null) {
            network(r.network());
        }
        if (r.rdma() != null && !r.rdma().isEmpty()) {
            Path d = need("rdma", "rdma limits");
            for (var e : r.rdma().entrySet()) {
                ControlFiles.write("rdma limit " + e.getKey(), d.resolve("rdma.max"),
                        CgroupV2Manager.rdmaLine(e.getKey(), e.getValue()));
            }
        }
    }

    private void memory(Linux.Memory m) throws CgroupException {
        Long limit = nonZero(m.limit());
        Long swap = nonZero(m.swap());
        boolean any = limit != null || swap != null || nonZero(m.reservation()) != null || m.swappiness() != null
                || m.disableOOMKiller() != null || m.useHierarchy() != null;
        if (!any) {
            warnKernel(m);
            return;
        }
        Path d = need("memory", "memory limits");
        Path memsw = d.resolve("memory.memsw.limit_in_bytes");
        boolean hasMemsw = Files.exists(memsw);
        if (limit != null && limit == -1 && swap == null && hasMemsw) {
            swap = -1L; // "unlimited memory" means unlimited memory+swap too, as runc reads it
        }
        if (swap != null && !hasMemsw) {
            // Without swap accounting nothing can swap beyond the memory limit anyway.
            if (swap != -1 && !swap.equals(limit)) {
                throw CgroupException.unsupported("memory+swap limit " + bytes(swap), "memory.memsw.limit_in_bytes");
            }
            swap = null;
        }
        if (limit != null && swap != null) {
            long current = ControlFiles.readLong(d.resolve("memory.limit_in_bytes"));
            if (swap == -1 || current < swap) {
                writeSwap(d, swap);
                writeLimit(d, limit);
            } else {
                writeLimit(d, limit);
                writeSwap(d, swap);
            }
        } else if (limit != null) {
            writeLimit(d, limit);
        } else if (swap != null) {
            writeSwap(d, swap);
        }
        Long reservation = nonZero(m.reservation());
        if (reservation != null) {
            ControlFiles.write("memory reservation " + bytes(reservation), d.resolve("memory.soft_limit_in_bytes"),
                    reservation.toString());
        }
        if (m.swappiness() != null && m.swappiness() != -1) {
            if (m.swappiness() < 0 || m.swappiness() > 100) {
                throw new CgroupException("memory swappiness " + m.swappiness() + ": must be between 0 and 100");
            }
            ControlFiles.write("memory swappiness " + m.swappiness(), d.resolve("memory.swappiness"),
                    m.swappiness().toString());
        }
        if (m.disableOOMKiller() != null) {
            ControlFiles.write((m.disableOOMKiller() ? "disable" : "enable") + " oom killer", d.resolve("memory.oom_control"),
                    m.disableOOMKiller() ? "1" : "0");
        }
        if (m.useHierarchy() != null) {
            String want = m.useHierarchy() ? "1" : "0";
            Path f = d.resolve("memory.use_hierarchy");
            if (!want.equals(ControlFiles.readIfExists(f))) {
                ControlFiles.write("memory use_hierarchy " + m.useHierarchy(), f, want);
            }
        }
        warnKernel(m);
    }

    private void warnKernel(Linux.Memory m) {
        if (m.kernel() != null || m.kernelTCP() != null) {
            // runc does the same: kmem limits are deprecated in Linux 5.4 and gone in 6.x.
            LOG.warning("cgroup " + path + ": kernel memory limits are deprecated and ignored");
        }
    }

    private static void writeLimit(Path d, long limit) throws CgroupException {
        ControlFiles.write("memory limit " + bytes(limit), d.resolve("memory.limit_in_bytes"), Long.toString(limit),
                e -> CgroupException.is(e, CgroupException.EBUSY)
                        ? "usage " + usage(d.resolve("memory.usage_in_bytes")) + " is above the new limit" : null);
    }

    private static void writeSwap(Path d, long swap) throws CgroupException {
        ControlFiles.write("memory+swap limit " + bytes(swap), d.resolve("memory.memsw.limit_in_bytes"), Long.toString(swap),
                e -> CgroupException.is(e, CgroupException.EINVAL)
                        ? "it must not be below the memory limit " + usage(d.resolve("memory.limit_in_bytes"))
                        : CgroupException.is(e, CgroupException.EBUSY)
                        ? "usage " + usage(d.resolve("memory.memsw.usage_in_bytes")) + " is above the new limit" : null);
    }

    /** A byte count read for an error message, or "unknown". */
    private static String usage(Path file) {
        try {
            return bytes(ControlFiles.readLong(file));
        } catch (CgroupException e) {
            return "unknown";
        }
    }

    private void cpu(Linux.Cpu c) throws CgroupException {
        Long shares = nonZero(c.shares());
        Long quota = nonZero(c.quota());
        Long period = nonZero(c.period());
        Long rtRuntime = nonZero(c.realtimeRuntime());
        Long rtPeriod = nonZero(c.realtimePeriod());
        if (shares != null || quota != null || period != null || rtRuntime != null || rtPeriod != null
                || c.burst() != null || c.idle() != null) {
            Path d = need("cpu", "cpu limits");
            if (shares != null) {
                Path f = d.resolve("cpu.shares");
                ControlFiles.write("cpu shares " + shares, f, shares.toString());
                long got = ControlFiles.readLong(f);
                if (got != shares) {
                    throw new CgroupException("cpu shares " + shares + ": the kernel set " + got
                            + " (it allows 2 to 262144)");
                }
            }
            // Real-time budget before any task joins: a SCHED_RR task cannot join a group without one.
            if (rtPeriod != null) {
                ControlFiles.write("cpu realtime period " + rtPeriod, d.resolve("cpu.rt_period_us"), rtPeriod.toString());
            }
            if (rtRuntime != null) {
                ControlFiles.write("cpu realtime runtime " + rtRuntime, d.resolve("cpu.rt_runtime_us"), rtRuntime.toString(),
                        e -> CgroupException.is(e, CgroupException.EINVAL) || CgroupException.is(e, CgroupException.EBUSY)
                                ? "the parent cgroup's cpu.rt_runtime_us leaves no real-time budget for it" : null);
            }
            boolean periodPending = false;
            if (period != null) {
                try {
                    ControlFiles.write("cpu period " + period, d.resolve("cpu.cfs_period_us"), period.toString());
                } catch (CgroupException e) {
                    // A shorter period can be refused while the old quota holds; retry after the quota.
                    if (quota == null || !(e.getCause() instanceof IOException io && CgroupException.is(io, CgroupException.EINVAL))) {
                        throw e;
                    }
                    periodPending = true;
                }
            }
            if (quota != null) {
                ControlFiles.write("cpu quota " + quota, d.resolve("cpu.cfs_quota_us"), quota < 0 ? "-1" : quota.toString());
            }
            if (periodPending) {
                ControlFiles.write("cpu period " + period, d.resolve("cpu.cfs_period_us"), period.toString());
            }
            if (c.burst() != null) {
                ControlFiles.write("cpu burst " + c.burst(), d.resolve("cpu.cfs_burst_us"), c.burst().toString());
            }
            if (c.idle() != null) {
                ControlFiles.write("cpu idle " + c.idle(), d.resolve("cpu.idle"), c.idle().toString());
            }
        }
        if (c.cpus() != null && !c.cpus().isEmpty()) {
            cpuset(c.cpus(), "cpus");
        }
        if (c.mems() != null && !c.mems().isEmpty()) {
            cpuset(c.mems(), "mems");
        }
    }

    private void cpuset(String value, String kind) throws CgroupException {
        Path d = need("cpuset", "cpuset " + kind);
        Path parent = d.getParent().resolve("cpuset." + kind);
        ControlFiles.write("cpuset " + kind + " " + value, d.resolve("cpuset." + kind), value,
                e -> CgroupException.is(e, CgroupException.EINVAL) || CgroupException.is(e, ERANGE)
                        ? "the parent allows " + quietRead(parent) : null);
    }

    private static String quietRead(Path file) {
        try {
            return ControlFiles.read(file);
        } catch (CgroupException e) {
            return "unknown";
        }
    }

    private void blkio(Linux.BlockIo b) throws CgroupException {
        Path d = need("blkio", "blkio limits");
        // Linux 5.0 removed CFQ; with BFQ the weights are the blkio.bfq.* files.
        String weightFile = Files.exists(d.resolve("blkio.weight")) ? "blkio.weight" : "blkio.bfq.weight";
        if (b.weight() != null && b.weight() != 0) {
            write("blkio weight " + b.weight(), d, weightFile, b.weight().toString());
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            write("blkio leaf weight " + b.leafWeight(), d, "blkio.leaf_weight", b.leafWeight().toString());
        }
        if (b.weightDevice() != null) {
            for (Linux.WeightDevice w : b.weightDevice()) {
                String dev = w.major() + ":" + w.minor();
                if (w.weight() != null) {
                    write("blkio weight " + dev + " " + w.weight(), d, weightFile + "_device", dev + " " + w.weight());
                }
                if (w.leafWeight() != null) {
                    write("blkio leaf weight " + dev + " " + w.leafWeight(), d, "blkio.leaf_weight_device",
                            dev + " " + w.leafWeight());
                }
            }
        }
        throttle(d, "read_bps", b.throttleReadBpsDevice());
        throttle(d, "write_bps", b.throttleWriteBpsDevice());
        throttle(d, "read_iops", b.throttleReadIOPSDevice());
        throttle(d, "write_iops", b.throttleWriteIOPSDevice());
    }

    private static void throttle(Path d, String kind, List<Linux.ThrottleDevice> devices) throws CgroupException {
        if (devices == null) {
            return;
        }
        for (Linux.ThrottleDevice t : devices) {
            String line = t.major() + ":" + t.minor() + " " + Long.toUnsignedString(t.rate());
            write("blkio " + kind.replace('_', ' ') + " limit " + line, d, "blkio.throttle." + kind + "_device", line);
        }
    }

    /** Writes a file that may not exist on this kernel, saying so if it does not. */
    private static void write(String what, Path d, String file, String value) throws CgroupException {
        if (!Files.exists(d.resolve(file))) {
            throw CgroupException.unsupported(what, file);
        }
        ControlFiles.write(what, d.resolve(file), value);
    }

    private void hugetlb(List<Linux.HugepageLimit> limits) throws CgroupException {
        Path d = dir("hugetlb");
        if (d == null) {
            if (unified != null && unifiedHierarchy.has("hugetlb")) {
                unified.hugetlb(limits);
                return;
            }
            throw new CgroupException("hugetlb limit " + limits.getFirst().pageSize()
                    + ": no hugetlb controller on this host (neither a v1 hierarchy nor in cgroup2)");
        }
        for (Linux.HugepageLimit l : limits) {
            String what = "hugetlb limit " + l.pageSize() + " " + bytes(l.limit());
            if (!l.pageSize().matches("[0-9]+[KMG]B")) {
                throw new CgroupException(what + ": page size must look like 2MB or 1GB");
            }
            String value = Long.toUnsignedString(l.limit());
            write(what, d, "hugetlb." + l.pageSize() + ".limit_in_bytes", value);
            Path rsvd = d.resolve("hugetlb." + l.pageSize() + ".rsvd.limit_in_bytes");
            if (Files.exists(rsvd)) {
                ControlFiles.write(what, rsvd, value);
            }
        }
    }

    /** Deny everything, then the rules in order (config-linux.md: "MUST apply entries in the listed order"). */
    private void devices(List<Linux.DeviceRule> rules) throws CgroupException {
        Path d = need("devices", "device rules");
        ControlFiles.write("device rules: deny all", d.resolve("devices.deny"), "a");
        for (Linux.DeviceRule r : rules) {
            String rule = deviceRule(r);
            ControlFiles.write("device rule " + (r.allow() ? "allow " : "deny ") + rule,
                    d.resolve(r.allow() ? "devices.allow" : "devices.deny"), rule);
        }
    }

    /** A rule in the devices.allow syntax: {@code c 1:3 rwm}, {@code a *:* rwm}. */
    static String deviceRule(Linux.DeviceRule r) throws CgroupException {
        String type = r.type() == null || r.type().isEmpty() ? "a" : r.type();
        String access = r.access() == null || r.access().isEmpty() ? "rwm" : r.access();
        String rule = type + " " + (r.major() == null || r.major() < 0 ? "*" : r.major()) + ":"
                + (r.minor() == null || r.minor() < 0 ? "*" : r.minor()) + " " + access;
        if (!type.matches("[acb]") || !ACCESS.matcher(access).matches()) {
            throw new CgroupException("device rule " + rule + ": type must be a, c or b and access made of r, w, m");
        }
        return rule;
    }

    private void network(Linux.Network n) throws CgroupException {
        if (n.classID() != null) {
            ControlFiles.write("network class id " + n.classID(),
                    need("net_cls", "network class id").resolve("net_cls.classid"), n.classID().toString());
        }
        if (n.priorities() != null && !n.priorities().isEmpty()) {
            Path d = need("net_prio", "network priorities");
            for (Linux.InterfacePriority p : n.priorities()) {
                ControlFiles.write("network priority " + p.name() + " " + p.priority(), d.resolve("net_prio.ifpriomap"),
                        p.name() + " " + p.priority());
            }
        }
    }

    @Override
    public void add(int pid) throws CgroupException {
        for (Path d : dirs.values()) {
            ControlFiles.write("add process " + pid + " to cgroup " + path, d.resolve("cgroup.procs"), Integer.toString(pid));
        }
    }

    @Override
    public List<Integer> pids() throws CgroupException {
        Path p = primary();
        return p == null ? List.of() : ControlFiles.readPids(p.resolve("cgroup.procs"));
    }

    /**
     * FROZEN is asked for until the kernel reports it. A v1 freeze can stay FREEZING while tasks
     * keep forking or joining, so, as runc does, it is asked again, with an occasional thaw and
     * pause to let the cgroup settle.
     */
    @Override
    public void freeze() throws CgroupException {
        Path state = need("freezer", "freeze cgroup " + path).resolve("freezer.state");
        for (int i = 0; i < 1000; i++) {
            if (i % 50 == 49) {
                ControlFiles.write("thaw cgroup " + path, state, "THAWED");
                ControlFiles.sleepMillis(10);
            }
            ControlFiles.write("freeze cgroup " + path, state, "FROZEN");
            String s = ControlFiles.read(state);
            switch (s) {
                case "FROZEN" -> {
                    return;
                }
                case "FREEZING" -> ControlFiles.sleepMillis(i < 10 ? 0 : 1);
                default -> throw new CgroupException("freeze cgroup " + path + ": unexpected freezer state " + s);
            }
        }
        ControlFiles.write("thaw cgroup " + path, state, "THAWED");
        throw new CgroupException("freeze cgroup " + path + ": still FREEZING after 1000 attempts; thawed again");
    }

    @Override
    public void thaw() throws CgroupException {
        ControlFiles.write("thaw cgroup " + path, need("freezer", "thaw cgroup " + path).resolve("freezer.state"), "THAWED");
    }

    /** FROZEN by itself, not by an ancestor ({@code freezer.self_freezing}), as runc decides. */
    @Override
    public boolean frozen() {
        Path d = dir("freezer");
        if (d == null) {
            return false;
        }
        try {
            for (int i = 0; i < 1000; i++) {
                String s = ControlFiles.readIfExists(d.resolve("freezer.state"));
                if (s == null || s.equals("THAWED")) {
                    return false;
                }
                if (s.equals("FROZEN")) {
                    return !"0".equals(ControlFiles.readIfExists(d.resolve("freezer.self_freezing")));
                }
                ControlFiles.sleepMillis(1);
            }
            return true; // stuck FREEZING: frozen is what was asked for
        } catch (CgroupException e) {
            return false;
        }
    }

    @Override
    public boolean canFreeze() {
        return dir("freezer") != null;
    }

    @Override
    public void destroy() throws CgroupException {
        CgroupException first = null;
        for (Path d : dirs.values()) {
            try {
                ControlFiles.removeTree(d);
            } catch (CgroupException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public boolean removeIfUnused() throws CgroupException {
        boolean gone = true;
        for (Path d : dirs.values()) {
            gone &= ControlFiles.rmdirIfUnused(d);
        }
        return gone;
    }

    @Override
    public long oomKills() throws CgroupException {
        return new CgroupV1Stats(this::dir).oomKills();
    }

    @Override
    public CgroupStats stats() throws CgroupException {
        boolean unifiedHugetlb = unified != null && unifiedHierarchy.has("hugetlb");
        return new CgroupV1Stats(this::dir).read(unifiedHugetlb ? dirs.get(unifiedHierarchy.name()) : null);
    }

    /** Where the processes are listed: the freezer's directory, which pause and kill also use. */
    private Path primary() {
        Path p = dir("freezer");
        return p != null ? p : dirs.values().stream().findFirst().orElse(null);
    }

    private CgroupLayout.Hierarchy hierarchy(String controller) {
        for (CgroupLayout.Hierarchy h : hierarchies) {
            if (h.has(controller)) {
                return h;
            }
        }
        return null;
    }

    private Path dir(String controller) {
        CgroupLayout.Hierarchy h = hierarchy(controller);
        return h == null ? null : dirs.get(h.name());
    }

    private Path need(String controller, String what) throws CgroupException {
        Path d = dir(controller);
        if (d == null) {
            throw new CgroupException(what + ": no " + controller + " cgroup hierarchy is mounted on this host");
        }
        return d;
    }

    private static Long nonZero(Long v) {
        return v == null || v == 0 ? null : v;
    }
}
