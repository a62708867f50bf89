package dev.berth.runtime.seccomp;

import java.util.List;

/**
 * The {@code flags} argument of {@code seccomp(SECCOMP_SET_MODE_FILTER, flags, prog)} from the
 * profile's {@code flags} list ({@code SECCOMP_FILTER_FLAG_*} in {@code linux/seccomp.h}).
 *
 * <p>Two choices follow runc. A profile that does not mention {@code flags} at all (null, as
 * opposed to an empty list) gets {@code SECCOMP_FILTER_FLAG_SPEC_ALLOW}, runc's default since 1.1:
 * the filter then does not force the speculative-store-bypass mitigation on the container (which
 * costs a lot and which Docker users never asked for). Kernels before 4.17 reject the flag.
 * {@code SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV} is refused: the kernel accepts it only together
 * with {@code SECCOMP_FILTER_FLAG_NEW_LISTENER}, which needs {@code SCMP_ACT_NOTIFY}, which
 * Berth does not support yet; failing here gives a clearer message than {@code EINVAL} from the
 * shim. {@code SECCOMP_FILTER_FLAG_TSYNC} is passed on: harmless in the single-threaded shim.
 */
public final class SeccompFlags {

    public static final int TSYNC = 1;
    public static final int LOG = 1 << 1;
    public static final int SPEC_ALLOW = 1 << 2;
    public static final int NEW_LISTENER = 1 << 3;
    public static final int TSYNC_ESRCH = 1 << 4;
    public static final int WAIT_KILLABLE_RECV = 1 << 5;

    private SeccompFlags() {}

    /** The flag bits for a profile's {@code flags} list; null means "runc's default". */
    public static int of(List<String> flags) throws SeccompException {
        if (flags == null) {
            return SPEC_ALLOW;
        }
        int bits = 0;
        for (String flag : flags) {
            if (flag == null) {
                throw new SeccompException("null flag");
            }
            bits |= switch (flag) {
                case "SECCOMP_FILTER_FLAG_TSYNC" -> TSYNC;
                case "SECCOMP_FILTER_FLAG_LOG" -> LOG;
                case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> SPEC_ALLOW;
                case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> throw new SeccompException(
                        "flag " + flag + " needs a notify listener (SCMP_ACT_NOTIFY), which is not supported yet");
                default -> throw new SeccompException("unknown flag " + flag);
            };
        }
        return bits;
    }
}
