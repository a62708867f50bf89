package dev.berth.daemon.container;


import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.seccomp.Arch;
import dev.berth.runtime.seccomp.DockerSeccompProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host like Berth's machines (cgroup v1, every capability but CAP_SYS_RESOURCE), a rootfs with
 * {@code /etc/passwd} and {@code /etc/group}, network files, a recording volume resolver and one
 * running peer container ({@code peer}, pid 4242): what the generator tests share.
 */
abstract class SpecFixture {
    static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final ImageConfig BUSYBOX = new ImageConfig(null, null, "amd64", "linux", null, null, null,
            new ImageConfig.Config(null, null, List.of(PATH_ENV), null, List.of("sh"), null, null, null, null, null,
                    null, null, null),
            null, null, null);
    /** This host: every capability but CAP_SYS_RESOURCE (MACHINE.md). */
    static final Set<Capability> HELD = held();

    @TempDir
    Path tmp;
    Path rootfs;
    Path tini;
    NetworkFiles files;
    SpecGenerator generator;
    List<String> volumeCalls = new ArrayList<>();

    static Set<Capability> held() {
        Set<Capability> s = EnumSet.allOf(Capability.class);
        s.remove(Capability.CAP_SYS_RESOURCE);
        return s;
    }

    @BeforeEach
    void setUp() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("bundle/rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nwheel:x:10:app\napp:x:1000:\n");
        tini = Files.writeString(tmp.resolve("tini-static"), "#!");
        Path dir = Files.createDirectories(tmp.resolve("containers/" + ID));
        files = new NetworkFiles(Files.writeString(dir.resolve("hostname"), "x\n"),
                Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n"),
                Files.writeString(dir.resolve("resolv.conf"), "nameserver 1.1.1.1\n"));
        generator = generator(false);
    }

    SpecGenerator generator(boolean cgroupV2) {
        HostProfile host = new HostProfile(HELD,
                List.of(new Linux.Device("b", "/dev/sda", 8L, 0L, 0660, 0L, 6L)),
                cgroupV2, tini, Arch.X86_64, DockerSeccompProfile.KernelVersion.parse("6.18.0"), 2, "berth-host",
                List.of(), Map.of("net.ipv4.ping_group_range", "0 2147483647", "net.ipv4.ip_unprivileged_port_start", "0"));
        VolumeResolver volumes = new VolumeResolver() {
            @Override
            public List<MountPoint> attach(String id, List<MountPoint> requested, List<String> from, Path root) {
                return requested.stream().map(mp -> {
                    if (!mp.type().equals("volume")) {
                        return mp;
                    }
                    volumeCalls.add(mp.source() + "@" + mp.destination());
                    return mp.source() == null ? mp.withSource("anon") : mp;
                }).toList();
            }

            @Override
            public Path hostPath(String name) {
                return tmp.resolve("volumes").resolve(name).resolve("_data");
            }
        };
        return new SpecGenerator(host, volumes, name -> name.equals("peer") ? OptionalLong.of(4242) : OptionalLong.empty());
    }

    Spec run(String json) {
        return generator.generate(ID, BUSYBOX, CreateRequest.parse(json.getBytes(StandardCharsets.UTF_8)), rootfs, files);
    }

    /** What docker CLI 28 sends for {@code docker run busybox}, trimmed of fields Berth ignores. */
    static final String PLAIN_RUN = """
            {"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,
             "Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"busybox","Volumes":{},
             "WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},
             "HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},
               "NetworkMode":"bridge","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},
               "AutoRemove":false,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[24,80],"CapAdd":null,
               "CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,
               "GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"",
               "Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,
               "UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,
               "CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"CpuPeriod":0,"CpuQuota":0,
               "CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"MemoryReservation":0,
               "MemorySwap":0,"MemorySwappiness":null,"OomKillDisable":null,"PidsLimit":null,"Ulimits":[],
               "MaskedPaths":null,"ReadonlyPaths":null},
             "NetworkingConfig":{"EndpointsConfig":{}}}
            """;

    static List<String> caps(String... names) {
        return List.of(names);
    }

    static final List<String> DOCKER_DEFAULT_CAPS = caps("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    static Spec.Mount m(String dest, String type, String source, String... options) {
        return new Spec.Mount(dest, type, source, List.of(options), null, null);
    }

    List<Spec.Mount> defaultMounts() {
        return List.of(
                m("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
                m("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                m("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                m("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
                m("/sys/fs/cgroup", "cgroup", "cgroup", "ro", "nosuid", "noexec", "nodev"),
                m("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
                m("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=67108864"),
                m("/etc/resolv.conf", "bind", files.resolvConf().toString(), "rbind", "rprivate"),
                m("/etc/hostname", "bind", files.hostname().toString(), "rbind", "rprivate"),
                m("/etc/hosts", "bind", files.hosts().toString(), "rbind", "rprivate"));
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
