package dev.berth.daemon.container;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The sysctls of a container's spec: Docker's two defaults for a private network namespace
 * (unprivileged ping and low ports, which the default capabilities grant anyway), then
 * {@code HostConfig.Sysctls}, which win.
 *
 * <p>Only sysctls that a namespace of the container's own isolates may be set, or the write
 * would change the host: the System V IPC ones and {@code fs.mqueue.*} need a private IPC
 * namespace, {@code net.*} a network namespace that is not the host's, and
 * {@code kernel.domainname} a UTS namespace. The rules and messages are runc's
 * ({@code libcontainer/configs/validate}), which dockerd relies on; Berth refuses at create
 * time rather than at start.
 */
final class Sysctls {
    private static final Set<String> IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private Sysctls() {}

    static Map<String, String> build(HostConfig hc, ContainerNamespaces.Modes modes, Map<String, String> networkDefaults) {
        Map<String, String> out = new LinkedHashMap<>();
        boolean privateNet = !modes.network().equals("host") && !ContainerNamespaces.container(modes.network());
        if (privateNet) {
            out.putAll(networkDefaults);
        }
        for (Map.Entry<String, String> e : hc.sysctls() == null ? Map.<String, String>of().entrySet() : hc.sysctls().entrySet()) {
            check(e.getKey(), modes);
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void check(String key, ContainerNamespaces.Modes modes) {
        String s = key.replace('/', '.'); // sysctl(8) accepts both separators
        if (IPC.contains(s) || s.startsWith("fs.mqueue.")) {
            if (modes.ipc().equals("host")) {
                throw refuse("sysctl \"" + s + "\" is not allowed in the hosts ipc namespace");
            }
            return;
        }
        if (s.startsWith("net.")) {
            if (modes.network().equals("host")) {
                throw refuse("sysctl \"" + s + "\" not allowed in host network namespace");
            }
            return;
        }
        if (modes.uts().isEmpty()) {
            if (s.equals("kernel.domainname")) {
                return;
            }
            if (s.equals("kernel.hostname")) {
                throw refuse("sysctl \"" + s + "\" is not allowed as it conflicts with the OCI \"hostname\" field");
            }
        }
        throw refuse("sysctl \"" + s + "\" is not in a separate kernel namespace");
    }

    private static InvalidContainerConfigException refuse(String message) {
        return new InvalidContainerConfigException(message);
    }
}
