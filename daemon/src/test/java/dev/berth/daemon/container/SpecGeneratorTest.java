package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.oci.runtime.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecGeneratorTest extends SpecFixture {

    @Test
    void plainDockerRunBusyboxGetsDockersDefaults() {
        Spec s = run(PLAIN_RUN);
        assertThat(s.ociVersion()).isEqualTo("1.2.1");
        assertThat(s.root()).isEqualTo(new Spec.Root(rootfs.toString(), null));
        assertThat(s.hostname()).isEqualTo("0123456789ab");
        assertThat(s.domainname()).isNull();

        Spec.Process p = s.process();
        assertThat(p.args()).containsExactly("sh");
        assertThat(p.env()).containsExactly(PATH_ENV, "HOSTNAME=0123456789ab");
        assertThat(p.cwd()).isEqualTo("/");
        assertThat(p.terminal()).isNull();
        assertThat(p.user()).isEqualTo(new Spec.User(0, 0, null, List.of(0L), null));
        assertThat(p.capabilities()).isEqualTo(new Spec.Capabilities(
                DOCKER_DEFAULT_CAPS, DOCKER_DEFAULT_CAPS, null, DOCKER_DEFAULT_CAPS, null));
        assertThat(p.noNewPrivileges()).isNull();
        assertThat(p.oomScoreAdj()).isZero();
        assertThat(p.rlimits()).isNull();

        assertThat(s.mounts()).isEqualTo(defaultMounts());

        Linux l = s.linux();
        assertThat(l.namespaces()).extracting(Linux.Namespace::type).containsExactly("mount", "network", "uts", "pid", "ipc");
        assertThat(l.namespaces()).allMatch(n -> n.path() == null);
        assertThat(l.maskedPaths()).containsExactly("/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore",
                "/proc/keys", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
                "/proc/timer_stats", "/sys/devices/virtual/powercap", "/sys/firmware");
        assertThat(l.readonlyPaths()).containsExactly("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
        assertThat(l.devices()).isNull();
        assertThat(l.resources()).isEqualTo(new Linux.Resources(ContainerDevices.defaultRules(), null, null, null, null,
                null, null, null, null));
        assertThat(l.resources().devices().getFirst()).isEqualTo(new Linux.DeviceRule(false, null, null, null, "rwm"));
        assertThat(l.cgroupsPath()).isEqualTo("/berth/" + ID);
        assertThat(l.sysctl()).isEqualTo(Map.of("net.ipv4.ping_group_range", "0 2147483647",
                "net.ipv4.ip_unprivileged_port_start", "0"));
        assertThat(l.seccomp()).isNotNull();
        assertThat(l.seccomp().defaultAction()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(l.seccomp().architectures()).contains("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        // mount(2) is allowed only with CAP_SYS_ADMIN in Docker's profile
        assertThat(l.seccomp().syscalls()).noneMatch(r -> r.names().contains("mount") && r.action().equals("SCMP_ACT_ALLOW"));
        assertThat(l.rootfsPropagation()).isNull();
    }

    @Test
    void theGeneratedSpecPassesTheRuntimesValidator() throws Exception {
        Spec s = run("""
                {"Image":"busybox","User":"app","Tty":true,"WorkingDir":"/home","Env":["A=1"],
                 "HostConfig":{"Binds":["%s:/data:ro"],"Tmpfs":{"/run":"size=1m"},"Init":true,
                   "Memory":67108864,"NanoCpus":500000000,"PidsLimit":64,"BlkioWeight":300,
                   "Ulimits":[{"Name":"nofile","Soft":1024,"Hard":2048}],"CapAdd":["NET_ADMIN"],
                   "Sysctls":{"net.ipv4.ip_forward":"1"},"SecurityOpt":["no-new-privileges"],
                   "ReadonlyRootfs":true,"ShmSize":1048576}}
                """.formatted(tmp));
        assertThatCode(() -> SpecValidator.validate(s, tmp.resolve("bundle"))).doesNotThrowAnyException();
        assertThatCode(() -> SpecValidator.validate(run(PLAIN_RUN), tmp.resolve("bundle"))).doesNotThrowAnyException();
        assertThatCode(() -> SpecValidator.validate(run("{\"Image\":\"busybox\",\"HostConfig\":{\"Privileged\":true}}"),
                tmp.resolve("bundle"))).doesNotThrowAnyException();
    }

    @Test
    void requestEnvOverridesImageEnvAndTtySetsTerm() {
        Spec s = run("{\"Env\":[\"PATH=/mine\",\"X=1\"],\"Tty\":true,\"Hostname\":\"web\",\"Domainname\":\"example.org\"}");
        assertThat(s.process().env()).containsExactly("PATH=/mine", "HOSTNAME=web", "TERM=xterm", "X=1");
        assertThat(s.process().terminal()).isTrue();
        assertThat(s.hostname()).isEqualTo("web");
        assertThat(s.domainname()).isEqualTo("example.org");
    }

    @Test
    void aTtyGetsTheClientsConsoleSize() {
        assertThat(run("{\"Tty\":true,\"HostConfig\":{\"ConsoleSize\":[24,80]}}").process().consoleSize())
                .isEqualTo(new Spec.ConsoleSize(24, 80));
        assertThat(run("{\"HostConfig\":{\"ConsoleSize\":[24,80]}}").process().consoleSize()).isNull();
    }

    @Test
    void anImageWithoutPathGetsDockersDefaultPath() {
        ImageConfig bare = new ImageConfig(null, null, null, "linux", null, null, null,
                new ImageConfig.Config(null, null, null, null, List.of("/app"), null, "/srv", null, null, null, null,
                        null, null), null, null, null);
        Spec s = generator.generate(ID, bare, CreateRequest.parse("{}".getBytes()), rootfs, NetworkFiles.none());
        assertThat(s.process().env()).containsExactly(PATH_ENV, "HOSTNAME=0123456789ab");
        assertThat(s.process().cwd()).isEqualTo("/srv");
        assertThat(s.mounts()).noneMatch(mt -> mt.destination().startsWith("/etc/"));
    }

    @Test
    void userComesFromTheRootfs() {
        Spec s = run("{\"User\":\"app\",\"HostConfig\":{\"GroupAdd\":[\"wheel\",\"77\"]}}");
        assertThat(s.process().user()).isEqualTo(new Spec.User(1000, 1000, null, List.of(1000L, 10L, 10L, 77L), null));
        assertThatThrownBy(() -> run("{\"User\":\"ghost\"}"))
                .hasMessage("unable to find user ghost: no matching entries in passwd file");
    }

    @Test
    void capAddAndDropTweakTheDefaults() {
        List<String> caps = run("{\"HostConfig\":{\"CapAdd\":[\"net_admin\",\"CAP_SYS_PTRACE\"],\"CapDrop\":[\"MKNOD\",\"cap_net_raw\"]}}")
                .process().capabilities().bounding();
        assertThat(caps).contains("CAP_NET_ADMIN", "CAP_SYS_PTRACE").doesNotContain("CAP_MKNOD", "CAP_NET_RAW").hasSize(14);
        assertThat(run("{\"HostConfig\":{\"CapDrop\":[\"ALL\"],\"CapAdd\":[\"CHOWN\"]}}").process().capabilities().effective())
                .containsExactly("CAP_CHOWN");
        assertThat(run("{\"HostConfig\":{\"CapAdd\":[\"ALL\"],\"CapDrop\":[\"SYS_ADMIN\"]}}").process().capabilities().permitted())
                .hasSize(HELD.size() - 1).doesNotContain("CAP_SYS_ADMIN", "CAP_SYS_RESOURCE");
        // dropping what the daemon lacks is harmless
        assertThat(run("{\"HostConfig\":{\"CapDrop\":[\"SYS_RESOURCE\"]}}").process().capabilities().bounding())
                .isEqualTo(DOCKER_DEFAULT_CAPS);
    }

    @Test
    void capSysAdminOpensTheSeccompRulesThatNeedIt() {
        Linux.Seccomp plain = run("{}").linux().seccomp();
        Linux.Seccomp admin = run("{\"HostConfig\":{\"CapAdd\":[\"SYS_ADMIN\"]}}").linux().seccomp();
        assertThat(admin.syscalls()).anyMatch(r -> r.names().contains("mount") && r.action().equals("SCMP_ACT_ALLOW"));
        assertThat(plain.syscalls()).noneMatch(r -> r.names().contains("mount") && r.action().equals("SCMP_ACT_ALLOW"));
    }

    @Test
    void privilegedGetsWhatTheDaemonHoldsAndNoConfinement() {
        Spec s = run("{\"HostConfig\":{\"Privileged\":true,\"ReadonlyRootfs\":false}}");
        assertThat(s.process().capabilities().bounding()).hasSize(HELD.size()).doesNotContain("CAP_SYS_RESOURCE");
        assertThat(s.linux().devices()).containsExactly(new Linux.Device("b", "/dev/sda", 8L, 0L, 0660, 0L, 6L));
        assertThat(s.linux().resources().devices()).containsExactly(new Linux.DeviceRule(true, null, null, null, "rwm"));
        assertThat(s.linux().maskedPaths()).isNull();
        assertThat(s.linux().readonlyPaths()).isNull();
        assertThat(s.linux().seccomp()).isNull();
        assertThat(s.mounts()).filteredOn(mt -> mt.destination().equals("/sys")).singleElement()
                .satisfies(mt -> assertThat(mt.options()).doesNotContain("ro"));
        assertThat(s.mounts()).filteredOn(mt -> mt.type().equals("cgroup")).singleElement()
                .satisfies(mt -> assertThat(mt.options()).doesNotContain("ro"));
        assertThat(s.linux().namespaces()).extracting(Linux.Namespace::type).doesNotContain("cgroup");
    }

    @Test
    void securityOpts() {
        assertThat(run("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\"]}}").process().noNewPrivileges()).isTrue();
        assertThat(run("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges=false\"]}}").process().noNewPrivileges()).isNull();
        assertThat(run("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=unconfined\"]}}").linux().seccomp()).isNull();
        assertThat(run("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp:unconfined\",\"label=disable\",\"apparmor=x\"]}}")
                .linux().seccomp()).isNull();
        String profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
        Linux.Seccomp custom = run("{\"HostConfig\":{\"SecurityOpt\":[" + quote("seccomp=" + profile) + "]}}").linux().seccomp();
        assertThat(custom.defaultAction()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(custom.syscalls()).singleElement().satisfies(r -> assertThat(r.names()).containsExactly("chmod"));
        Spec open = run("{\"HostConfig\":{\"SecurityOpt\":[\"systempaths=unconfined\"]}}");
        assertThat(open.linux().maskedPaths()).isNull();
        assertThat(open.linux().readonlyPaths()).isNull();
    }

    @Test
    void seccompProfileFromAFileOnTheDaemonsHost() throws IOException {
        Path file = Files.writeString(tmp.resolve("profile.json"), "{\"defaultAction\":\"SCMP_ACT_LOG\"}");
        assertThat(run("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=" + file + "\"]}}").linux().seccomp().defaultAction())
                .isEqualTo("SCMP_ACT_LOG");
    }

    @Test
    void mountsFromBindsMountsTmpfsAndVolumes() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Spec s = run(("""
                {"Volumes":{"/anon":{}},"HostConfig":{
                  "Binds":["%1$s:/data:ro,rslave","named:/named","%1$s:/data/deep"],
                  "Mounts":[{"Type":"bind","Source":"%1$s","Target":"/m","BindOptions":{"NonRecursive":true}},
                            {"Type":"tmpfs","Target":"/t","ReadOnly":true,"TmpfsOptions":{"SizeBytes":2097152,"Mode":448,"Options":[["exec"]]}},
                            {"Type":"volume","Source":"vol","Target":"/v","VolumeOptions":{"Subpath":"sub"}}],
                  "Tmpfs":{"/run":"exec,size=1m,mode=1777"}}}
                """).formatted(src));
        List<Spec.Mount> user = s.mounts().subList(7, s.mounts().size());
        String vols = tmp.resolve("volumes").toString();
        assertThat(user).containsExactly(
                m("/data", "bind", src.toString(), "rbind", "ro", "rslave"),
                m("/named", "bind", vols + "/named/_data", "rbind", "rprivate"),
                m("/m", "bind", src.toString(), "bind", "rprivate"),
                m("/t", "tmpfs", "tmpfs", "nosuid", "nodev", "rprivate", "ro", "mode=700", "size=2m", "exec"),
                m("/v", "bind", vols + "/vol/_data/sub", "rbind", "rprivate"),
                m("/run", "tmpfs", "tmpfs", "nosuid", "nodev", "rprivate", "exec", "size=1m", "mode=1777"),
                m("/anon", "bind", vols + "/anon/_data", "rbind", "rprivate"),
                // shallowest first; equal depths keep their order, the network files last
                m("/data/deep", "bind", src.toString(), "rbind", "rprivate"),
                m("/etc/resolv.conf", "bind", files.resolvConf().toString(), "rbind", "rprivate"),
                m("/etc/hostname", "bind", files.hostname().toString(), "rbind", "rprivate"),
                m("/etc/hosts", "bind", files.hosts().toString(), "rbind", "rprivate"));
        assertThat(volumeCalls).containsExactly("named@/named", "vol@/v", "null@/anon");
        assertThat(s.linux().rootfsPropagation()).isEqualTo("rslave");
    }

    @Test
    void aMissingDashVSourceIsCreatedAsDockerdDoes() {
        Path missing = tmp.resolve("made/by/run");
        run("{\"HostConfig\":{\"Binds\":[\"" + missing + ":/x\"]}}");
        assertThat(missing).isDirectory();
    }

    @Test
    void aRefusedRequestCreatesNothingOnTheHost() {
        Path missing = tmp.resolve("not/made");
        assertThatThrownBy(() -> run("{\"Volumes\":{\"/v\":{}},\"HostConfig\":{\"Binds\":[\"" + missing
                + ":/x\"],\"Sysctls\":{\"kernel.panic\":\"1\"}}}")).isInstanceOf(InvalidContainerConfigException.class);
        assertThat(missing).doesNotExist();
        assertThat(volumeCalls).isEmpty();
    }

    @Test
    void userMountsReplaceDefaultsAndNetworkFiles() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Spec s = run("{\"HostConfig\":{\"Binds\":[\"" + src + ":/dev\",\"" + src + ":/etc/hosts\"],\"IpcMode\":\"none\"}}");
        assertThat(s.mounts()).extracting(Spec.Mount::destination)
                .containsExactly("/proc", "/sys", "/sys/fs/cgroup", "/dev", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname");
        assertThat(s.mounts()).filteredOn(mt -> mt.destination().equals("/etc/hosts")).singleElement()
                .extracting(Spec.Mount::source).isEqualTo(src.toString());
    }

    @Test
    void shmSizeAndIpcModes() {
        assertThat(run("{\"HostConfig\":{\"ShmSize\":1048576}}").mounts())
                .contains(m("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=1048576"));
        Spec none = run("{\"HostConfig\":{\"IpcMode\":\"none\"}}");
        assertThat(none.mounts()).noneMatch(mt -> mt.destination().equals("/dev/shm"));
        assertThat(none.linux().namespaces()).extracting(Linux.Namespace::type).contains("ipc");
        Spec host = run("{\"HostConfig\":{\"IpcMode\":\"host\"}}");
        assertThat(host.linux().namespaces()).extracting(Linux.Namespace::type).doesNotContain("ipc");
        assertThat(host.mounts()).contains(m("/dev/shm", "bind", "/dev/shm", "rbind", "rprivate"));
    }

    @Test
    void readOnlyRootfsMakesTheRestReadOnly() {
        Spec s = run("{\"HostConfig\":{\"ReadonlyRootfs\":true,\"Tmpfs\":{\"/tmp\":\"\"}}}");
        assertThat(s.root().readonly()).isTrue();
        for (Spec.Mount mt : s.mounts()) {
            boolean writable = List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/tmp").contains(mt.destination());
            assertThat(mt.options().contains("ro")).as(mt.destination()).isEqualTo(!writable);
        }
    }

    @Test
    void initRunsTiniAsPid1() {
        Spec s = run("{\"Cmd\":[\"sleep\",\"1\"],\"HostConfig\":{\"Init\":true}}");
        assertThat(s.process().args()).containsExactly("/sbin/docker-init", "--", "sleep", "1");
        assertThat(s.mounts()).contains(m("/sbin/docker-init", "bind", tini.toString(), "bind", "ro"));
        // in another container's pid namespace there already is an init
        Spec shared = run("{\"HostConfig\":{\"Init\":true,\"PidMode\":\"container:peer\"}}");
        assertThat(shared.process().args()).containsExactly("sh");
    }

    @Test
    void namespaceModes() {
        Spec s = run("{\"HostConfig\":{\"NetworkMode\":\"container:peer\",\"PidMode\":\"host\",\"UTSMode\":\"host\",\"IpcMode\":\"container:peer\"}}");
        assertThat(s.linux().namespaces()).containsExactly(new Linux.Namespace("mount", null),
                new Linux.Namespace("network", "/proc/4242/ns/net"), new Linux.Namespace("ipc", "/proc/4242/ns/ipc"));
        assertThat(s.hostname()).isNull();
        assertThat(s.linux().sysctl()).isNull(); // the network defaults are for a private netns only
        Spec host = run("{\"HostConfig\":{\"NetworkMode\":\"host\"}}");
        assertThat(host.linux().namespaces()).extracting(Linux.Namespace::type).doesNotContain("network");
        assertThat(host.hostname()).isEqualTo("berth-host");
        assertThat(host.process().env()).contains("HOSTNAME=berth-host");
        assertThat(run("{\"HostConfig\":{\"CgroupnsMode\":\"private\"}}").linux().namespaces())
                .extracting(Linux.Namespace::type).endsWith("cgroup");
    }

    @Test
    void aCgroupV2HostGivesAPrivateCgroupNamespaceByDefault() {
        generator = generator(true);
        assertThat(run("{}").linux().namespaces()).extracting(Linux.Namespace::type).endsWith("cgroup");
        assertThat(run("{\"HostConfig\":{\"Privileged\":true}}").linux().namespaces())
                .extracting(Linux.Namespace::type).endsWith("cgroup");
        assertThat(run("{\"HostConfig\":{\"CgroupnsMode\":\"host\"}}").linux().namespaces())
                .extracting(Linux.Namespace::type).doesNotContain("cgroup");
    }

    @Test
    void resources() {
        Linux.Resources r = run("""
                {"HostConfig":{"Memory":104857600,"NanoCpus":1500000000,"CpuShares":512,"CpusetCpus":"0-1",
                 "CpusetMems":"0","PidsLimit":100,"BlkioWeight":500,"OomKillDisable":true,"MemorySwappiness":10,
                 "MemoryReservation":52428800}}
                """).linux().resources();
        assertThat(r.memory()).isEqualTo(new Linux.Memory(104857600L, 52428800L, 209715200L, null, null, 10L, true, null, null));
        assertThat(r.cpu()).isEqualTo(new Linux.Cpu(512L, 150000L, null, 100000L, null, null, "0-1", "0", null));
        assertThat(r.pids()).isEqualTo(new Linux.Pids(100));
        assertThat(r.blockIO().weight()).isEqualTo(500);
        Linux.Resources r2 = run("{\"HostConfig\":{\"Memory\":104857600,\"MemorySwap\":-1,\"CpuPeriod\":50000,\"CpuQuota\":25000,\"PidsLimit\":0}}")
                .linux().resources();
        assertThat(r2.memory().swap()).isNull();
        assertThat(r2.cpu().period()).isEqualTo(50000L);
        assertThat(r2.cpu().quota()).isEqualTo(25000L);
        assertThat(r2.pids()).isEqualTo(new Linux.Pids(-1));
    }

    @Test
    void ulimitsOomScoreAndSysctls() {
        Spec s = run("{\"HostConfig\":{\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":-1}],\"OomScoreAdj\":500,"
                + "\"Sysctls\":{\"net.ipv4.ip_unprivileged_port_start\":\"1024\",\"kernel.shmmax\":\"1000\",\"fs.mqueue.msg_max\":\"20\"}}}");
        assertThat(s.process().rlimits()).containsExactly(new Spec.Rlimit("RLIMIT_NOFILE", -1, 1024));
        assertThat(s.process().oomScoreAdj()).isEqualTo(500);
        assertThat(s.linux().sysctl()).containsEntry("net.ipv4.ip_unprivileged_port_start", "1024")
                .containsEntry("kernel.shmmax", "1000").containsEntry("net.ipv4.ping_group_range", "0 2147483647");
    }

    @Test
    void devicesAndDeviceCgroupRules() {
        Spec s = run("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":\"/dev/mynull\",\"CgroupPermissions\":\"rw\"}],"
                + "\"DeviceCgroupRules\":[\"c 13:* rwm\",\"a\"]}}");
        assertThat(s.linux().devices()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("/dev/mynull");
            assertThat(d.type()).isEqualTo("c");
            assertThat(d.major()).isEqualTo(1L);
            assertThat(d.minor()).isEqualTo(3L);
        });
        List<Linux.DeviceRule> rules = s.linux().resources().devices();
        assertThat(rules.subList(0, 8)).isEqualTo(ContainerDevices.defaultRules());
        assertThat(rules.subList(8, rules.size())).containsExactly(
                new Linux.DeviceRule(true, "c", 1L, 3L, "rw"),
                new Linux.DeviceRule(true, "c", 13L, -1L, "rwm"),
                new Linux.DeviceRule(true, "a", -1L, -1L, "rwm"));
    }

    @Test
    void cgroupParentAndAnnotations() {
        Spec s = run("{\"HostConfig\":{\"CgroupParent\":\"mine\",\"Annotations\":{\"a\":\"b\"}}}");
        assertThat(s.linux().cgroupsPath()).isEqualTo("/mine/" + ID);
        assertThat(s.annotations()).isEqualTo(Map.of("a", "b"));
    }

}
