package dev.berth.daemon.container;

import dev.berth.oci.runtime.Linux;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A container's device nodes ({@code linux.devices}) and device cgroup rules
 * ({@code linux.resources.devices}), as dockerd's {@code WithDevices} makes them.
 *
 * <p>By default the container gets no nodes beyond the runtime's standard ones
 * ({@code /dev/null}, {@code zero}, {@code full}, {@code random}, {@code urandom}, {@code tty},
 * which the runtime always creates) and moby's default rules: deny everything, then allow those
 * standard devices and {@code /dev/console}, and deny {@code /dev/net/tun} explicitly.
 * {@code --device} adds host nodes (a directory adds every node under it) with the access it
 * names; {@code --device-cgroup-rule} adds rules. {@code --privileged} gets every host device
 * and a rule that allows all.
 */
final class ContainerDevices {
    private static final Pattern RULE = Pattern.compile("^([acb]) ([0-9]+|\\*):([0-9]+|\\*) ([rwm]{1,3})$");
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    record Result(List<Linux.Device> devices, List<Linux.DeviceRule> rules) {}

    private ContainerDevices() {}

    /** moby's {@code DefaultLinuxSpec} device rules, in its order. */
    static List<Linux.DeviceRule> defaultRules() {
        return List.of(
                new Linux.DeviceRule(false, null, null, null, "rwm"),
                new Linux.DeviceRule(true, "c", 1L, 5L, "rwm"),    // /dev/zero
                new Linux.DeviceRule(true, "c", 1L, 3L, "rwm"),    // /dev/null
                new Linux.DeviceRule(true, "c", 1L, 9L, "rwm"),    // /dev/urandom
                new Linux.DeviceRule(true, "c", 1L, 8L, "rwm"),    // /dev/random
                new Linux.DeviceRule(true, "c", 5L, 0L, "rwm"),    // /dev/tty
                new Linux.DeviceRule(true, "c", 5L, 1L, "rwm"),    // /dev/console
                new Linux.DeviceRule(false, "c", 10L, 229L, "rwm")); // /dev/net/tun
    }

    static Result build(HostConfig hc, List<Linux.Device> hostDevices) {
        List<Linux.Device> devices = new ArrayList<>();
        List<Linux.DeviceRule> rules = new ArrayList<>();
        List<HostConfig.DeviceMapping> mappings = hc.devices() == null ? List.of() : hc.devices();
        if (hc.isPrivileged()) {
            devices.addAll(hostDevices);
            for (HostConfig.DeviceMapping m : mappings) {
                String inContainer = inContainer(m);
                if (!inContainer.equals(m.pathOnHost())) { // the same path is already there
                    devices.addAll(fromPath(m.pathOnHost(), inContainer));
                }
            }
            rules.add(new Linux.DeviceRule(true, null, null, null, "rwm"));
            return new Result(List.copyOf(devices), List.copyOf(rules));
        }
        rules.addAll(defaultRules());
        for (HostConfig.DeviceMapping m : mappings) {
            String access = m.cgroupPermissions() == null || m.cgroupPermissions().isEmpty() ? "rwm" : m.cgroupPermissions();
            if (!access.matches("[rwm]{1,3}")) {
                throw new InvalidContainerConfigException("bad mode specified: " + access);
            }
            for (Linux.Device d : fromPath(m.pathOnHost(), inContainer(m))) {
                devices.add(d);
                rules.add(new Linux.DeviceRule(true, d.type(), d.major(), d.minor(), access));
            }
        }
        for (String rule : hc.deviceCgroupRules() == null ? List.<String>of() : hc.deviceCgroupRules()) {
            rules.add(rule(rule));
        }
        return new Result(List.copyOf(devices), List.copyOf(rules));
    }

    /** {@code --device-cgroup-rule}: {@code type major:minor access}, {@code *} for any; {@code a} alone means all. */
    static Linux.DeviceRule rule(String raw) {
        Matcher m = RULE.matcher(raw.equals("a") ? "a *:* rwm" : raw);
        if (!m.matches()) {
            throw new InvalidContainerConfigException("invalid device cgroup rule format: '" + raw + "'");
        }
        return new Linux.DeviceRule(true, m.group(1), number(m.group(2)), number(m.group(3)), m.group(4));
    }

    private static Long number(String s) {
        return s.equals("*") ? -1L : Long.parseLong(s);
    }

    private static String inContainer(HostConfig.DeviceMapping m) {
        if (m.pathOnHost() == null || m.pathOnHost().isEmpty()) {
            throw new InvalidContainerConfigException("invalid device mapping: PathOnHost must not be empty");
        }
        return m.pathInContainer() == null || m.pathInContainer().isEmpty() ? m.pathOnHost() : m.pathInContainer();
    }

    /** moby's {@code DevicesFromPath}: a node, or every node under a directory. */
    static List<Linux.Device> fromPath(String pathOnHost, String pathInContainer) {
        Path host = Path.of(pathOnHost);
        try {
            Optional<Linux.Device> one = node(host, pathInContainer);
            if (one.isPresent()) {
                return List.of(one.get());
            }
            if (Files.isDirectory(host)) {
                List<Linux.Device> out = walk(host, pathInContainer);
                if (!out.isEmpty()) {
                    return out;
                }
            }
            throw gathering(pathOnHost, "not a device node");
        } catch (NoSuchFileException e) {
            throw gathering(pathOnHost, "no such file or directory");
        } catch (IOException e) {
            throw gathering(pathOnHost, e.getMessage());
        }
    }

    /** Every device node under {@code dir}, named as under {@code containerDir}; symlinks are not followed. */
    static List<Linux.Device> walk(Path dir, String containerDir) throws IOException {
        List<Linux.Device> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String rel = dir.relativize(p).toString();
                String inContainer = rel.isEmpty() ? containerDir : containerDir + "/" + rel;
                try {
                    node(p, inContainer).ifPresent(out::add);
                } catch (IOException e) {
                    // a node that vanished or cannot be read is left out, as moby does
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** The device at {@code host} (a char or block node), without following a symlink. */
    static Optional<Linux.Device> node(Path host, String inContainer) throws IOException {
        Map<String, Object> a = Files.readAttributes(host, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        String type = switch (mode & S_IFMT) {
            case S_IFCHR -> "c";
            case S_IFBLK -> "b";
            default -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        long rdev = (Long) a.get("rdev");
        // glibc's gnu_dev_major/minor
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & 0xfffff000L);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & 0xffffff00L);
        return Optional.of(new Linux.Device(type, inContainer, major, minor, mode & 07777,
                ((Integer) a.get("uid")).longValue(), ((Integer) a.get("gid")).longValue()));
    }

    private static InvalidContainerConfigException gathering(String path, String reason) {
        return new InvalidContainerConfigException("error gathering device information while adding custom device \""
                + path + "\": " + reason);
    }
}
