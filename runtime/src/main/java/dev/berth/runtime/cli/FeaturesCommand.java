package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;

import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Features;
import dev.berth.oci.runtime.NamespaceType;
import dev.berth.oci.runtime.OciJson;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code features}: what this runtime implements (features.md), as JSON. */
final class FeaturesCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("features", "show the enabled features");
    }

    @Override
    public int call(Invocation in) {
        List<String> flags = List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        Features f = new Features("1.0.0", "1.2.1",
                List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"),
                List.of("acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
                        "lazytime", "loud", "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec",
                        "nolazytime", "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow",
                        "private", "rbind", "relatime", "remount", "ro", "rprivate", "rshared", "rslave",
                        "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "symfollow",
                        "sync", "unbindable"),
                new Features.LinuxFeatures(
                        Arrays.stream(NamespaceType.values()).map(NamespaceType::specName).toList(),
                        Arrays.stream(Capability.values()).map(Capability::name).toList(),
                        new Features.Cgroup(true, true, false, false, false),
                        new Features.Seccomp(true,
                                List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                        "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"),
                                List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                                        "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"),
                                List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"),
                                flags, flags),
                        new Features.Apparmor(false), new Features.Selinux(false),
                        new Features.IntelRdt(false, false, false), null, null, null),
                Map.of("dev.berth.runtime.version", "0.1.0"), null);
        System.out.println(OciJson.writePretty(f));
        return 0;
    }
}
