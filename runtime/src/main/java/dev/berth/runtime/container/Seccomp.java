package dev.berth.runtime.container;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.seccomp.Arch;
import dev.berth.runtime.seccomp.BpfProgram;
import dev.berth.runtime.seccomp.SeccompCompiler;
import dev.berth.runtime.seccomp.SeccompException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Compiles a spec's seccomp profile for the host, before anything is created. The last few
 * profiles' filters are kept: a daemon starts container after container with the same default
 * profile, and compiling it again took longer than every other stage of a start together
 * (about 90 ms of a 250 ms start, under load, in bench/run's stage trace); comparing the
 * profile with one seen before takes microseconds, the profile being a record of lists.
 */
final class Seccomp {
    private static final Logger LOG = Logger.getLogger(Seccomp.class.getName());
    private static final int REMEMBERED = 8;
    private static final Map<Linux.Seccomp, Filter> COMPILED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Linux.Seccomp, Filter> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** The filter in the shim's form; {@code program} is never changed once made. */
    record Filter(byte[] program, int flags) {}

    private Seccomp() {}

    /** The compiled filter, or null if the spec has none. */
    static Filter compile(Spec spec) throws RuntimeFailure {
        if (spec.linux() == null || spec.linux().seccomp() == null) {
            return null;
        }
        Linux.Seccomp profile = spec.linux().seccomp();
        synchronized (COMPILED) {
            Filter known = COMPILED.get(profile);
            if (known != null) {
                return known;
            }
        }
        try {
            BpfProgram p = new SeccompCompiler().compile(profile, Arch.host());
            if (!p.unknownSyscalls().isEmpty()) {
                LOG.fine("seccomp: syscalls unknown on every architecture, skipped: " + p.unknownSyscalls());
            }
            Filter filter = new Filter(p.toBytes(), p.flags());
            synchronized (COMPILED) {
                COMPILED.put(profile, filter);
            }
            return filter;
        } catch (SeccompException e) {
            throw new RuntimeFailure("linux.seccomp: " + e.getMessage(), e);
        }
    }
}
