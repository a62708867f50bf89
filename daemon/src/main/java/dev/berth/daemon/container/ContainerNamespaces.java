package dev.berth.daemon.container;

import dev.berth.oci.runtime.Linux;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespaces of a container's spec, from its {@code PidMode}, {@code IpcMode},
 * {@code UTSMode}, {@code NetworkMode} and {@code CgroupnsMode}, as dockerd's
 * {@code WithNamespaces}: a private mount, network, uts, pid and ipc namespace by default;
 * {@code host} leaves one out; {@code container:<x>} joins that container's through
 * {@code /proc/<pid>/ns}. The cgroup namespace is private by default only on a cgroup v2 host
 * (and never for a privileged container on v1), as moby's {@code adaptContainerSettings} decides.
 */
final class ContainerNamespaces {

    /** The modes after defaults: {@code ipc} is {@code private} unless set, {@code cgroupns} is {@code host} or {@code private}. */
    record Modes(String pid, String ipc, String uts, String network, String cgroupns) {
        boolean privatePid() {
            return pid.isEmpty();
        }
    }

    private ContainerNamespaces() {}

    static Modes modes(HostConfig hc, boolean cgroupV2) {
        String pid = orEmpty(hc.pidMode());
        if (!pid.isEmpty() && !pid.equals("host") && !container(pid)) {
            throw new InvalidContainerConfigException("invalid PID mode: " + pid);
        }
        String ipc = orEmpty(hc.ipcMode());
        if (ipc.isEmpty()) {
            ipc = "private";
        }
        if (!List.of("host", "private", "shareable", "none").contains(ipc) && !container(ipc)) {
            throw new InvalidContainerConfigException("invalid IPC mode: " + ipc);
        }
        String uts = orEmpty(hc.utsMode());
        if (!uts.isEmpty() && !uts.equals("host")) {
            throw new InvalidContainerConfigException("invalid UTS mode: " + uts);
        }
        String cgroupns = orEmpty(hc.cgroupnsMode());
        if (!cgroupns.isEmpty() && !cgroupns.equals("host") && !cgroupns.equals("private")) {
            throw new InvalidContainerConfigException("invalid cgroup namespace mode: " + cgroupns);
        }
        if (cgroupns.isEmpty()) {
            cgroupns = cgroupV2 ? "private" : "host";
        }
        String network = orEmpty(hc.networkMode());
        if (network.equals("container:")) {
            throw new InvalidContainerConfigException("invalid container format container:<name|id>");
        }
        return new Modes(pid, ipc, uts, network.isEmpty() ? "default" : network, cgroupns);
    }

    /** @param networkNamespace the namespace the daemon set up for a bridge or user network, or null */
    static List<Linux.Namespace> build(Modes modes, ContainerPids pids, String networkNamespace) {
        List<Linux.Namespace> out = new ArrayList<>();
        out.add(new Linux.Namespace("mount", null));
        if (networkNamespace != null) {
            out.add(new Linux.Namespace("network", networkNamespace));
        } else if (container(modes.network())) {
            out.add(new Linux.Namespace("network", nsPath(pids, modes.network(), "net", "network")));
        } else if (!modes.network().equals("host")) {
            out.add(new Linux.Namespace("network", null)); // none, bridge and named networks get their own
        }
        if (modes.uts().isEmpty()) {
            out.add(new Linux.Namespace("uts", null));
        }
        if (container(modes.pid())) {
            out.add(new Linux.Namespace("pid", nsPath(pids, modes.pid(), "pid", "PID")));
        } else if (modes.pid().isEmpty()) {
            out.add(new Linux.Namespace("pid", null));
        }
        if (container(modes.ipc())) {
            out.add(new Linux.Namespace("ipc", nsPath(pids, modes.ipc(), "ipc", "IPC")));
        } else if (!modes.ipc().equals("host")) {
            out.add(new Linux.Namespace("ipc", null));
        }
        if (modes.cgroupns().equals("private")) {
            out.add(new Linux.Namespace("cgroup", null));
        }
        return List.copyOf(out);
    }

    private static String nsPath(ContainerPids pids, String mode, String ns, String what) {
        String name = mode.substring("container:".length());
        long pid = pids.pidOf(name).orElseThrow(() ->
                new InvalidContainerConfigException("cannot join " + what + " of a non running container: " + name));
        return "/proc/" + pid + "/ns/" + ns;
    }

    static boolean container(String mode) {
        return mode.startsWith("container:") && mode.length() > "container:".length();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
