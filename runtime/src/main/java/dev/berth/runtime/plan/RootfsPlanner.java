package dev.berth.runtime.plan;

import static dev.berth.runtime.plan.Kernel.*;

import dev.berth.oci.runtime.Linux.Device;
import dev.berth.oci.runtime.RootfsPath;
import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans the container's filesystem view inside its new mount namespace, in runc's order:
 * stop propagation to the host, bind the rootfs onto itself, apply {@code mounts} in order,
 * populate {@code /dev}, run createContainer hooks, pivot_root, then sysctls and the
 * read-only and masked paths. Mount targets are resolved inside the rootfs here, in Java, so
 * that a symlink in the image can never point a mount at the host.
 */
final class RootfsPlanner {
    /** The devices every container gets (config-linux.md, "Default Devices"). */
    private static final List<Device> DEFAULT_DEVICES = List.of(
            new Device("c", "/dev/null", 1L, 3L, 0666, 0L, 0L),
            new Device("c", "/dev/zero", 1L, 5L, 0666, 0L, 0L),
            new Device("c", "/dev/full", 1L, 7L, 0666, 0L, 0L),
            new Device("c", "/dev/random", 1L, 8L, 0666, 0L, 0L),
            new Device("c", "/dev/urandom", 1L, 9L, 0666, 0L, 0L),
            new Device("c", "/dev/tty", 5L, 0L, 0666, 0L, 0L));

    private final HostFacts host;

    RootfsPlanner(HostFacts host) {
        this.host = host;
    }

    void plan(LaunchPlan.Builder b, PlanRequest req, Path bundle, boolean userNs, boolean cgroupNs)
            throws PlanException {
        Spec spec = req.spec();
        Path rootfs = req.rootfs();
        String propagation = spec.linux() == null ? null : spec.linux().rootfsPropagation();
        long rootProp = propagation == null ? MS_SLAVE | MS_REC : propagationFlags(propagation);
        b.add(new Step.Mount("", "/", "", rootProp, "", "set propagation of / in the container's mount namespace"));
        HostFacts.MountPoint parent = host.mountOf(rootfs.getParent() == null ? rootfs : rootfs.getParent());
        if (parent.shared()) {
            // pivot_root(2): EINVAL if the new root's parent mount is shared.
            b.add(new Step.Mount("", parent.path(), "", MS_PRIVATE, "", "make " + parent.path() + " private"));
        }
        b.add(new Step.Mount(rootfs.toString(), rootfs.toString(), "", MS_BIND | MS_REC, "",
                "bind the root filesystem " + rootfs + " onto itself"));

        boolean devIsBind = false;
        int i = 0;
        for (Spec.Mount m : spec.mounts() == null ? List.<Spec.Mount>of() : spec.mounts()) {
            String field = "mounts[" + i++ + "]";
            MountOptions o = MountOptions.parse(m.optionsOrEmpty());
            boolean bind = o.bind() || "bind".equals(m.type());
            String dest = m.destination().startsWith("/") ? m.destination() : "/" + m.destination();
            if (dest.equals("/dev") || dest.equals("/dev/")) {
                devIsBind = bind;
            }
            Path target = resolve(rootfs, dest, field);
            if ("cgroup".equals(m.type()) || "cgroup2".equals(m.type())) {
                planCgroupMount(b, req, target, o, cgroupNs);
                continue;
            }
            if (bind) {
                Path source = Path.of(m.source() == null ? "" : m.source());
                if (!source.isAbsolute()) {
                    source = bundle.resolve(source);
                }
                if (!Files.exists(source)) {
                    throw new PlanException(field + ".source: " + source + " does not exist");
                }
                b.add(Files.isDirectory(source) ? new Step.MkDir(target.toString(), 0755)
                        : new Step.MkFile(target.toString(), 0644));
                b.add(new Step.Mount(source.toString(), target.toString(), "",
                        MS_BIND | (o.recursive() ? MS_REC : 0), "", "bind " + source + " on " + dest));
                if (o.remountFlags() != 0) {
                    b.add(new Step.Remount(target.toString(), MS_BIND | o.remountFlags(),
                            "remount " + dest + " with " + String.join(",", m.optionsOrEmpty())));
                }
            } else {
                b.add(new Step.MkDir(target.toString(), 0755));
                b.add(new Step.Mount(m.source() == null ? m.type() : m.source(), target.toString(),
                        m.type(), o.flags(), o.data(), "mount " + m.type() + " on " + dest));
            }
            if (o.propagation() != 0) {
                b.add(new Step.Mount("", target.toString(), "", o.propagation(), "", "set propagation of " + dest));
            }
        }

        if (!devIsBind) {
            planDevices(b, req, rootfs, userNs);
        }
        List<Spec.Hook> cc = spec.hooks() == null ? null : spec.hooks().createContainer();
        if (cc != null) {
            int h = 0;
            for (Spec.Hook hook : cc) {
                b.add(ProcessPlanner.hookStep(hook, 0, "createContainer hook #" + h++ + " " + hook.path()));
            }
        }
        b.add(req.noPivot() ? new Step.Chroot(rootfs.toString()) : new Step.PivotRoot(rootfs.toString()));
    }

    /** After pivot_root: sysctls, read-only and masked paths, and a read-only root. */
    void planAfterPivot(LaunchPlan.Builder b, Spec spec) {
        var linux = spec.linux();
        if (linux != null && linux.sysctl() != null) {
            linux.sysctl().forEach((k, v) -> b.add(new Step.WriteFile(
                    "/proc/sys/" + k.replace('.', '/'), v.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "set sysctl " + k + "=" + v)));
        }
        if (linux != null && linux.readonlyPaths() != null) {
            linux.readonlyPaths().forEach(p -> b.add(new Step.ReadOnly(p)));
        }
        if (linux != null && linux.maskedPaths() != null) {
            linux.maskedPaths().forEach(p -> b.add(new Step.Mask(p)));
        }
        if (spec.root().isReadonly()) {
            b.add(new Step.Remount("/", MS_BIND | MS_RDONLY, "remount / read-only"));
        }
    }

    private void planDevices(LaunchPlan.Builder b, PlanRequest req, Path rootfs, boolean userNs)
            throws PlanException {
        List<Device> devices = new ArrayList<>(DEFAULT_DEVICES);
        var linux = req.spec().linux();
        if (linux != null && linux.devices() != null) {
            for (Device d : linux.devices()) {
                devices.removeIf(x -> x.path().equals(d.path()));
                devices.add(d);
            }
        }
        String dev = resolve(rootfs, "/dev", "/dev").toString();
        b.add(new Step.MkDir(dev, 0755));
        for (Device d : devices) {
            Path target = resolve(rootfs, d.path(), "linux.devices " + d.path());
            if (target.getParent() != null) {
                b.add(new Step.MkDir(target.getParent().toString(), 0755));
            }
            long major = d.major() == null ? 0 : d.major();
            long minor = d.minor() == null ? 0 : d.minor();
            if (userNs) {
                // mknod(2) is refused in a user namespace: bind the host's node instead, as runc does.
                b.add(new Step.MkFile(target.toString(), 0644));
                b.add(new Step.Mount(d.path(), target.toString(), "", MS_BIND, "", "bind device " + d.path()));
                continue;
            }
            int type = switch (d.type()) {
                case "b" -> S_IFBLK;
                case "p" -> S_IFIFO;
                default -> S_IFCHR;
            };
            int mode = d.fileMode() == null ? 0666 : d.fileMode();
            // MACHINE.md: the host's /dev/null belongs to uid 1000 here, so nodes are made, not trusted.
            b.add(new Step.MkNod(target.toString(), type | (mode & 07777), makedev(major, minor),
                    d.uid() == null ? 0 : d.uid().intValue(), d.gid() == null ? 0 : d.gid().intValue()));
        }
        b.add(new Step.Symlink("/proc/self/fd", dev + "/fd"));
        b.add(new Step.Symlink("/proc/self/fd/0", dev + "/stdin"));
        b.add(new Step.Symlink("/proc/self/fd/1", dev + "/stdout"));
        b.add(new Step.Symlink("/proc/self/fd/2", dev + "/stderr"));
        if (Files.exists(Path.of("/proc/kcore"))) {
            b.add(new Step.Symlink("/proc/kcore", dev + "/core"));
        }
        b.add(new Step.Symlink("pts/ptmx", dev + "/ptmx"));
    }

    private void planCgroupMount(LaunchPlan.Builder b, PlanRequest req, Path target, MountOptions o,
            boolean cgroupNs) {
        List<PlanRequest.CgroupMount> hier = req.cgroupMounts() == null ? List.of() : req.cgroupMounts();
        long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (o.flags() & MS_RDONLY);
        b.add(new Step.MkDir(target.toString(), 0755));
        if (hier.size() == 1 && hier.getFirst().name().isEmpty()) {
            // cgroup v2: one hierarchy, mounted (with a cgroup namespace) or bound at the target.
            PlanRequest.CgroupMount h = hier.getFirst();
            if (cgroupNs) {
                b.add(new Step.Mount("cgroup2", target.toString(), "cgroup2", flags, "", "mount cgroup2 on " + target));
            } else {
                b.add(new Step.Mount(h.hostDir().toString(), target.toString(), "", MS_BIND | MS_REC, "",
                        "bind cgroup " + h.hostDir()));
                b.add(new Step.Remount(target.toString(), MS_BIND | flags, "remount cgroup " + target));
            }
            return;
        }
        // cgroup v1: a tmpfs with one directory per hierarchy, as the host has it.
        b.add(new Step.Mount("tmpfs", target.toString(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "mode=755", "mount tmpfs on " + target));
        for (PlanRequest.CgroupMount h : hier) {
            String dir = target + "/" + h.name();
            b.add(new Step.MkDir(dir, 0755));
            if (cgroupNs) {
                b.add(new Step.Mount("cgroup", dir, h.fstype(), flags, h.options(), "mount cgroup " + h.name()));
            } else {
                b.add(new Step.Mount(h.hostDir().toString(), dir, "", MS_BIND | MS_REC, "", "bind cgroup " + h.hostDir()));
                b.add(new Step.Remount(dir, MS_BIND | flags, "remount cgroup " + dir));
            }
        }
        if ((o.flags() & MS_RDONLY) != 0) {
            b.add(new Step.Remount(target.toString(), MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                    "remount " + target + " read-only"));
        }
    }

    private static Path resolve(Path rootfs, String dest, String field) throws PlanException {
        try {
            return RootfsPath.resolve(rootfs, dest);
        } catch (IOException | IllegalArgumentException e) {
            throw new PlanException(field + ": " + e.getMessage());
        }
    }

    static long propagationFlags(String p) {
        return switch (p) {
            case "private" -> MS_PRIVATE;
            case "rprivate" -> MS_PRIVATE | MS_REC;
            case "slave" -> MS_SLAVE;
            case "rslave" -> MS_SLAVE | MS_REC;
            case "shared" -> MS_SHARED;
            case "rshared" -> MS_SHARED | MS_REC;
            case "unbindable" -> MS_UNBINDABLE;
            default -> MS_UNBINDABLE | MS_REC;
        };
    }
}
