package dev.berth.runtime.cgroup;

import static dev.berth.runtime.cgroup.CgroupException.bytes;

import dev.berth.linux.Signals;
import dev.berth.oci.runtime.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A cgroup in the unified (v2) hierarchy: one directory, whose controllers are enabled by
 * {@code +name} writes to {@code cgroup.subtree_control} of every ancestor (Documentation/admin-guide/cgroup-v2.rst,
 * "Enabling and Disabling"). The OCI resources, which speak v1, are converted as runc converts
 * them: cpu shares to {@code cpu.weight}, memory+swap to {@code memory.swap.max}, blkio weight to
 * {@code io.weight}; the spec's {@code unified} map is written verbatim, last.
 *
 * <p>On a hybrid host {@link CgroupV1Manager} uses one of these for the controllers that only the
 * unified mount has (hugetlb on Berth's machines).
 *
 * <p>Device rules are not enforced here: cgroup v2 controls device access with an eBPF program
 * attached to the cgroup, which Berth does not load yet; a warning says so.
 */
public final class CgroupV2Manager implements CgroupManager {
    private static final Logger LOG = Logger.getLogger(CgroupV2Manager.class.getName());
    private static final Pattern PAGE_SIZE = Pattern.compile("[0-9]+[KMG]B");
    private static final Pattern UNIFIED_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");
    private static final long FREEZE_TIMEOUT_MILLIS = 10_000;

    private final Path root;
    private final String path;
    private final Path dir;

    /** The cgroup at {@code path} (absolute) of the cgroup2 tree mounted at {@code root}. */
    public CgroupV2Manager(Path root, String path) {
        this.root = root;
        this.path = path;
        this.dir = ControlFiles.dirIn(root, path);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, Path> dirs() {
        return Map.of("", dir);
    }

    @Override
    public boolean exists() {
        return Files.isDirectory(dir);
    }

    @Override
    public void create(Linux.Resources r) throws CgroupException {
        List<Path> made = makeDirs();
        try {
            apply(r, false);
        } catch (CgroupException | RuntimeException e) {
            ControlFiles.removeQuietly(made);
            throw e;
        }
    }

    @Override
    public void update(Linux.Resources r) throws CgroupException {
        apply(r, true);
    }

    /** Makes the directory and enables every available controller above it; returns what it made. */
    List<Path> makeDirs() throws CgroupException {
        List<Path> made = ControlFiles.mkdirs(root, dir);
        try {
            List<Path> levels = new ArrayList<>();
            levels.add(root);
            levels.addAll(ControlFiles.chain(root, dir));
            levels.removeLast();
            for (Path level : levels) {
                enableControllers(level);
            }
        } catch (CgroupException | RuntimeException e) {
            ControlFiles.removeQuietly(made);
            throw e;
        }
        return made;
    }

    /**
     * Enables in {@code level}'s children every controller {@code level} has. One write for all
     * is the common case; if the kernel refuses it (a controller that cannot be enabled there),
     * each is tried alone, and one that still fails shows up later as a missing control file.
     */
    private static void enableControllers(Path level) throws CgroupException {
        String available = ControlFiles.readIfExists(level.resolve("cgroup.controllers"));
        if (available == null || available.isEmpty()) {
            return;
        }
        String enabledText = ControlFiles.readIfExists(level.resolve("cgroup.subtree_control"));
        Set<String> enabled = enabledText == null || enabledText.isEmpty() ? Set.of() : Set.of(enabledText.split("\\s+"));
        List<String> want = new ArrayList<>();
        for (String c : available.split("\\s+")) {
            if (!enabled.contains(c)) {
                want.add("+" + c);
            }
        }
        if (want.isEmpty()) {
            return;
        }
        Path file = level.resolve("cgroup.subtree_control");
        try {
            ControlFiles.write("enable controllers", file, String.join(" ", want));
        } catch (CgroupException all) {
            for (String c : want) {
                try {
                    ControlFiles.write("enable controller " + c.substring(1), file, c);
                } catch (CgroupException one) {
                    LOG.fine(one.getMessage());
                }
            }
        }
    }

    /** Applies the non-null parts of {@code r}; {@code update} for a change to a running cgroup. */
    void apply(Linux.Resources r, boolean update) throws CgroupException {
        if (r == null) {
            return;
        }
        if (r.memory() != null) {
            memory(r.memory(), update);
        }
        if (r.cpu() != null) {
            cpu(r.cpu());
        }
        if (r.pids() != null) {
            ControlFiles.write("pids limit " + r.pids().limit(), file("pids.max"),
                    r.pids().limit() < 0 ? "max" : Long.toString(r.pids().limit()), this::missing);
        }
        if (r.blockIO() != null) {
            io(r.blockIO());
        }
        if (r.hugepageLimits() != null) {
            hugetlb(r.hugepageLimits());
        }
        if (r.devices() != null && !r.devices().isEmpty() && !update) {
            LOG.warning("cgroup " + path + ": device rules are not enforced on cgroup v2 "
                    + "(Berth does not load the eBPF device filter yet)");
        }
        Linux.Network n = r.network();
        if (n != null && (n.classID() != null || (n.priorities() != null && !n.priorities().isEmpty()))) {
            throw new CgroupException("network class id and priorities: not supported on cgroup v2 "
                    + "(it has no net_cls or net_prio controller)");
        }
        if (r.rdma() != null) {
            for (var e : r.rdma().entrySet()) {
                ControlFiles.write("rdma limit " + e.getKey(), file("rdma.max"), rdmaLine(e.getKey(), e.getValue()),
                        this::missing);
            }
        }
        if (r.unified() != null) {
            unified(r.unified());
        }
    }

    private void memory(Linux.Memory m, boolean update) throws CgroupException {
        Long limit = m.limit() == null || m.limit() == 0 ? null : m.limit();
        if (update && Boolean.TRUE.equals(m.checkBeforeUpdate()) && limit != null && limit > 0) {
            long usage = ControlFiles.readLong(file("memory.current"));
            if (Long.compareUnsigned(usage, limit) > 0) {
                throw new CgroupException("memory limit " + bytes(limit) + ": usage " + bytes(usage)
                        + " is above the new limit (checkBeforeUpdate is set)");
            }
        }
        if (m.swap() != null && m.swap() != 0) {
            long memory = limit != null ? limit : ControlFiles.readLong(file("memory.max"));
            String swap = swapMax(m.swap(), memory);
            Path f = file("memory.swap.max");
            // Without swap accounting there is no swap limit to set; "none" and "unlimited" hold anyway.
            if (Files.exists(f) || !(swap.equals("max") || swap.equals("0"))) {
                ControlFiles.write("memory+swap limit " + bytes(m.swap()), f, swap, this::missing);
            }
        } else if (limit != null && limit == -1 && Files.exists(file("memory.swap.max"))) {
            ControlFiles.write("memory+swap limit unlimited", file("memory.swap.max"), "max");
        }
        if (limit != null) {
            ControlFiles.write("memory limit " + bytes(limit), file("memory.max"), limit < 0 ? "max" : limit.toString(),
                    this::missing);
        }
        if (m.reservation() != null && m.reservation() != 0) {
            ControlFiles.write("memory reservation " + bytes(m.reservation()), file("memory.low"),
                    m.reservation() < 0 ? "max" : m.reservation().toString(), this::missing);
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            LOG.warning("cgroup " + path + ": disableOOMKiller is not supported on cgroup v2; ignored");
        }
        if (m.swappiness() != null && m.swappiness() != -1) {
            LOG.warning("cgroup " + path + ": memory swappiness is not supported on cgroup v2; ignored");
        }
        if (m.kernel() != null || m.kernelTCP() != null) {
            LOG.warning("cgroup " + path + ": kernel memory limits are deprecated and ignored");
        }
    }

    private void cpu(Linux.Cpu c) throws CgroupException {
        if ((c.realtimeRuntime() != null && c.realtimeRuntime() != 0)
                || (c.realtimePeriod() != null && c.realtimePeriod() != 0)) {
            throw new CgroupException("cpu realtime runtime and period: not supported on cgroup v2");
        }
        if (c.shares() != null && c.shares() != 0) {
            ControlFiles.write("cpu shares " + c.shares(), file("cpu.weight"), Long.toString(sharesToWeight(c.shares())),
                    this::missing);
        }
        if (c.idle() != null) {
            ControlFiles.write("cpu idle " + c.idle(), file("cpu.idle"), c.idle().toString(), this::missing);
        }
        boolean quota = c.quota() != null && c.quota() != 0;
        boolean period = c.period() != null && c.period() != 0;
        if (quota || period) {
            // cpu.max is "$QUOTA $PERIOD"; a partial update keeps the half it does not name.
            String[] current = currentCpuMax();
            String q = quota ? (c.quota() > 0 ? c.quota().toString() : "max") : current[0];
            String p = period ? c.period().toString() : current[1];
            ControlFiles.write("cpu quota " + (quota ? c.quota() : q) + " period " + p, file("cpu.max"),
                    p == null ? q : q + " " + p, this::missing);
        }
        if (c.burst() != null) {
            ControlFiles.write("cpu burst " + c.burst(), file("cpu.max.burst"), c.burst().toString(), this::missing);
        }
        if (c.cpus() != null && !c.cpus().isEmpty()) {
            ControlFiles.write("cpuset cpus " + c.cpus(), file("cpuset.cpus"), c.cpus(), this::missing);
        }
        if (c.mems() != null && !c.mems().isEmpty()) {
            ControlFiles.write("cpuset mems " + c.mems(), file("cpuset.mems"), c.mems(), this::missing);
        }
    }

    private String[] currentCpuMax() throws CgroupException {
        String s = ControlFiles.readIfExists(file("cpu.max"));
        if (s == null || s.isEmpty()) {
            return new String[] {"max", null};
        }
        String[] f = s.split("\\s+");
        return new String[] {f[0], f.length > 1 ? f[1] : null};
    }

    private void io(Linux.BlockIo b) throws CgroupException {
        boolean bfq = Files.exists(file("io.bfq.weight"));
        if (b.leafWeight() != null) {
            throw new CgroupException("blkio leaf weight " + b.leafWeight() + ": not supported on cgroup v2");
        }
        if (b.weight() != null && b.weight() != 0) {
            // BFQ takes the v1 range (1-1000) as it is; io.weight is 1-10000.
            ControlFiles.write("blkio weight " + b.weight(), file(bfq ? "io.bfq.weight" : "io.weight"),
                    Long.toString(bfq ? b.weight() : blkioToIoWeight(b.weight())), this::missing);
        }
        if (b.weightDevice() != null) {
            for (Linux.WeightDevice d : b.weightDevice()) {
                String dev = d.major() + ":" + d.minor();
                if (d.leafWeight() != null) {
                    throw new CgroupException("blkio leaf weight " + dev + " " + d.leafWeight()
                            + ": not supported on cgroup v2");
                }
                if (d.weight() != null) {
                    ControlFiles.write("blkio weight " + dev + " " + d.weight(), file(bfq ? "io.bfq.weight" : "io.weight"),
                            dev + " " + (bfq ? d.weight() : blkioToIoWeight(d.weight())), this::missing);
                }
            }
        }
        throttle("rbps", b.throttleReadBpsDevice());
        throttle("wbps", b.throttleWriteBpsDevice());
        throttle("riops", b.throttleReadIOPSDevice());
        throttle("wiops", b.throttleWriteIOPSDevice());
    }

    private void throttle(String key, List<Linux.ThrottleDevice> devices) throws CgroupException {
        if (devices == null) {
            return;
        }
        for (Linux.ThrottleDevice d : devices) {
            // In v1 a rate of 0 removes the limit; v2 says that with "max".
            String line = d.major() + ":" + d.minor() + " " + key + "=" + (d.rate() == 0 ? "max" : Long.toUnsignedString(d.rate()));
            ControlFiles.write("blkio limit " + line, file("io.max"), line, this::missing);
        }
    }

    /** Hugetlb limits: {@code hugetlb.<size>.max}, and the reservation limit where the kernel has one. */
    void hugetlb(List<Linux.HugepageLimit> limits) throws CgroupException {
        for (Linux.HugepageLimit l : limits) {
            String what = "hugetlb limit " + l.pageSize() + " " + bytes(l.limit());
            if (!PAGE_SIZE.matcher(l.pageSize()).matches()) {
                throw new CgroupException(what + ": page size must look like 2MB or 1GB");
            }
            String max = Long.toUnsignedString(l.limit());
            Path f = file("hugetlb." + l.pageSize() + ".max");
            if (!Files.exists(f)) {
                throw new CgroupException(what + ": no " + f + " (the kernel has no such huge page size,"
                        + " or hugetlb is not enabled for this cgroup)");
            }
            ControlFiles.write(what, f, max);
            Path rsvd = file("hugetlb." + l.pageSize() + ".rsvd.max");
            if (Files.exists(rsvd)) {
                ControlFiles.write(what, rsvd, max);
            }
        }
    }

    private void unified(Map<String, String> unified) throws CgroupException {
        for (var e : unified.entrySet()) {
            String key = e.getKey();
            if (!UNIFIED_KEY.matcher(key).matches()) {
                throw new CgroupException("unified " + key + ": not a cgroup file name");
            }
            String controller = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            ControlFiles.write("unified " + key, file(key), e.getValue(),
                    x -> x instanceof NoSuchFileException
                            ? "the " + controller + " controller is not available to this cgroup" : null);
        }
    }

    @Override
    public void add(int pid) throws CgroupException {
        ControlFiles.write("add process " + pid + " to cgroup " + path, file("cgroup.procs"), Integer.toString(pid));
    }

    @Override
    public List<Integer> pids() throws CgroupException {
        return ControlFiles.readPids(file("cgroup.procs"));
    }

    @Override
    public void freeze() throws CgroupException {
        ControlFiles.write("freeze cgroup " + path, file("cgroup.freeze"), "1", this::missing);
        // The write starts freezing; cgroup.events says "frozen 1" once every task has stopped.
        long deadline = System.nanoTime() + FREEZE_TIMEOUT_MILLIS * 1_000_000;
        long sleep = 1;
        while (!Files.exists(file("cgroup.events"))
                || ControlFiles.readKeyed(file("cgroup.events")).getOrDefault("frozen", 0L) != 1) {
            if (System.nanoTime() > deadline) {
                thaw();
                throw new CgroupException("freeze cgroup " + path + ": not frozen after "
                        + FREEZE_TIMEOUT_MILLIS / 1000 + "s; thawed again");
            }
            ControlFiles.sleepMillis(sleep);
            sleep = Math.min(sleep * 2, 10);
        }
    }

    @Override
    public void thaw() throws CgroupException {
        ControlFiles.write("thaw cgroup " + path, file("cgroup.freeze"), "0", this::missing);
    }

    @Override
    public boolean frozen() {
        try {
            return "1".equals(ControlFiles.readIfExists(file("cgroup.freeze")));
        } catch (CgroupException e) {
            return false;
        }
    }

    @Override
    public boolean canFreeze() {
        return Files.exists(file("cgroup.freeze"));
    }

    /** SIGKILL goes through {@code cgroup.kill} (Linux 5.14+), which no fork can race. */
    @Override
    public void kill(int signal) throws CgroupException {
        if (signal == Signals.SIGKILL && exists() && Files.exists(file("cgroup.kill"))) {
            ControlFiles.write("kill cgroup " + path, file("cgroup.kill"), "1");
            return;
        }
        CgroupManager.super.kill(signal);
    }

    @Override
    public void destroy() throws CgroupException {
        ControlFiles.removeTree(dir);
    }

    @Override
    public boolean removeIfUnused() throws CgroupException {
        return ControlFiles.rmdirIfUnused(dir);
    }

    @Override
    public long oomKills() throws CgroupException {
        return CgroupV2Stats.oomKills(dir);
    }

    @Override
    public CgroupStats stats() throws CgroupException {
        return CgroupV2Stats.read(dir);
    }

    /** runc's conversion of cpu shares (2-262144) to cpu.weight (1-10000); 0 stays "unset". */
    static long sharesToWeight(long shares) {
        return shares == 0 ? 0 : 1 + ((shares - 2) * 9999) / 262142;
    }

    /** runc's conversion of a blkio weight (10-1000) to io.weight (1-10000); 0 stays "unset". */
    static long blkioToIoWeight(long weight) {
        return weight == 0 ? 0 : 1 + (weight - 10) * 9999 / 990;
    }

    /**
     * The OCI swap limit (memory+swap, v1's meaning) as {@code memory.swap.max} (swap alone):
     * {@code swap - memory}, {@code max} for -1, {@code 0} when they are equal (no swap).
     */
    static String swapMax(long swap, long memory) throws CgroupException {
        if (swap == -1) {
            return "max";
        }
        if (memory == 0 || memory == -1) {
            throw new CgroupException("memory+swap limit " + bytes(swap) + ": a swap limit needs a memory limit");
        }
        if (swap < memory) {
            throw new CgroupException("memory+swap limit " + bytes(swap) + ": below the memory limit " + bytes(memory));
        }
        return Long.toString(swap - memory);
    }

    static String rdmaLine(String device, Map<String, Long> limits) {
        StringBuilder b = new StringBuilder(device);
        Long handles = limits.get("hcaHandles");
        Long objects = limits.get("hcaObjects");
        if (handles != null) {
            b.append(" hca_handle=").append(handles);
        }
        if (objects != null) {
            b.append(" hca_object=").append(objects);
        }
        return b.toString();
    }

    private Path file(String name) {
        return dir.resolve(name);
    }

    /** The hint for a write that failed because the control file is not there. */
    private String missing(IOException e) {
        return e instanceof NoSuchFileException ? (exists() ? "the controller is not enabled for this cgroup"
                : "the cgroup does not exist") : null;
    }
}
