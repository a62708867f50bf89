package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.berth.runtime.seccomp.TestProfiles.AARCH64;
import static dev.berth.runtime.seccomp.TestProfiles.ALLOW;
import static dev.berth.runtime.seccomp.TestProfiles.ARM;
import static dev.berth.runtime.seccomp.TestProfiles.ENOSYS;
import static dev.berth.runtime.seccomp.TestProfiles.EPERM;
import static dev.berth.runtime.seccomp.TestProfiles.I386;
import static dev.berth.runtime.seccomp.TestProfiles.X86_64;
import static dev.berth.runtime.seccomp.TestProfiles.nr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Docker's default profile, turned into OCI form for a container and compiled. */
class DockerSeccompProfileTest {

    /** Docker's default capability set (moby's {@code caps.DefaultCapabilities}). */
    static final Set<String> DOCKER_CAPS = Set.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    static final DockerSeccompProfile.KernelVersion KERNEL = new DockerSeccompProfile.KernelVersion(6, 8);

    private static final long CLONE_NEWNS = 0x00020000L;
    private static final long CLONE_NEWUSER = 0x10000000L;
    private static final long SIGCHLD = 17;

    private static Linux.Seccomp oci(Set<String> caps, Arch arch, DockerSeccompProfile.KernelVersion kernel)
            throws SeccompException {
        return DockerSeccompProfile.defaultProfile().toOci(caps, arch, kernel).orElseThrow();
    }

    private static BpfProgram compiled(Set<String> caps) throws SeccompException {
        return new SeccompCompiler().compile(oci(caps, Arch.X86_64, KERNEL), Arch.X86_64);
    }

    @Test
    void amd64GetsItsSubArchitecturesAndCapabilityRules() throws SeccompException {
        Linux.Seccomp p = oci(DOCKER_CAPS, Arch.X86_64, KERNEL);

        assertThat(p.defaultAction()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(p.defaultErrnoRet()).isEqualTo(1);
        assertThat(p.architectures()).containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        assertThat(p.flags()).isNull();
        List<String> names = p.syscalls().stream().flatMap(s -> s.names().stream()).toList();
        assertThat(names).contains("read", "arch_prctl", "modify_ldt", "chroot", "ptrace", "clone", "clone3")
                .doesNotContain("mount", "unshare", "reboot", "s390_runtime_instr", "riscv_flush_icache", "set_tls");
        assertThat(p.syscalls()).filteredOn(s -> s.names().equals(List.of("clone3")))
                .singleElement().satisfies(s -> assertThat(s.errnoRet()).isEqualTo(38));
    }

    @Test
    void defaultProfileOnX86_64DecidesLikeDocker() throws SeccompException {
        BpfProgram program = compiled(DOCKER_CAPS);
        BpfInterpreter bpf = new BpfInterpreter(program.toBytes());
        int clone = nr(Arch.X86_64, "clone");
        int personality = nr(Arch.X86_64, "personality");
        int socket = nr(Arch.X86_64, "socket");

        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "read"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "write"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "execve"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "arch_prctl"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "chroot"))).isEqualTo(ALLOW); // CAP_SYS_CHROOT
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "ptrace"))).isEqualTo(ALLOW); // minKernel 4.8

        assertThat(bpf.run(X86_64, clone, SIGCHLD)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, clone, 0x003d0f00L | SIGCHLD)).isEqualTo(ALLOW); // pthread_create's flags
        assertThat(bpf.run(X86_64, clone, CLONE_NEWUSER | SIGCHLD)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, clone, CLONE_NEWNS)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, clone, 0x1_0000_0000L | SIGCHLD)).isEqualTo(ALLOW); // outside the mask
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "clone3"))).isEqualTo(ENOSYS);

        for (long allowed : new long[] {0, 8, 0x20000, 0x20008, 0xffff_ffffL}) {
            assertThat(bpf.run(X86_64, personality, allowed)).as("personality 0x%x", allowed).isEqualTo(ALLOW);
        }
        assertThat(bpf.run(X86_64, personality, 1)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, personality, 0x1_ffff_ffffL)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, personality, -1L)).isEqualTo(EPERM);

        assertThat(bpf.run(X86_64, socket, 2)).isEqualTo(ALLOW); // AF_INET
        assertThat(bpf.run(X86_64, socket, 38)).isEqualTo(EPERM); // AF_ALG
        assertThat(bpf.run(X86_64, socket, 39)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, socket, 40)).isEqualTo(EPERM); // AF_VSOCK
        assertThat(bpf.run(X86_64, socket, 41)).isEqualTo(ALLOW);

        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "mount"))).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "umount2"))).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "unshare"))).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "setns"))).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "kexec_load"))).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "open_by_handle_at"))).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, 999)).isEqualTo(ENOSYS); // newer than anything the profile names

        // i386 and x32 programs get the same policy in their own numbering
        assertThat(bpf.run(I386, nr(Arch.X86, "socketcall"))).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, nr(Arch.X86, "execve"))).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, nr(Arch.X86, "mount"))).isEqualTo(EPERM);
        assertThat(bpf.run(I386, nr(Arch.X86, "clone"), CLONE_NEWUSER)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr(Arch.X32, "read"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X32, "execve"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X32, "mount"))).isEqualTo(EPERM);

        assertThat(bpf.run(AARCH64, 56)).isEqualTo(SeccompReturn.KILL_THREAD);

        assertThat(program.size()).isLessThan(BpfProgram.MAX_INSTRUCTIONS);
        assertThat(program.flags()).isEqualTo(SeccompFlags.SPEC_ALLOW);
        // Newer than the Linux 6.1 tables: Docker's profile is ahead of our headers.
        assertThat(program.unknownSyscalls()).contains("mseal", "fchmodat2").doesNotContain("read", "socketcall");
    }

    @Test
    void capSysAdminUnlocksMountAndNamespaces() throws SeccompException {
        Set<String> caps = new HashSet<>(DOCKER_CAPS);
        caps.add("SYS_ADMIN"); // without the prefix, as docker run --cap-add takes it
        BpfInterpreter bpf = new BpfInterpreter(compiled(caps).toBytes());

        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "mount"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "unshare"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "clone"), CLONE_NEWUSER)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "clone3"))).isEqualTo(ALLOW);
    }

    @Test
    void minKernelIsComparedAsMajorMinor() throws SeccompException {
        Linux.Seccomp old = oci(DOCKER_CAPS, Arch.X86_64, DockerSeccompProfile.KernelVersion.parse("4.4.0-210-generic"));
        BpfInterpreter bpf = new BpfInterpreter(new SeccompCompiler().compile(old, Arch.X86_64).toBytes());
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "ptrace"))).isEqualTo(EPERM);

        assertThat(DockerSeccompProfile.KernelVersion.parse("4.8").compareTo(KERNEL)).isNegative();
        assertThat(DockerSeccompProfile.KernelVersion.parse("6.18.44-fc-v669"))
                .isEqualTo(new DockerSeccompProfile.KernelVersion(6, 18));
        assertThat(DockerSeccompProfile.KernelVersion.parse("4.10")).isGreaterThan(DockerSeccompProfile.KernelVersion.parse("4.8"));
    }

    @Test
    void arm64GetsArmAsSubArchitecture() throws SeccompException {
        Linux.Seccomp p = oci(DOCKER_CAPS, Arch.AARCH64, KERNEL);
        assertThat(p.architectures()).containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
        BpfProgram program = new SeccompCompiler().compile(p, Arch.AARCH64);
        BpfInterpreter bpf = new BpfInterpreter(program.toBytes());

        assertThat(bpf.run(AARCH64, nr(Arch.AARCH64, "openat"))).isEqualTo(ALLOW);
        assertThat(bpf.run(AARCH64, nr(Arch.AARCH64, "clone"), CLONE_NEWUSER)).isEqualTo(EPERM);
        assertThat(bpf.run(AARCH64, nr(Arch.AARCH64, "clone"), SIGCHLD)).isEqualTo(ALLOW);
        assertThat(bpf.run(AARCH64, nr(Arch.AARCH64, "mount"))).isEqualTo(EPERM);
        assertThat(bpf.run(ARM, nr(Arch.ARM, "set_tls"))).isEqualTo(ALLOW);
        assertThat(bpf.run(ARM, nr(Arch.ARM, "cacheflush"))).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, 0)).isEqualTo(SeccompReturn.KILL_THREAD);
        assertThat(program.size()).isLessThan(BpfProgram.MAX_INSTRUCTIONS);
    }

    @Test
    void parsesDockerSpecificFieldsAndRefusesContradictions() throws SeccompException {
        String json = """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "architectures": ["SCMP_ARCH_X86_64"],
                 "syscalls": [
                   {"name": "mount", "action": "SCMP_ACT_ERRNO", "comment": "single name form",
                    "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                   {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                    "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]},
                   {"names": ["reboot"], "action": "SCMP_ACT_KILL", "includes": {"arches": ["arm64"]}}
                 ]}""";
        Linux.Seccomp p = DockerSeccompProfile.parse(json.getBytes(StandardCharsets.UTF_8))
                .toOci(Set.of(), Arch.X86_64, KERNEL).orElseThrow();
        assertThat(p.architectures()).containsExactly("SCMP_ARCH_X86_64");
        assertThat(p.syscalls()).hasSize(2);
        assertThat(p.syscalls().get(0).names()).containsExactly("mount");
        assertThat(p.syscalls().get(1).args().getFirst().value()).isEqualTo(-1L);

        BpfInterpreter bpf = new BpfInterpreter(new SeccompCompiler().compile(p, Arch.X86_64).toBytes());
        assertThat(bpf.run(X86_64, 135, -1L)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, 135, 0xffff_ffffL)).isEqualTo(ALLOW);

        assertThat(DockerSeccompProfile.parse("{}".getBytes(StandardCharsets.UTF_8))
                .toOci(Set.of(), Arch.X86_64, KERNEL)).isEmpty();
        assertThatThrownBy(() -> DockerSeccompProfile.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
                 "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}""".getBytes(StandardCharsets.UTF_8))
                .toOci(Set.of(), Arch.X86_64, KERNEL))
                .hasMessageContaining("both 'architectures' and 'archMap'");
        assertThatThrownBy(() -> DockerSeccompProfile.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"name": "a", "names": ["b"], "action": "SCMP_ACT_ERRNO"}]}"""
                .getBytes(StandardCharsets.UTF_8)).toOci(Set.of(), Arch.X86_64, KERNEL))
                .hasMessageContaining("both 'name' and 'names'");
        assertThatThrownBy(() -> DockerSeccompProfile.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
                  "args": [{"index": 0, "value": 18446744073709551616, "op": "SCMP_CMP_EQ"}]}]}"""
                .getBytes(StandardCharsets.UTF_8)).toOci(Set.of(), Arch.X86_64, KERNEL))
                .hasMessageContaining("is not an unsigned 64-bit number");
        assertThatThrownBy(() -> DockerSeccompProfile.parse("{\"defaultAction\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SeccompException.class)
                .hasMessageStartingWith("seccomp: docker profile: ");
    }
}
