package dev.berth.daemon.container;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the four places a create request asks for mounts into {@link MountPoint}s, with the
 * rules and messages of moby's Linux mount parser ({@code volume/mounts/linux_parser.go}):
 *
 * <ul>
 *   <li>{@code Binds}: {@code [source:]destination[:mode]}; an absolute source is a bind, any
 *       other a named volume, none an anonymous volume. Modes are a comma list of at most one
 *       each of {@code ro|rw}, {@code z|Z}, a propagation, {@code nocopy}, a consistency.</li>
 *   <li>{@code Mounts}: the structured {@code --mount}; a bind's source must exist.</li>
 *   <li>{@code Tmpfs}: destination to options.</li>
 *   <li>{@code Config.Volumes} (the image's {@code VOLUME}s and {@code -v /path}): an anonymous
 *       volume at each destination nothing else is mounted on.</li>
 * </ul>
 * The same destination twice is refused ({@code Duplicate mount point: /data}).
 */
final class MountPoints {
    private static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "slave", "rslave", "shared", "rshared");
    private static final Set<String> CONSISTENCIES = Set.of("consistent", "cached", "delegated");
    private static final String DEFAULT_PROPAGATION = "rprivate";

    private MountPoints() {}

    static List<MountPoint> parse(ContainerConfig config, HostConfig hc) {
        List<MountPoint> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : hc.binds() == null ? List.<String>of() : hc.binds()) {
            add(out, seen, bind(raw));
        }
        for (MountConfig m : hc.mounts() == null ? List.<MountConfig>of() : hc.mounts()) {
            add(out, seen, mount(m));
        }
        for (Map.Entry<String, String> e : hc.tmpfs() == null ? Map.<String, String>of().entrySet() : hc.tmpfs().entrySet()) {
            String dest = e.getKey();
            validateTarget(dest, null);
            add(out, seen, new MountPoint(clean(dest), "tmpfs", null, true, null, false,
                    e.getValue() == null ? "" : e.getValue(), null, false, "", false));
        }
        for (String dest : config.volumesOrEmpty().keySet()) {
            validateTarget(dest, null);
            if (!seen.contains(clean(dest))) {
                add(out, seen, new MountPoint(clean(dest), "volume", null, true, null, false, "", null, false, "", false));
            }
        }
        return List.copyOf(out);
    }

    private static void add(List<MountPoint> out, Set<String> seen, MountPoint mp) {
        if (!seen.add(mp.destination())) {
            throw new InvalidContainerConfigException("Duplicate mount point: " + mp.destination());
        }
        out.add(mp);
    }

    /** {@code -v}: moby's {@code ParseMountRaw}. */
    static MountPoint bind(String raw) {
        String[] arr = raw.split(":", 4);
        if (arr[0].isEmpty()) {
            throw invalidSpec(raw);
        }
        String source = null;
        String target;
        String mode = "";
        switch (arr.length) {
            case 1 -> target = arr[0];
            case 2 -> {
                if (validMode(arr[1])) {
                    throw invalidSpec(raw); // "/foo:rw" names no source
                }
                source = arr[0];
                target = arr[1];
            }
            case 3 -> {
                source = arr[0];
                target = arr[1];
                mode = arr[2];
            }
            default -> throw invalidSpec(raw);
        }
        if (!validMode(mode)) {
            throw new InvalidContainerConfigException("invalid mode: " + mode);
        }
        boolean isBind = source != null && source.startsWith("/");
        String type = isBind ? "bind" : "volume";
        try {
            validateTarget(target, type);
        } catch (InvalidContainerConfigException e) {
            throw new InvalidContainerConfigException(invalidSpec(raw).getMessage() + ": " + e.getMessage());
        }
        boolean writable = !List.of(mode.split(",")).contains("ro");
        String propagation = DEFAULT_PROPAGATION;
        for (String o : mode.split(",")) {
            if (PROPAGATIONS.contains(o)) {
                propagation = o;
            }
        }
        return new MountPoint(clean(target), type, isBind ? clean(source) : source, writable,
                isBind ? propagation : null, false, "", null, isBind, mode,
                List.of(mode.split(",")).contains("nocopy"));
    }

    /** {@code --mount}: moby's {@code ValidateMountConfig} and {@code ParseMountSpec}. */
    static MountPoint mount(MountConfig m) {
        String type = m.type() == null ? "" : m.type();
        validateTarget(m.target(), type);
        switch (type) {
            case "bind" -> {
                if (empty(m.source())) {
                    throw mountConfig(type, "field Source must not be empty");
                }
                MountConfig.BindOptions bo = m.bindOptions();
                if (bo != null && !empty(bo.propagation()) && !PROPAGATIONS.contains(bo.propagation())) {
                    throw mountConfig(type, "invalid propagation mode: " + bo.propagation());
                }
                extra(type, "VolumeOptions", m.volumeOptions());
                extra(type, "TmpfsOptions", m.tmpfsOptions());
                if (!m.source().startsWith("/")) {
                    throw mountConfig(type, "invalid mount path: '" + m.source() + "' mount path must be absolute");
                }
                boolean create = bo != null && Boolean.TRUE.equals(bo.createMountpoint());
                if (!create && !Files.exists(Path.of(m.source()), LinkOption.NOFOLLOW_LINKS)) {
                    throw mountConfig(type, "bind source path does not exist: " + m.source());
                }
                String propagation = bo == null || empty(bo.propagation()) ? DEFAULT_PROPAGATION : bo.propagation();
                return new MountPoint(clean(m.target()), "bind", clean(m.source()), !m.isReadOnly(), propagation,
                        bo != null && Boolean.TRUE.equals(bo.nonRecursive()), "", null, create, "", false);
            }
            case "volume" -> {
                extra(type, "BindOptions", m.bindOptions());
                extra(type, "TmpfsOptions", m.tmpfsOptions());
                String subpath = m.volumeOptions() == null ? null : m.volumeOptions().subpath();
                if (!empty(subpath)) {
                    if (empty(m.source())) {
                        throw mountConfig(type, "must not set Subpath when using anonymous volumes");
                    }
                    if (subpath.startsWith("/") || List.of(subpath.split("/")).contains("..")) {
                        throw mountConfig(type, "subpath must be a relative path within the volume");
                    }
                }
                boolean noCopy = m.volumeOptions() != null && Boolean.TRUE.equals(m.volumeOptions().noCopy());
                return new MountPoint(clean(m.target()), "volume", empty(m.source()) ? null : m.source(),
                        !m.isReadOnly(), null, false, "", empty(subpath) ? null : subpath, false, "", noCopy);
            }
            case "tmpfs" -> {
                extra(type, "BindOptions", m.bindOptions());
                extra(type, "VolumeOptions", m.volumeOptions());
                if (!empty(m.source())) {
                    throw mountConfig(type, "field Source must not be specified");
                }
                return new MountPoint(clean(m.target()), "tmpfs", null, !m.isReadOnly(), null, false,
                        tmpfsData(m), null, false, "", false);
            }
            default -> throw mountConfig(type, "mount type unknown");
        }
    }

    /** moby's {@code ConvertTmpfsOptions}: read-only, mode in octal, size with the largest exact unit. */
    private static String tmpfsData(MountConfig m) {
        List<String> opts = new ArrayList<>();
        if (m.isReadOnly()) {
            opts.add("ro");
        }
        MountConfig.TmpfsOptions t = m.tmpfsOptions();
        if (t != null && t.mode() != null && t.mode() != 0) {
            opts.add("mode=" + Integer.toOctalString(t.mode()));
        }
        if (t != null && t.sizeBytes() != null && t.sizeBytes() != 0) {
            long size = t.sizeBytes();
            String suffix = "";
            for (var unit : List.of(Map.entry("g", 1L << 30), Map.entry("m", 1L << 20), Map.entry("k", 1L << 10))) {
                if (size % unit.getValue() == 0) {
                    size /= unit.getValue();
                    suffix = unit.getKey();
                    break;
                }
            }
            opts.add("size=" + size + suffix);
        }
        if (t != null && t.options() != null) {
            for (List<String> o : t.options()) {
                if (o == null || o.isEmpty() || o.size() > 2) {
                    throw mountConfig("tmpfs", "invalid option array length");
                }
                if (!o.getFirst().equals("exec") && !o.getFirst().equals("noexec")) {
                    throw mountConfig("tmpfs", "invalid option: " + o.getFirst());
                }
                opts.add(o.size() == 1 ? o.getFirst() : o.get(0) + "=" + o.get(1));
            }
        }
        return String.join(",", opts);
    }

    private static void validateTarget(String target, String type) {
        InvalidContainerConfigException problem = null;
        if (empty(target)) {
            problem = mountConfig(type, "field Target must not be empty");
        } else if (clean(target).equals("/")) {
            problem = type == null ? new InvalidContainerConfigException("invalid specification: destination can't be '/'")
                    : mountConfig(type, "invalid specification: destination can't be '/'");
        } else if (!target.startsWith("/")) {
            String msg = "invalid mount path: '" + target + "' mount path must be absolute";
            problem = type == null ? new InvalidContainerConfigException(msg) : mountConfig(type, msg);
        }
        if (problem != null) {
            throw problem;
        }
    }

    /** moby's {@code linuxValidMountMode}: known words, at most one of each kind. */
    static boolean validMode(String mode) {
        if (mode.isEmpty()) {
            return true;
        }
        int rw = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
        for (String o : mode.split(",", -1)) {
            if (o.equals("rw") || o.equals("ro")) {
                rw++;
            } else if (o.equals("z") || o.equals("Z")) {
                label++;
            } else if (PROPAGATIONS.contains(o)) {
                propagation++;
            } else if (o.equals("nocopy")) {
                copy++;
            } else if (CONSISTENCIES.contains(o)) {
                consistency++;
            } else {
                return false;
            }
        }
        return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
    }

    private static void extra(String type, String field, Object value) {
        if (value != null) {
            throw mountConfig(type, "field " + field + " must not be specified");
        }
    }

    private static InvalidContainerConfigException mountConfig(String type, String reason) {
        return new InvalidContainerConfigException("invalid mount config for type \"" + (type == null ? "" : type)
                + "\": " + reason);
    }

    private static InvalidContainerConfigException invalidSpec(String raw) {
        return new InvalidContainerConfigException("invalid volume specification: '" + raw + "'");
    }

    /** Go's {@code path.Clean} for absolute paths: no empty, {@code .} or {@code ..} components. */
    static String clean(String p) {
        List<String> parts = new ArrayList<>();
        for (String s : p.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
                continue;
            }
            parts.add(s);
        }
        return "/" + String.join("/", parts);
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
