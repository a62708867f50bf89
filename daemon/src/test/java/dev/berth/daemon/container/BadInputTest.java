package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refusal, with the line the client sees. */
class BadInputTest extends SpecFixture {

    static Stream<Arguments> refusals() {
        return Stream.of(
                // mounts
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/nope\",\"Target\":\"/x\"}]}}",
                        "invalid mount config for type \"bind\": bind source path does not exist: /nope"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Target\":\"/x\"}]}}",
                        "invalid mount config for type \"bind\": field Source must not be empty"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"rel\",\"Target\":\"/x\"}]}}",
                        "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/\",\"Target\":\"/x\",\"BindOptions\":{\"Propagation\":\"weird\"}}]}}",
                        "invalid mount config for type \"bind\": invalid propagation mode: weird"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"tmpfs\",\"Source\":\"x\",\"Target\":\"/x\"}]}}",
                        "invalid mount config for type \"tmpfs\": field Source must not be specified"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/x\",\"BindOptions\":{}}]}}",
                        "invalid mount config for type \"tmpfs\": field BindOptions must not be specified"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/x\",\"TmpfsOptions\":{\"Options\":[[\"suid\"]]}}]}}",
                        "invalid mount config for type \"tmpfs\": invalid option: suid"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Target\":\"/x\",\"VolumeOptions\":{\"Subpath\":\"a\"}}]}}",
                        "invalid mount config for type \"volume\": must not set Subpath when using anonymous volumes"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"npipe\",\"Target\":\"/x\"}]}}",
                        "invalid mount config for type \"npipe\": mount type unknown"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/\"}]}}",
                        "invalid mount config for type \"tmpfs\": invalid specification: destination can't be '/'"),
                Arguments.of("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"tmpfs\"}]}}",
                        "invalid mount config for type \"tmpfs\": field Target must not be empty"),
                Arguments.of("{\"HostConfig\":{\"Binds\":[\"/a:/b:rw,ro\"]}}", "invalid mode: rw,ro"),
                Arguments.of("{\"HostConfig\":{\"Binds\":[\"/a:rw\"]}}", "invalid volume specification: '/a:rw'"),
                Arguments.of("{\"HostConfig\":{\"Binds\":[\":/b\"]}}", "invalid volume specification: ':/b'"),
                Arguments.of("{\"HostConfig\":{\"Binds\":[\"/a:/b:ro:extra\"]}}", "invalid volume specification: '/a:/b:ro:extra'"),
                Arguments.of("{\"HostConfig\":{\"Binds\":[\"/a:b\"]}}",
                        "invalid volume specification: '/a:b': invalid mount config for type \"bind\": invalid mount path: 'b' mount path must be absolute"),
                Arguments.of("{\"HostConfig\":{\"Binds\":[\"/tmp:/x\",\"/tmp:/x/\"]}}", "Duplicate mount point: /x"),
                Arguments.of("{\"HostConfig\":{\"Tmpfs\":{\"rel\":\"\"}}}", "invalid mount path: 'rel' mount path must be absolute"),
                Arguments.of("{\"HostConfig\":{\"Tmpfs\":{\"/\":\"\"}}}", "invalid specification: destination can't be '/'"),
                Arguments.of("{\"HostConfig\":{\"Tmpfs\":{\"/t\":\"bogus\"}}}", "invalid tmpfs option \"bogus\""),
                // capabilities
                Arguments.of("{\"HostConfig\":{\"CapAdd\":[\"CAP_FOO\"]}}", "invalid CapAdd: unknown capability: \"CAP_FOO\""),
                Arguments.of("{\"HostConfig\":{\"CapDrop\":[\"foo\"]}}", "invalid CapDrop: unknown capability: \"CAP_FOO\""),
                Arguments.of("{\"HostConfig\":{\"CapAdd\":[\"SYS_RESOURCE\"]}}",
                        "invalid CapAdd: capability not supported by your kernel or not available in the current environment: \"CAP_SYS_RESOURCE\""),
                // security options
                Arguments.of("{\"HostConfig\":{\"SecurityOpt\":[\"nonsense\"]}}", "invalid --security-opt 1: \"nonsense\""),
                Arguments.of("{\"HostConfig\":{\"SecurityOpt\":[\"foo=bar\"]}}", "invalid --security-opt 2: \"foo=bar\""),
                Arguments.of("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges=maybe\"]}}", "invalid --security-opt 2: \"no-new-privileges=maybe\""),
                Arguments.of("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=/no/such/profile.json\"]}}",
                        "opening seccomp profile (/no/such/profile.json) failed: open /no/such/profile.json: no such file or directory"),
                // resources
                Arguments.of("{\"HostConfig\":{\"Memory\":1024}}", "Minimum memory limit allowed is 6MB"),
                Arguments.of("{\"HostConfig\":{\"Memory\":104857600,\"MemorySwap\":10485760}}",
                        "Minimum memoryswap limit should be larger than memory limit, see usage"),
                Arguments.of("{\"HostConfig\":{\"MemorySwap\":104857600}}",
                        "You should always set the Memory limit when using Memoryswap limit, see usage"),
                Arguments.of("{\"HostConfig\":{\"MemorySwappiness\":101}}", "Invalid value: 101, valid memory swappiness range is 0-100"),
                Arguments.of("{\"HostConfig\":{\"Memory\":10485760,\"MemoryReservation\":20971520}}",
                        "Minimum memory limit can not be less than memory reservation limit, see usage"),
                Arguments.of("{\"HostConfig\":{\"NanoCpus\":1000000000,\"CpuPeriod\":100000}}",
                        "Conflicting options: Nano CPUs and CPU Period cannot both be set"),
                Arguments.of("{\"HostConfig\":{\"NanoCpus\":1000000000,\"CpuQuota\":100000}}",
                        "Conflicting options: Nano CPUs and CPU Quota cannot both be set"),
                Arguments.of("{\"HostConfig\":{\"NanoCpus\":3000000000}}",
                        "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"),
                Arguments.of("{\"HostConfig\":{\"CpuPeriod\":10}}",
                        "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)"),
                Arguments.of("{\"HostConfig\":{\"CpuQuota\":10}}", "CPU cfs quota can not be less than 1ms (i.e. 1000)"),
                Arguments.of("{\"HostConfig\":{\"CpusetCpus\":\"0-7\"}}", "Requested CPUs are not available - requested 0-7, available: 0-1"),
                Arguments.of("{\"HostConfig\":{\"CpusetCpus\":\"a\"}}", "Invalid value a for cpuset cpus: invalid format: a"),
                Arguments.of("{\"HostConfig\":{\"BlkioWeight\":5}}", "Range of blkio weight is from 10 to 1000"),
                Arguments.of("{\"HostConfig\":{\"OomScoreAdj\":1001}}", "Invalid value 1001, range for oom score adj is [-1000, 1000]"),
                Arguments.of("{\"HostConfig\":{\"ShmSize\":-1}}", "SHM size can not be less than 0"),
                Arguments.of("{\"HostConfig\":{\"Ulimits\":[{\"Name\":\"bogus\",\"Soft\":1,\"Hard\":1}]}}", "invalid ulimit type: bogus"),
                Arguments.of("{\"HostConfig\":{\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":10,\"Hard\":5}]}}",
                        "ulimit soft limit must be less than or equal to hard limit: 10 > 5"),
                // devices
                Arguments.of("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/nope\",\"PathInContainer\":\"/dev/nope\",\"CgroupPermissions\":\"rwm\"}]}}",
                        "error gathering device information while adding custom device \"/dev/nope\": no such file or directory"),
                Arguments.of("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/null\",\"CgroupPermissions\":\"rwx\"}]}}",
                        "bad mode specified: rwx"),
                Arguments.of("{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3\"]}}", "invalid device cgroup rule format: 'c 1:3'"),
                // namespaces and sysctls
                Arguments.of("{\"HostConfig\":{\"PidMode\":\"bogus\"}}", "invalid PID mode: bogus"),
                Arguments.of("{\"HostConfig\":{\"IpcMode\":\"bogus\"}}", "invalid IPC mode: bogus"),
                Arguments.of("{\"HostConfig\":{\"UTSMode\":\"private\"}}", "invalid UTS mode: private"),
                Arguments.of("{\"HostConfig\":{\"CgroupnsMode\":\"shared\"}}", "invalid cgroup namespace mode: shared"),
                Arguments.of("{\"HostConfig\":{\"NetworkMode\":\"container:gone\"}}", "cannot join network of a non running container: gone"),
                Arguments.of("{\"HostConfig\":{\"PidMode\":\"container:gone\"}}", "cannot join PID of a non running container: gone"),
                Arguments.of("{\"HostConfig\":{\"Sysctls\":{\"kernel.panic\":\"1\"}}}", "sysctl \"kernel.panic\" is not in a separate kernel namespace"),
                Arguments.of("{\"HostConfig\":{\"NetworkMode\":\"host\",\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"}}}",
                        "sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace"),
                Arguments.of("{\"HostConfig\":{\"IpcMode\":\"host\",\"Sysctls\":{\"kernel.shmmax\":\"1\"}}}",
                        "sysctl \"kernel.shmmax\" is not allowed in the hosts ipc namespace"),
                Arguments.of("{\"HostConfig\":{\"Sysctls\":{\"kernel.hostname\":\"x\"}}}",
                        "sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field"),
                Arguments.of("{\"HostConfig\":{\"UTSMode\":\"host\",\"Sysctls\":{\"kernel.domainname\":\"x\"}}}",
                        "sysctl \"kernel.domainname\" is not in a separate kernel namespace"),
                // restart policy, --rm, --add-host
                Arguments.of("{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"sometimes\"}}}",
                        "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"),
                Arguments.of("{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"always\",\"MaximumRetryCount\":3}}}",
                        "invalid restart policy: maximum retry count can only be used with 'on-failure'"),
                Arguments.of("{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":-1}}}",
                        "invalid restart policy: maximum retry count cannot be negative"),
                Arguments.of("{\"HostConfig\":{\"AutoRemove\":true,\"RestartPolicy\":{\"Name\":\"always\"}}}",
                        "can't create 'AutoRemove' container with restart policy"),
                Arguments.of("{\"HostConfig\":{\"ExtraHosts\":[\"nohost\"]}}", "bad format for add-host: \"nohost\""),
                Arguments.of("{\"HostConfig\":{\"ExtraHosts\":[\"h:not-an-ip\"]}}", "invalid IP address in add-host: \"not-an-ip\""),
                // namespace conflicts
                Arguments.of("{\"Hostname\":\"h\",\"HostConfig\":{\"UTSMode\":\"host\"}}", "conflicting options: hostname and the UTS mode"),
                Arguments.of("{\"Domainname\":\"d\",\"HostConfig\":{\"UTSMode\":\"host\"}}", "conflicting options: domainname and the UTS mode"),
                Arguments.of("{\"Hostname\":\"h\",\"HostConfig\":{\"NetworkMode\":\"container:peer\"}}", "conflicting options: hostname and the network mode"),
                Arguments.of("{\"HostConfig\":{\"NetworkMode\":\"container:peer\",\"Dns\":[\"1.1.1.1\"]}}", "conflicting options: dns and the network mode"),
                Arguments.of("{\"HostConfig\":{\"NetworkMode\":\"container:peer\",\"ExtraHosts\":[\"a:1.2.3.4\"]}}",
                        "conflicting options: custom host-to-IP mapping and the network mode"),
                Arguments.of("{\"ExposedPorts\":{\"80/tcp\":{}},\"HostConfig\":{\"NetworkMode\":\"container:peer\"}}",
                        "conflicting options: port exposing and the container type network mode"),
                // the container config
                Arguments.of("{\"Entrypoint\":[\"\"]}", "no command specified"),
                Arguments.of("{\"WorkingDir\":\"rel\"}", "the working directory 'rel' is invalid, it needs to be an absolute path"),
                Arguments.of("{\"StopSignal\":\"SIGFOO\"}", "Invalid signal: SIGFOO"),
                Arguments.of("{\"User\":\"ghost:wheel\"}", "unable to find user ghost: no matching entries in passwd file"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refused(String json, String message) {
        assertThatThrownBy(() -> run(json)).isInstanceOf(InvalidContainerConfigException.class).hasMessage(message);
    }

    @Test
    void initWithoutTiniOnTheHost() throws IOException {
        Files.delete(tini);
        generator = new SpecGenerator(new HostProfile(HELD, java.util.List.of(), false, null,
                dev.berth.runtime.seccomp.Arch.X86_64, dev.berth.runtime.seccomp.DockerSeccompProfile.KernelVersion.parse("6.1"),
                2, "h", java.util.List.of(), java.util.Map.of()), VolumeResolver.none(), ContainerPids.none());
        assertThatThrownBy(() -> run("{\"HostConfig\":{\"Init\":true}}"))
                .hasMessage("exec: \"docker-init\": executable file not found in $PATH");
        assertThatThrownBy(() -> run("{\"Volumes\":{\"/data\":{}}}")).hasMessage("volumes are not supported yet: /data");
        assertThatThrownBy(() -> run("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp={not json\"]}}"))
                .hasMessageStartingWith("Decoding seccomp profile failed: ");
    }
}
