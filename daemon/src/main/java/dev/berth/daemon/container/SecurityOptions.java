package dev.berth.daemon.container;

import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Linux;
import dev.berth.runtime.seccomp.Arch;
import dev.berth.runtime.seccomp.DockerSeccompProfile;
import dev.berth.runtime.seccomp.SeccompException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code HostConfig.SecurityOpt} ({@code docker run --security-opt}), read as dockerd's
 * {@code parseSecurityOpt} reads it: {@code no-new-privileges[=bool]},
 * {@code seccomp=unconfined|builtin|<profile>}, {@code systempaths=unconfined}, and the
 * {@code label=…} and {@code apparmor=…} options, which are accepted and have no effect because
 * Berth applies neither SELinux nor AppArmor (dockerd does the same on a host without them).
 * {@code key:value} is still read as {@code key=value}, as dockerd does.
 *
 * <p>The docker CLI reads a {@code seccomp=<file>} itself and sends the file's JSON; Berth also
 * accepts a path to a file on the daemon's host, for callers that are not the docker CLI.
 *
 * @param seccompProfile null for Docker's default profile, {@code unconfined}, or a profile's JSON
 */
public record SecurityOptions(boolean noNewPrivileges, String seccompProfile, boolean unconfinedSystemPaths) {
    static final String UNCONFINED = "unconfined";

    public static SecurityOptions parse(List<String> options) {
        boolean nnp = false;
        String seccomp = null;
        boolean systemPaths = false;
        for (String opt : options == null ? List.<String>of() : options) {
            if (opt.equals("no-new-privileges")) {
                nnp = true;
                continue;
            }
            if (opt.equals("disable")) {
                continue; // label disable, without the "label=" (old form)
            }
            int sep = opt.indexOf('=');
            if (sep < 0) {
                sep = opt.indexOf(':');
            }
            if (sep < 0) {
                throw new InvalidContainerConfigException("invalid --security-opt 1: \"" + opt + "\"");
            }
            String key = opt.substring(0, sep);
            String value = opt.substring(sep + 1);
            switch (key) {
                case "label", "apparmor" -> { }
                case "seccomp" -> seccomp = value.equals("builtin") ? null : value;
                case "no-new-privileges" -> nnp = bool(value, opt);
                case "systempaths" -> {
                    if (!value.equals(UNCONFINED)) {
                        throw new InvalidContainerConfigException("invalid --security-opt 2: \"" + opt + "\"");
                    }
                    systemPaths = true;
                }
                default -> throw new InvalidContainerConfigException("invalid --security-opt 2: \"" + opt + "\"");
            }
        }
        return new SecurityOptions(nnp, seccomp, systemPaths);
    }

    /**
     * The seccomp profile for a container with these capabilities, as dockerd's
     * {@code WithSeccomp}: none for {@code unconfined} and for privileged containers, else the
     * chosen profile (Docker's default unless another was given), whose conditional rules depend
     * on the container's capabilities, the architecture and the kernel.
     */
    public Optional<Linux.Seccomp> seccomp(boolean privileged, List<Capability> caps, Arch arch,
            DockerSeccompProfile.KernelVersion kernel) {
        if (privileged || UNCONFINED.equals(seccompProfile)) {
            return Optional.empty();
        }
        DockerSeccompProfile profile = seccompProfile == null ? DockerSeccompProfile.defaultProfile() : custom();
        Set<String> names = caps.stream().map(Capability::name).collect(Collectors.toSet());
        try {
            return profile.toOci(names, arch, kernel);
        } catch (SeccompException e) {
            throw new InvalidContainerConfigException("Decoding seccomp profile failed: " + e.getMessage(), e);
        }
    }

    private DockerSeccompProfile custom() {
        byte[] json;
        if (seccompProfile.stripLeading().startsWith("{")) {
            json = seccompProfile.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                json = Files.readAllBytes(Path.of(seccompProfile));
            } catch (NoSuchFileException e) {
                throw new InvalidContainerConfigException("opening seccomp profile (" + seccompProfile
                        + ") failed: open " + seccompProfile + ": no such file or directory", e);
            } catch (IOException | RuntimeException e) {
                throw new InvalidContainerConfigException("opening seccomp profile (" + seccompProfile + ") failed: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
            }
        }
        try {
            return DockerSeccompProfile.parse(json);
        } catch (SeccompException e) {
            throw new InvalidContainerConfigException("Decoding seccomp profile failed: " + e.getMessage(), e);
        }
    }

    private static boolean bool(String value, String opt) {
        // Go's strconv.ParseBool
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "t", "true" -> true;
            case "0", "f", "false" -> false;
            default -> throw new InvalidContainerConfigException("invalid --security-opt 2: \"" + opt + "\"");
        };
    }
}
