package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;
import static dev.berth.runtime.cli.Invocation.Model.flag;
import static dev.berth.runtime.cli.Invocation.Model.option;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.cgroup.CgroupStats;
import dev.berth.runtime.container.Cgroup;
import dev.berth.runtime.container.Container;
import dev.berth.runtime.container.RuntimeContext;
import dev.berth.runtime.container.Status;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code events}: the container's cgroup statistics and OOM kills as runc prints them, one JSON
 * object per line: {@code {"type":"stats","id":…,"data":{…}}} and {@code {"type":"oom","id":…}}.
 * With {@code --stats} one stats event, then exit; otherwise a stats event every
 * {@code --interval} and an oom event for each process the OOM killer takes, until the container
 * stops. The data object has the field names of runc's {@code types.Stats}, including its
 * {@code omitempty} habits, so that callers that parse runc's output parse this.
 *
 * <p>runc learns of an OOM kill from an eventfd (v1) or inotify on {@code memory.events} (v2);
 * this polls the kill counter every 100 ms instead, which needs no native code and loses nothing,
 * since the counter only grows.
 */
final class EventsCommand implements RuntimeCommand {
    private static final Logger LOG = Logger.getLogger(EventsCommand.class.getName());
    private static final long OOM_POLL_MILLIS = 100;
    /** How long an OOM-killed container may take to exit before stats resume. */
    private static final Duration OOM_EXIT_GRACE = Duration.ofSeconds(2);
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private String id;
    private String interval;
    private boolean stats;

    private final ObjectMapper mapper = OciJson.mapper();

    @Override
    public CommandSpec spec() {
        return command("events", "display container events such as OOM notifications, cpu, memory, and IO usage statistics")
                .addPositional(containerId())
                .addOption(option(String.class, "5s", "set the stats collection interval (default: ${DEFAULT-VALUE})",
                        "--interval"))
                .addOption(flag("display the container's stats then exit", "--stats"));
    }

    @Override
    public int call(Invocation in) throws Exception {
        id = in.id();
        interval = in.value("--interval");
        stats = in.flag("--stats");
        Duration every = parseDuration(interval);
        if (every.isZero() || every.isNegative()) {
            throw new RuntimeFailure("duration interval must be greater than 0");
        }
        RuntimeContext ctx = in.context();
        Container c = Container.load(ctx, id);
        if (c.status() == Status.STOPPED) {
            throw new RuntimeFailure("container with id " + id + " is not running");
        }
        Cgroup cg = c.cgroup();
        if (stats) {
            emit(event("stats", statsJson(cg.stats())));
            return 0;
        }
        long ooms = cg.oomKills();
        long next = System.nanoTime() + every.toNanos();
        while (true) {
            long wait = Math.max(1, Math.min(OOM_POLL_MILLIS, (next - System.nanoTime()) / 1_000_000));
            Thread.sleep(wait);
            // The kill counter first: an OOM kill is often why the container stopped.
            boolean killed = false;
            for (long n = cg.oomKills(); ooms < n; ooms++) {
                emit(event("oom", null));
                killed = true;
            }
            // The counter moves before the killed task has exited: give the container a moment to
            // stop, so a dying container does not report one more round of stats after its OOM kill.
            if (killed) {
                awaitStop(ctx, OOM_EXIT_GRACE);
            }
            if (!running(ctx)) {
                return 0;
            }
            if (System.nanoTime() >= next) {
                try {
                    emit(event("stats", statsJson(cg.stats())));
                } catch (RuntimeFailure e) {
                    LOG.warning(e.getMessage());
                }
                next += every.toNanos();
            }
        }
    }

    private void awaitStop(RuntimeContext ctx, Duration grace) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (running(ctx) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private boolean running(RuntimeContext ctx) throws IOException {
        try {
            return Container.load(ctx, id).status() != Status.STOPPED;
        } catch (RuntimeFailure e) {
            return false; // deleted meanwhile
        }
    }

    private ObjectNode event(String type, ObjectNode data) {
        ObjectNode e = mapper.createObjectNode();
        e.put("type", type);
        e.put("id", id);
        if (data != null) {
            e.set("data", data);
        }
        return e;
    }

    private void emit(ObjectNode event) throws IOException {
        System.out.println(mapper.writeValueAsString(event));
        System.out.flush();
    }

    /** runc's {@code types.Stats}: zero values of {@code omitempty} fields are left out, structs never. */
    ObjectNode statsJson(CgroupStats s) {
        ObjectNode data = mapper.createObjectNode();

        ObjectNode cpu = data.putObject("cpu");
        ObjectNode usage = cpu.putObject("usage");
        omitZero(usage, "total", s.cpu().total());
        omitEmpty(usage, "percpu", s.cpu().perCpu());
        omitEmpty(usage, "percpu_kernel", s.cpu().perCpuKernel());
        omitEmpty(usage, "percpu_user", s.cpu().perCpuUser());
        put(usage, "kernel", s.cpu().kernel());
        put(usage, "user", s.cpu().user());
        ObjectNode thr = cpu.putObject("throttling");
        omitZero(thr, "periods", s.cpu().throttling().periods());
        omitZero(thr, "throttledPeriods", s.cpu().throttling().throttledPeriods());
        omitZero(thr, "throttledTime", s.cpu().throttling().throttledTime());

        ObjectNode mem = data.putObject("memory");
        omitZero(mem, "cache", s.memory().cache());
        memoryEntry(mem.putObject("usage"), s.memory().usage());
        memoryEntry(mem.putObject("swap"), s.memory().swap());
        memoryEntry(mem.putObject("kernel"), s.memory().kernel());
        memoryEntry(mem.putObject("kernelTCP"), s.memory().kernelTcp());
        if (!s.memory().raw().isEmpty()) {
            ObjectNode raw = mem.putObject("raw");
            for (Map.Entry<String, Long> e : s.memory().raw().entrySet()) {
                put(raw, e.getKey(), e.getValue());
            }
        }

        ObjectNode pids = data.putObject("pids");
        omitZero(pids, "current", s.pids().current());
        // runc reports an absent limit ("max") as 0, which omitempty then drops.
        if (s.pids().limit() > 0) {
            pids.put("limit", s.pids().limit());
        }

        ObjectNode blkio = data.putObject("blkio");
        blkioEntries(blkio, "ioServiceBytesRecursive", s.blkio().ioServiceBytesRecursive());
        blkioEntries(blkio, "ioServicedRecursive", s.blkio().ioServicedRecursive());

        ObjectNode huge = data.putObject("hugetlb");
        for (Map.Entry<String, CgroupStats.Hugetlb> e : s.hugetlb().entrySet()) {
            ObjectNode h = huge.putObject(e.getKey());
            omitZero(h, "usage", e.getValue().usage());
            omitZero(h, "max", e.getValue().max());
            put(h, "failcnt", e.getValue().failcnt());
        }
        return data;
    }

    private static void memoryEntry(ObjectNode n, CgroupStats.MemoryEntry e) {
        put(n, "limit", e.limit());
        omitZero(n, "usage", e.usage());
        omitZero(n, "max", e.max());
        put(n, "failcnt", e.failcnt());
    }

    private static void blkioEntries(ObjectNode parent, String name, List<CgroupStats.BlkioEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        ArrayNode a = parent.putArray(name);
        for (CgroupStats.BlkioEntry e : entries) {
            ObjectNode n = a.addObject();
            omitZero(n, "major", e.major());
            omitZero(n, "minor", e.minor());
            if (!e.op().isEmpty()) {
                n.put("op", e.op());
            }
            omitZero(n, "value", e.value());
        }
    }

    private static void omitEmpty(ObjectNode n, String name, List<Long> values) {
        if (!values.isEmpty()) {
            ArrayNode a = n.putArray(name);
            values.forEach(v -> a.add(unsigned(v)));
        }
    }

    private static void omitZero(ObjectNode n, String name, long v) {
        if (v != 0) {
            put(n, name, v);
        }
    }

    /** The counters are u64: a negative long is a value above 2^63, such as v2's "max". */
    private static void put(ObjectNode n, String name, long v) {
        n.put(name, unsigned(v));
    }

    private static BigInteger unsigned(long v) {
        return v >= 0 ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v));
    }

    /** A Go duration ({@code 5s}, {@code 100ms}, {@code 1m30s}, {@code 1.5h}), as runc's flag takes it. */
    static Duration parseDuration(String s) throws RuntimeFailure {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = s.startsWith("-");
        String rest = negative || s.startsWith("+") ? s.substring(1) : s;
        Matcher m = DURATION_PART.matcher(rest);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += Double.parseDouble(m.group(1)) * unit;
            end = m.end();
        }
        if (end == 0 || end != rest.length()) {
            throw new RuntimeFailure("invalid value \"" + s + "\" for flag -interval: time: invalid duration \"" + s + "\"");
        }
        return Duration.ofNanos((long) (negative ? -nanos : nanos));
    }
}
