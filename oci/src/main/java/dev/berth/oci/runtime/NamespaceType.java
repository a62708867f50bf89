package dev.berth.oci.runtime;

import java.util.Optional;

/**
 * The namespace types of {@code linux.namespaces[].type}, with the {@code clone(2)} flag that
 * creates each and the name of its file under {@code /proc/<pid>/ns/}, which is what a
 * namespace {@code path} usually points at.
 */
public enum NamespaceType {
    PID("pid", 0x20000000, "pid"),
    NETWORK("network", 0x40000000, "net"),
    MOUNT("mount", 0x00020000, "mnt"),
    IPC("ipc", 0x08000000, "ipc"),
    UTS("uts", 0x04000000, "uts"),
    USER("user", 0x10000000, "user"),
    CGROUP("cgroup", 0x02000000, "cgroup"),
    TIME("time", 0x00000080, "time");

    private final String specName;
    private final int cloneFlag;
    private final String procName;

    NamespaceType(String specName, int cloneFlag, String procName) {
        this.specName = specName;
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    /** The name used in {@code config.json}: {@code network}, {@code mount}, ... */
    public String specName() {
        return specName;
    }

    /** {@code CLONE_NEWPID} etc., for {@code clone(2)}, {@code unshare(2)} and {@code setns(2)}. */
    public int cloneFlag() {
        return cloneFlag;
    }

    /** The entry in {@code /proc/<pid>/ns/}: {@code net}, {@code mnt}, ... */
    public String procName() {
        return procName;
    }

    /** The type with this {@code config.json} name, if it is one. */
    public static Optional<NamespaceType> bySpecName(String name) {
        for (NamespaceType t : values()) {
            if (t.specName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
