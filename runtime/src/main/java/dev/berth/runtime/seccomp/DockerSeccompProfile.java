package dev.berth.runtime.seccomp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.oci.runtime.Linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A seccomp profile in Docker's format, and its translation into the OCI form for one
 * container, as moby's {@code profiles/seccomp.setupSeccomp} does it.
 *
 * <p>Docker's format is the OCI one plus conditions evaluated when a container is created:
 * {@code archMap} names the architectures to filter for each native one (an amd64 host also
 * runs i386 and x32 code), and each rule may carry {@code includes} and {@code excludes} on the
 * container's capabilities, the host architecture and the kernel version ({@code minKernel},
 * "major.minor"). A rule is kept when no exclude matches and every include holds; includes of
 * several capabilities need all of them. This is how the default profile lets a container with
 * {@code CAP_SYS_ADMIN} call {@code mount} while everyone else gets {@code EPERM}.
 *
 * <p>{@link #defaultProfile()} is Docker's own default ({@code docker-default.json}, copied
 * unchanged from moby), which the daemon applies to containers that do not choose another.
 */
public final class DockerSeccompProfile {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    record Profile(String defaultAction, Integer defaultErrnoRet, List<String> architectures,
            List<ArchMapEntry> archMap, List<String> flags, String listenerPath,
            String listenerMetadata, List<Rule> syscalls) {}

    record ArchMapEntry(String architecture, List<String> subArchitectures) {}

    record Rule(String name, List<String> names, String action, Integer errnoRet, List<Arg> args,
            Filter includes, Filter excludes) {}

    record Filter(List<String> caps, List<String> arches, String minKernel) {}

    record Arg(int index, BigInteger value, BigInteger valueTwo, String op) {}

    /** A kernel version as Docker compares them: major and minor, the rest ignored. */
    public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {
        private static final Pattern RELEASE = Pattern.compile("^(\\d+)(?:\\.(\\d+))?");

        /** Parses a release such as {@code 6.8.0-45-generic} or a {@code minKernel} like {@code 4.8}. */
        public static KernelVersion parse(String release) {
            Matcher m = RELEASE.matcher(release == null ? "" : release.strip());
            if (!m.find()) {
                throw new IllegalArgumentException("invalid kernel version \"" + release + "\"");
            }
            return new KernelVersion(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
        }

        /** The running kernel, from {@code os.version} ({@code uname -r}). */
        public static KernelVersion host() {
            return parse(System.getProperty("os.version"));
        }

        @Override
        public int compareTo(KernelVersion o) {
            return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
        }
    }

    private final Profile profile;

    private DockerSeccompProfile(Profile profile) {
        this.profile = profile;
    }

    /** Parses a profile in Docker's JSON format. */
    public static DockerSeccompProfile parse(byte[] json) throws SeccompException {
        try {
            Profile p = JSON.readValue(json, Profile.class);
            if (p == null) {
                throw new SeccompException("docker profile: empty document");
            }
            return new DockerSeccompProfile(p);
        } catch (JacksonException e) {
            throw new SeccompException("docker profile: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Docker's default profile, as shipped with moby; parsed once. */
    public static DockerSeccompProfile defaultProfile() {
        return DefaultHolder.PROFILE;
    }

    private static final class DefaultHolder {
        static final DockerSeccompProfile PROFILE = load();
    }

    private static DockerSeccompProfile load() {
        try (InputStream in = DockerSeccompProfile.class.getResourceAsStream("docker-default.json")) {
            if (in == null) {
                throw new IllegalStateException("missing resource docker-default.json");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("read docker-default.json", e);
        } catch (SeccompException e) {
            throw new IllegalStateException("bundled docker-default.json is invalid", e);
        }
    }

    /**
     * The OCI profile for one container; empty when the profile has neither a default action
     * nor rules, which Docker takes to mean "no seccomp".
     *
     * @param capabilities the container's capabilities ({@code CAP_SYS_ADMIN} or {@code SYS_ADMIN});
     *                     moby looks at the bounding set, which Docker makes equal to the others
     * @param nativeArch   the host's architecture
     * @param kernel       the host's kernel, for {@code minKernel}
     */
    public Optional<Linux.Seccomp> toOci(Set<String> capabilities, Arch nativeArch, KernelVersion kernel)
            throws SeccompException {
        List<Rule> rules = profile.syscalls() == null ? List.of() : profile.syscalls();
        if ((profile.defaultAction() == null || profile.defaultAction().isEmpty()) && rules.isEmpty()) {
            return Optional.empty();
        }
        boolean hasArchitectures = profile.architectures() != null && !profile.architectures().isEmpty();
        boolean hasArchMap = profile.archMap() != null && !profile.archMap().isEmpty();
        if (hasArchitectures && hasArchMap) {
            throw new SeccompException("docker profile: both 'architectures' and 'archMap' are specified, use one");
        }
        List<String> architectures = new ArrayList<>();
        if (hasArchitectures) {
            architectures.addAll(profile.architectures());
        }
        for (ArchMapEntry entry : hasArchMap ? profile.archMap() : List.<ArchMapEntry>of()) {
            if (nativeArch.scmpName().equals(entry.architecture())) {
                architectures.add(entry.architecture());
                if (entry.subArchitectures() != null) {
                    architectures.addAll(entry.subArchitectures());
                }
                break;
            }
        }
        Set<String> caps = capabilities.stream().map(DockerSeccompProfile::capName).collect(Collectors.toSet());
        List<Linux.Syscall> syscalls = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            String what = "docker profile: syscalls[" + i + "]";
            if (applies(rule, caps, nativeArch.dockerName(), kernel, what)) {
                syscalls.add(toOci(rule, what));
            }
        }
        return Optional.of(new Linux.Seccomp(profile.defaultAction(), profile.defaultErrnoRet(),
                architectures.isEmpty() ? null : List.copyOf(architectures),
                profile.flags() == null || profile.flags().isEmpty() ? null : List.copyOf(profile.flags()),
                profile.listenerPath(), profile.listenerMetadata(), List.copyOf(syscalls)));
    }

    private static boolean applies(Rule rule, Set<String> caps, String arch, KernelVersion kernel, String what)
            throws SeccompException {
        Filter ex = rule.excludes();
        if (ex != null) {
            if (contains(ex.arches(), arch)
                    || (ex.caps() != null && ex.caps().stream().anyMatch(caps::contains))
                    || (ex.minKernel() != null && kernel.compareTo(minKernel(ex.minKernel(), what)) >= 0)) {
                return false;
            }
        }
        Filter in = rule.includes();
        if (in != null) {
            if ((in.arches() != null && !in.arches().isEmpty() && !in.arches().contains(arch))
                    || (in.caps() != null && !caps.containsAll(in.caps()))
                    || (in.minKernel() != null && kernel.compareTo(minKernel(in.minKernel(), what)) < 0)) {
                return false;
            }
        }
        return true;
    }

    private static Linux.Syscall toOci(Rule rule, String what) throws SeccompException {
        boolean hasName = rule.name() != null && !rule.name().isEmpty();
        boolean hasNames = rule.names() != null && !rule.names().isEmpty();
        if (hasName && hasNames) {
            throw new SeccompException(what + ": both 'name' and 'names' are specified, use one");
        }
        List<Linux.SeccompArg> args = null;
        if (rule.args() != null && !rule.args().isEmpty()) {
            args = new ArrayList<>();
            for (Arg a : rule.args()) {
                args.add(new Linux.SeccompArg(a.index(), uint64(a.value(), what), uint64(a.valueTwo(), what), a.op()));
            }
        }
        return new Linux.Syscall(hasName ? List.of(rule.name()) : List.copyOf(hasNames ? rule.names() : List.of()),
                rule.action(), rule.errnoRet(), args);
    }

    private static long uint64(BigInteger v, String what) throws SeccompException {
        if (v == null) {
            return 0;
        }
        if (v.signum() < 0 || v.compareTo(TWO_TO_64) >= 0) {
            throw new SeccompException(what + ": argument value " + v + " is not an unsigned 64-bit number");
        }
        return v.longValue();
    }

    private static KernelVersion minKernel(String v, String what) throws SeccompException {
        if (!v.matches("\\d+(\\.\\d+)?")) {
            throw new SeccompException(what + ": invalid minKernel \"" + v + "\", want major.minor");
        }
        return KernelVersion.parse(v);
    }

    private static boolean contains(List<String> list, String s) {
        return list != null && list.contains(s);
    }

    private static String capName(String cap) {
        String upper = cap.toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    }
}
