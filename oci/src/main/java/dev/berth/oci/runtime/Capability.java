package dev.berth.oci.runtime;

import java.util.Optional;

/**
 * The Linux capabilities a spec may name, with the bit number each has in the kernel's
 * capability sets ({@code include/uapi/linux/capability.h}). The constants are declared in bit
 * order, so {@link #bit()} equals {@link #ordinal()}; {@link #bit()} says it on purpose.
 *
 * <p>The list ends at {@code CAP_CHECKPOINT_RESTORE} (40, Linux 5.9), the last one the runtime
 * spec's features example and runc know. A name outside it is rejected by {@link SpecValidator}
 * rather than silently dropped: a typo in a capability list is a security decision gone wrong.
 */
public enum Capability {
    CAP_CHOWN,
    CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH,
    CAP_FOWNER,
    CAP_FSETID,
    CAP_KILL,
    CAP_SETGID,
    CAP_SETUID,
    CAP_SETPCAP,
    CAP_LINUX_IMMUTABLE,
    CAP_NET_BIND_SERVICE,
    CAP_NET_BROADCAST,
    CAP_NET_ADMIN,
    CAP_NET_RAW,
    CAP_IPC_LOCK,
    CAP_IPC_OWNER,
    CAP_SYS_MODULE,
    CAP_SYS_RAWIO,
    CAP_SYS_CHROOT,
    CAP_SYS_PTRACE,
    CAP_SYS_PACCT,
    CAP_SYS_ADMIN,
    CAP_SYS_BOOT,
    CAP_SYS_NICE,
    CAP_SYS_RESOURCE,
    CAP_SYS_TIME,
    CAP_SYS_TTY_CONFIG,
    CAP_MKNOD,
    CAP_LEASE,
    CAP_AUDIT_WRITE,
    CAP_AUDIT_CONTROL,
    CAP_SETFCAP,
    CAP_MAC_OVERRIDE,
    CAP_MAC_ADMIN,
    CAP_SYSLOG,
    CAP_WAKE_ALARM,
    CAP_BLOCK_SUSPEND,
    CAP_AUDIT_READ,
    CAP_PERFMON,
    CAP_BPF,
    CAP_CHECKPOINT_RESTORE;

    /** The capability's bit in {@code capget(2)}/{@code capset(2)} sets and in {@code prctl(2)}. */
    public int bit() {
        return ordinal();
    }

    /** The capability with this spec name ({@code CAP_CHOWN}); names are case-sensitive. */
    public static Optional<Capability> byName(String name) {
        for (Capability c : values()) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
