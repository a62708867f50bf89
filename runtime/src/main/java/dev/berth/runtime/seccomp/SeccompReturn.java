package dev.berth.runtime.seccomp;

/**
 * The 32-bit values a filter returns to the kernel ({@code SECCOMP_RET_*} in
 * {@code linux/seccomp.h}), and the mapping from OCI action names to them as runc's
 * {@code getAction} does it.
 *
 * <p>The low 16 bits ({@code SECCOMP_RET_DATA}) carry the errno for {@code SCMP_ACT_ERRNO} and
 * the message for the tracer for {@code SCMP_ACT_TRACE}. Both default to {@code EPERM} when the
 * rule has no {@code errnoRet}; a rule does not inherit the profile's {@code defaultErrnoRet}
 * (runc passes only the rule's own value). {@code SCMP_ACT_KILL} is libseccomp's old name for
 * {@code SCMP_ACT_KILL_THREAD}.
 */
public final class SeccompReturn {

    public static final int KILL_PROCESS = 0x80000000;
    public static final int KILL_THREAD = 0x00000000;
    public static final int TRAP = 0x00030000;
    public static final int ERRNO = 0x00050000;
    public static final int USER_NOTIF = 0x7FC00000;
    public static final int TRACE = 0x7FF00000;
    public static final int LOG = 0x7FFC0000;
    public static final int ALLOW = 0x7FFF0000;

    /** {@code SECCOMP_RET_DATA}: the payload bits of a return value. */
    public static final int DATA_MASK = 0x0000FFFF;

    static final int EPERM = 1;
    static final int ENOSYS = 38;

    private SeccompReturn() {}

    /** {@code SECCOMP_RET_ERRNO | errno}. */
    public static int errno(int errno) {
        return ERRNO | (errno & DATA_MASK);
    }

    /**
     * The return value for an OCI action.
     *
     * @param action   {@code SCMP_ACT_*}
     * @param errnoRet the rule's {@code errnoRet} (or the profile's {@code defaultErrnoRet}), or null
     * @param what     names the rule in messages, e.g. {@code "defaultAction"}
     */
    static int of(String action, Integer errnoRet, String what) throws SeccompException {
        if (action == null || action.isEmpty()) {
            throw new SeccompException(what + ": missing action");
        }
        if (errnoRet != null && (errnoRet < 0 || errnoRet > DATA_MASK)) {
            throw new SeccompException(what + ": errnoRet " + errnoRet + " out of range 0-65535");
        }
        int data = errnoRet == null ? EPERM : errnoRet;
        int base = switch (action) {
            case "SCMP_ACT_ERRNO" -> ERRNO;
            case "SCMP_ACT_TRACE" -> TRACE;
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> TRAP;
            case "SCMP_ACT_ALLOW" -> ALLOW;
            case "SCMP_ACT_LOG" -> LOG;
            case "SCMP_ACT_NOTIFY" -> throw new SeccompException(
                    what + ": action SCMP_ACT_NOTIFY is not supported yet");
            default -> throw new SeccompException(what + ": unknown action " + action);
        };
        if (base == ERRNO || base == TRACE) {
            return base | data;
        }
        // config-linux.md: "When the action doesn't support an errno, the runtime MUST print
        // an error and fail."
        if (errnoRet != null) {
            throw new SeccompException(what + ": errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
                    + action);
        }
        return base;
    }

    /**
     * Whether runc's {@code isAllowAction} counts this as permissive, in which case no
     * {@code -ENOSYS} stub is generated (a tracer should see unknown syscalls too).
     */
    static boolean isPermissive(int ret) {
        int action = ret & ~DATA_MASK;
        return action == ALLOW || action == LOG || action == TRACE;
    }
}
