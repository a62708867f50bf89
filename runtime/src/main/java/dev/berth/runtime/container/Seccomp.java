package dev.berth.runtime.container;

import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.seccomp.Arch;
import dev.berth.runtime.seccomp.BpfProgram;
import dev.berth.runtime.seccomp.SeccompCompiler;
import dev.berth.runtime.seccomp.SeccompException;
import java.util.logging.Logger;

/** Compiles a spec's seccomp profile for the host, before anything is created. */
final class Seccomp {
    private static final Logger LOG = Logger.getLogger(Seccomp.class.getName());

    /** The filter in the shim's form. */
    record Filter(byte[] program, int flags) {}

    private Seccomp() {}

    /** The compiled filter, or null if the spec has none. */
    static Filter compile(Spec spec) throws RuntimeFailure {
        if (spec.linux() == null || spec.linux().seccomp() == null) {
            return null;
        }
        try {
            BpfProgram p = new SeccompCompiler().compile(spec.linux().seccomp(), Arch.host());
            if (!p.unknownSyscalls().isEmpty()) {
                LOG.fine("seccomp: syscalls unknown on every architecture, skipped: " + p.unknownSyscalls());
            }
            return new Filter(p.toBytes(), p.flags());
        } catch (SeccompException e) {
            throw new RuntimeFailure("linux.seccomp: " + e.getMessage(), e);
        }
    }
}
