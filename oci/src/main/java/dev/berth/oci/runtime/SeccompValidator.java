package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.SpecValidator.nonEmpty;
import static dev.berth.oci.runtime.SpecValidator.orEmpty;
import static dev.berth.oci.runtime.SpecValidator.quote;

import java.util.List;

/**
 * The rules for {@code linux.seccomp} (config-linux.md, "Seccomp"), so that the seccomp
 * compiler in the runtime only ever sees names it knows. Part of {@link SpecValidator}.
 */
final class SeccompValidator {
    private static final String NOTIFY = "SCMP_ACT_NOTIFY";
    /** The syscall arguments a filter can look at: seccomp_data.args[6]. */
    private static final int MAX_ARG_INDEX = 5;

    private SeccompValidator() {}

    static void validate(Linux.Seccomp s) throws InvalidSpecException {
        String field = "linux.seccomp";
        action(field + ".defaultAction", s.defaultAction());
        // A notify default would send every syscall, the runtime's own final execve included,
        // to the agent; runc refuses it for the same reason.
        if (s.defaultAction().equals(NOTIFY)) {
            throw new InvalidSpecException(field + ".defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
        }
        errnoRet(field + ".defaultErrnoRet", s.defaultErrnoRet(), s.defaultAction());
        List<String> archs = orEmpty(s.architectures());
        for (int i = 0; i < archs.size(); i++) {
            if (!SpecValidator.oneOf(SeccompNames.ARCHITECTURES, archs.get(i))) {
                throw new InvalidSpecException(field + ".architectures[" + i + "]",
                        "unknown architecture " + quote(archs.get(i)));
            }
        }
        List<String> flags = orEmpty(s.flags());
        for (int i = 0; i < flags.size(); i++) {
            if (!SpecValidator.oneOf(SeccompNames.FLAGS, flags.get(i))) {
                throw new InvalidSpecException(field + ".flags[" + i + "]", "unknown flag " + quote(flags.get(i)));
            }
        }
        if (nonEmpty(s.listenerMetadata()) && !nonEmpty(s.listenerPath())) {
            throw new InvalidSpecException(field + ".listenerMetadata", "requires listenerPath");
        }
        List<Linux.Syscall> syscalls = orEmpty(s.syscalls());
        for (int i = 0; i < syscalls.size(); i++) {
            syscall(field + ".syscalls[" + i + "]", syscalls.get(i), s);
        }
    }

    private static void syscall(String field, Linux.Syscall rule, Linux.Seccomp s) throws InvalidSpecException {
        List<String> names = orEmpty(rule.names());
        if (names.isEmpty()) {
            throw new InvalidSpecException(field + ".names", "must not be empty");
        }
        for (int i = 0; i < names.size(); i++) {
            if (!nonEmpty(names.get(i))) {
                throw new InvalidSpecException(field + ".names[" + i + "]", "must not be empty");
            }
        }
        action(field + ".action", rule.action());
        errnoRet(field + ".errnoRet", rule.errnoRet(), rule.action());
        if (rule.action().equals(NOTIFY)) {
            if (!nonEmpty(s.listenerPath())) {
                throw new InvalidSpecException(field + ".action", "SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath");
            }
            // The runtime reports start-up errors to its parent with write(2) after the filter
            // is loaded; a notify rule on write would block it on an agent that is not there yet.
            if (names.contains("write")) {
                throw new InvalidSpecException(field + ".action", "SCMP_ACT_NOTIFY cannot be used for write");
            }
        }
        List<Linux.SeccompArg> args = orEmpty(rule.args());
        for (int i = 0; i < args.size(); i++) {
            String at = field + ".args[" + i + "]";
            Linux.SeccompArg arg = args.get(i);
            if (arg.index() < 0 || arg.index() > MAX_ARG_INDEX) {
                throw new InvalidSpecException(at + ".index", arg.index() + " is out of range (0.." + MAX_ARG_INDEX + ")");
            }
            if (!SpecValidator.oneOf(SeccompNames.OPERATORS, arg.op())) {
                throw new InvalidSpecException(at + ".op", arg.op() == null
                        ? "must be set" : "unknown operator " + quote(arg.op()));
            }
        }
    }

    private static void action(String field, String action) throws InvalidSpecException {
        if (!nonEmpty(action)) {
            throw new InvalidSpecException(field, "must be set");
        }
        if (!SpecValidator.oneOf(SeccompNames.ACTIONS, action)) {
            throw new InvalidSpecException(field, "unknown action " + quote(action));
        }
    }

    /** Only actions that make the syscall fail can say with which errno (config-linux.md). */
    private static void errnoRet(String field, Integer errno, String action) throws InvalidSpecException {
        if (errno != null && !SpecValidator.oneOf(SeccompNames.ERRNO_ACTIONS, action)) {
            throw new InvalidSpecException(field, "not allowed with " + action);
        }
    }
}
