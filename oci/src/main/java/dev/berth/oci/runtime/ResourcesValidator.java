package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.SpecValidator.orEmpty;
import static dev.berth.oci.runtime.SpecValidator.quote;
import static dev.berth.oci.runtime.SpecValidator.range;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for {@code linux.resources} (config-linux.md, "Control groups"): values the
 * kernel would reject, reported against the field instead of as a failed write to a cgroup
 * file. Limits the host cannot honour (a controller that is missing) are the cgroup manager's
 * business, not this class's. Part of {@link SpecValidator}.
 */
final class ResourcesValidator {
    private static final Pattern CPU_SET = Pattern.compile("(\\d+(-\\d+)?)(,\\d+(-\\d+)?)*");
    private static final Pattern PAGE_SIZE = Pattern.compile("[1-9][0-9]*[KMG]B");

    private ResourcesValidator() {}

    static void validate(Linux.Resources r) throws InvalidSpecException {
        deviceRules(orEmpty(r.devices()));
        if (r.memory() != null) {
            memory(r.memory());
        }
        if (r.cpu() != null) {
            cpu(r.cpu());
        }
        if (r.pids() != null) {
            atLeastMinusOne("linux.resources.pids.limit", r.pids().limit());
        }
        if (r.blockIO() != null) {
            List<Linux.WeightDevice> weights = orEmpty(r.blockIO().weightDevice());
            for (int i = 0; i < weights.size(); i++) {
                if (weights.get(i).weight() == null && weights.get(i).leafWeight() == null) {
                    throw new InvalidSpecException("linux.resources.blockIO.weightDevice[" + i + "]",
                            "must set weight or leafWeight");
                }
            }
        }
        List<Linux.HugepageLimit> huge = orEmpty(r.hugepageLimits());
        for (int i = 0; i < huge.size(); i++) {
            String size = huge.get(i).pageSize();
            if (size == null || !PAGE_SIZE.matcher(size).matches()) {
                throw new InvalidSpecException("linux.resources.hugepageLimits[" + i + "].pageSize",
                        quote(size) + " is not a page size such as 2MB");
            }
        }
        for (Map.Entry<String, Map<String, Long>> e : orEmpty(r.rdma()).entrySet()) {
            Map<String, Long> limits = orEmpty(e.getValue());
            if (limits.get("hcaHandles") == null && limits.get("hcaObjects") == null) {
                throw new InvalidSpecException("linux.resources.rdma[" + quote(e.getKey()) + "]",
                        "must set hcaHandles or hcaObjects");
            }
        }
        for (String key : orEmpty(r.unified()).keySet()) {
            // Keys name files in the container's cgroup directory; a "/" would reach outside it.
            if (key.isEmpty() || key.contains("/")) {
                throw new InvalidSpecException("linux.resources.unified[" + quote(key) + "]",
                        "must be a cgroup file name such as memory.max");
            }
        }
    }

    private static void deviceRules(List<Linux.DeviceRule> rules) throws InvalidSpecException {
        for (int i = 0; i < rules.size(); i++) {
            String field = "linux.resources.devices[" + i + "]";
            Linux.DeviceRule rule = rules.get(i);
            String type = rule.type();
            if (type != null && !type.isEmpty() && !List.of("a", "c", "b").contains(type)) {
                throw new InvalidSpecException(field + ".type", "unknown type " + quote(type) + " (want a, c or b)");
            }
            String access = rule.access();
            if (access != null && !access.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm')) {
                throw new InvalidSpecException(field + ".access",
                        quote(access) + " is not a combination of r, w and m");
            }
        }
    }

    private static void memory(Linux.Memory m) throws InvalidSpecException {
        atLeastMinusOne("linux.resources.memory.limit", m.limit());
        atLeastMinusOne("linux.resources.memory.reservation", m.reservation());
        atLeastMinusOne("linux.resources.memory.swap", m.swap());
        atLeastMinusOne("linux.resources.memory.kernel", m.kernel());
        atLeastMinusOne("linux.resources.memory.kernelTCP", m.kernelTCP());
        // swap is memory+swap (memory.memsw.limit_in_bytes); below the memory limit the v1
        // kernel refuses it.
        if (m.limit() != null && m.swap() != null && m.limit() > 0 && m.swap() > 0 && m.swap() < m.limit()) {
            throw new InvalidSpecException("linux.resources.memory.swap", m.swap()
                    + " is less than the memory limit " + m.limit() + " (swap counts memory plus swap)");
        }
        if (m.swappiness() != null) {
            range("linux.resources.memory.swappiness", m.swappiness(), 0, 100);
        }
    }

    private static void cpu(Linux.Cpu c) throws InvalidSpecException {
        if (c.burst() != null && c.quota() != null && c.quota() > 0 && c.burst() > c.quota()) {
            throw new InvalidSpecException("linux.resources.cpu.burst",
                    c.burst() + " is greater than the quota " + c.quota());
        }
        cpuSet("linux.resources.cpu.cpus", c.cpus());
        cpuSet("linux.resources.cpu.mems", c.mems());
        if (c.idle() != null) {
            range("linux.resources.cpu.idle", c.idle(), 0, 1);
        }
    }

    private static void cpuSet(String field, String set) throws InvalidSpecException {
        if (set != null && !set.isEmpty() && !CPU_SET.matcher(set).matches()) {
            throw new InvalidSpecException(field, quote(set) + " is not a list such as 0-3,7");
        }
    }

    /** The spec's convention for limits: a count of bytes (or tasks), or -1 for unlimited. */
    private static void atLeastMinusOne(String field, Long value) throws InvalidSpecException {
        if (value != null && value < -1) {
            throw new InvalidSpecException(field, "must be -1 (unlimited) or more, got " + value);
        }
    }
}
