package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.SpecValidator.nonEmpty;
import static dev.berth.oci.runtime.SpecValidator.orEmpty;
import static dev.berth.oci.runtime.SpecValidator.quote;
import static dev.berth.oci.runtime.SpecValidator.range;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for {@code process} (config.md, "Process", "POSIX process", "Linux Process",
 * "User"). Part of {@link SpecValidator}.
 */
final class ProcessValidator {
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    private static final Set<String> IO_CLASSES = Set.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");
    private static final Set<String> SCHED_POLICIES = Set.of("SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",
            "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");
    private static final Set<String> SCHED_FLAGS = Set.of("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
            "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
            "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");
    /** The schema's pattern for execCPUAffinity lists ({@code 0-3,7}). */
    private static final Pattern CPU_LIST = Pattern.compile("[0-9, -]*");

    private ProcessValidator() {}

    /**
     * {@code process} is optional in the spec until {@code start}, but Berth's runtime always
     * creates and starts, so a spec without one cannot be run.
     */
    static void validate(Spec.Process p) throws InvalidSpecException {
        if (p == null) {
            throw new InvalidSpecException("process", "must be set");
        }
        if (p.args() == null || p.args().isEmpty()) {
            throw new InvalidSpecException("process.args", "must not be empty");
        }
        if (!nonEmpty(p.args().getFirst())) {
            throw new InvalidSpecException("process.args[0]", "must not be empty");
        }
        if (!nonEmpty(p.cwd())) {
            throw new InvalidSpecException("process.cwd", "must be set");
        }
        SpecValidator.requireAbsolute("process.cwd", p.cwd());
        SpecValidator.env("process.env", p.env());
        rlimits(orEmpty(p.rlimits()));
        capabilities(p.capabilities());
        user(p.user());
        if (p.oomScoreAdj() != null) {
            // OOM_SCORE_ADJ_MIN..OOM_SCORE_ADJ_MAX (include/uapi/linux/oom.h)
            range("process.oomScoreAdj", p.oomScoreAdj(), -1000, 1000);
        }
        ioPriority(p.ioPriority());
        scheduler(p.scheduler());
        if (p.execCPUAffinity() != null) {
            cpuList("process.execCPUAffinity.initial", p.execCPUAffinity().initial());
            cpuList("process.execCPUAffinity.final", p.execCPUAffinity().finalCpus());
        }
    }

    private static void rlimits(List<Spec.Rlimit> rlimits) throws InvalidSpecException {
        Set<RlimitResource> seen = EnumSet.noneOf(RlimitResource.class);
        for (int i = 0; i < rlimits.size(); i++) {
            String field = "process.rlimits[" + i + "]";
            Spec.Rlimit r = rlimits.get(i);
            String type = r == null ? null : r.type();
            RlimitResource resource = RlimitResource.byName(type).orElseThrow(() -> new InvalidSpecException(
                    field + ".type", type == null ? "must be set" : "unknown rlimit " + quote(type)));
            if (!seen.add(resource)) {
                throw new InvalidSpecException(field + ".type", "duplicate rlimit " + quote(type));
            }
            // Both are unsigned (RLIM_INFINITY is 2^64-1); setrlimit(2) fails with EINVAL otherwise.
            if (Long.compareUnsigned(r.soft(), r.hard()) > 0) {
                throw new InvalidSpecException(field, "soft limit " + Long.toUnsignedString(r.soft())
                        + " exceeds hard limit " + Long.toUnsignedString(r.hard()));
            }
        }
    }

    private static void capabilities(Spec.Capabilities caps) throws InvalidSpecException {
        if (caps == null) {
            return;
        }
        capabilitySet("bounding", caps.bounding());
        capabilitySet("effective", caps.effective());
        capabilitySet("inheritable", caps.inheritable());
        capabilitySet("permitted", caps.permitted());
        capabilitySet("ambient", caps.ambient());
    }

    private static void capabilitySet(String set, List<String> names) throws InvalidSpecException {
        List<String> list = orEmpty(names);
        for (int i = 0; i < list.size(); i++) {
            if (Capability.byName(list.get(i)).isEmpty()) {
                throw new InvalidSpecException("process.capabilities." + set + "[" + i + "]",
                        "unknown capability " + quote(list.get(i)));
            }
        }
    }

    private static void user(Spec.User user) throws InvalidSpecException {
        if (user == null) {
            return;
        }
        // The kernel's uid_t and gid_t are 32-bit unsigned; (uid_t)-1 means "unchanged" to
        // setresuid(2), so it is not a usable id either.
        range("process.user.uid", user.uid(), 0, UINT32_MAX - 1);
        range("process.user.gid", user.gid(), 0, UINT32_MAX - 1);
        List<Long> gids = orEmpty(user.additionalGids());
        for (int i = 0; i < gids.size(); i++) {
            Long gid = gids.get(i);
            if (gid == null) {
                throw new InvalidSpecException("process.user.additionalGids[" + i + "]", "must be a number");
            }
            range("process.user.additionalGids[" + i + "]", gid, 0, UINT32_MAX - 1);
        }
        if (user.umask() != null) {
            range("process.user.umask", user.umask(), 0, 0777);
        }
    }

    private static void ioPriority(Spec.IoPriority io) throws InvalidSpecException {
        if (io == null) {
            return;
        }
        if (!SpecValidator.oneOf(IO_CLASSES, io.ioClass())) {
            throw new InvalidSpecException("process.ioPriority.class", io.ioClass() == null
                    ? "must be set" : "unknown class " + quote(io.ioClass()));
        }
        range("process.ioPriority.priority", io.priority(), 0, 7);
    }

    /** The same rules runc applies before calling {@code sched_setattr(2)}. */
    private static void scheduler(Spec.Scheduler s) throws InvalidSpecException {
        if (s == null) {
            return;
        }
        if (!SpecValidator.oneOf(SCHED_POLICIES, s.policy())) {
            throw new InvalidSpecException("process.scheduler.policy", s.policy() == null
                    ? "must be set" : "unknown policy " + quote(s.policy()));
        }
        if (s.nice() != null) {
            range("process.scheduler.nice", s.nice(), -20, 19);
        }
        boolean realtime = s.policy().equals("SCHED_FIFO") || s.policy().equals("SCHED_RR");
        if (s.priority() != null && s.priority() != 0 && !realtime) {
            throw new InvalidSpecException("process.scheduler.priority",
                    "only applies to SCHED_FIFO and SCHED_RR, not " + s.policy());
        }
        boolean deadline = s.policy().equals("SCHED_DEADLINE");
        if (!deadline && (isSet(s.runtime()) || isSet(s.deadline()) || isSet(s.period()))) {
            throw new InvalidSpecException("process.scheduler",
                    "runtime, deadline and period only apply to SCHED_DEADLINE, not " + s.policy());
        }
        List<String> flags = orEmpty(s.flags());
        for (int i = 0; i < flags.size(); i++) {
            if (!SpecValidator.oneOf(SCHED_FLAGS, flags.get(i))) {
                throw new InvalidSpecException("process.scheduler.flags[" + i + "]",
                        "unknown flag " + quote(flags.get(i)));
            }
        }
    }

    private static boolean isSet(Long value) {
        return value != null && value != 0;
    }

    private static void cpuList(String field, String list) throws InvalidSpecException {
        if (list != null && !CPU_LIST.matcher(list).matches()) {
            throw new InvalidSpecException(field, quote(list) + " is not a list of CPUs such as 0-3,7");
        }
    }
}
