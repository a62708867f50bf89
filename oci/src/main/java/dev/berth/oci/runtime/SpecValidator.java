package dev.berth.oci.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a {@link Spec} can be run on Linux, before the runtime does anything with it.
 *
 * <p>The rules are those of the runtime spec ({@code config.md}, {@code config-linux.md} and
 * their JSON schemas) plus the checks runc makes in {@code libcontainer/configs/validate}
 * where the spec leaves a choice, so that a config runc rejects is rejected here too, with a
 * message that names the field: {@code linux.namespaces[2].type: unknown namespace type "foo"}.
 * The first problem found is reported; the order of checks follows the document.
 *
 * <p>Validation reads the host only to find the rootfs and to compare a joined network
 * namespace with the runtime's own. {@link #validateArgs0} is separate because it reads the
 * rootfs, which a caller may want to do later (after a snapshot is mounted).
 *
 * <p>One deliberate leniency: a relative mount destination is accepted and read as relative
 * to {@code /}. The spec deprecates it but allows it on Linux "for compatibility with old tools",
 * and runc accepts it; see {@link Spec.Mount#absoluteDestination()}.
 */
public final class SpecValidator {
    /** SemVer 2.0.0, as config.md requires of {@code ociVersion}. */
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
    private static final List<String> HOOK_KINDS = List.of(
            "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");

    private SpecValidator() {}

    /**
     * Checks {@code spec} as read from the bundle at {@code bundle}, which anchors a relative
     * {@code root.path}. Returns normally if the spec can be run.
     */
    public static void validate(Spec spec, Path bundle) throws InvalidSpecException {
        version(spec.ociVersion());
        root(spec.root(), bundle);
        Namespaces namespaces = Namespaces.read(spec.linux());
        ProcessValidator.validate(spec.process());
        mounts(spec.mounts(), namespaces);
        hooks(spec.hooks());
        if (nonEmpty(spec.hostname()) && !namespaces.has(NamespaceType.UTS)) {
            throw new InvalidSpecException("hostname", "requires a uts namespace");
        }
        if (nonEmpty(spec.domainname()) && !namespaces.has(NamespaceType.UTS)) {
            throw new InvalidSpecException("domainname", "requires a uts namespace");
        }
        if (spec.annotations() != null && spec.annotations().containsKey("")) {
            throw new InvalidSpecException("annotations", "keys must not be empty");
        }
        if (spec.linux() != null) {
            LinuxValidator.validate(spec, namespaces);
        }
    }

    /**
     * Checks that {@code process.args[0]} names an executable in {@code rootfs}, as
     * {@code execvp(3)} will look for it inside the container: a name with a {@code /} is a
     * path (relative ones from {@code process.cwd}), any other name is searched in the
     * {@code PATH} of {@code process.env}, or the default {@code PATH}. Symlinks are followed
     * inside the rootfs only ({@link RootfsPath}). Catching this before {@code create} gives
     * {@code process.args[0]: "foo" not found in the container's PATH} instead of an exec
     * failure from deep inside the container's start.
     */
    public static void validateArgs0(Spec spec, Path rootfs) throws InvalidSpecException {
        if (boundOver(spec)) {
            return; // a bind mount puts it there (docker run --init's /sbin/docker-init): the rootfs cannot show it yet
        }
        ExecutableLookup.check(spec.process(), rootfs);
    }

    /** True if {@code process.args[0]} is the destination of a bind mount whose host source is an executable file. */
    private static boolean boundOver(Spec spec) {
        if (spec.process() == null || spec.process().args() == null || spec.process().args().isEmpty()
                || spec.mounts() == null) {
            return false;
        }
        String name = spec.process().args().getFirst();
        for (Spec.Mount m : spec.mounts()) {
            boolean bind = "bind".equals(m.type()) || m.optionsOrEmpty().contains("bind")
                    || m.optionsOrEmpty().contains("rbind");
            if (bind && name.equals(m.destination()) && m.source() != null) {
                Path source = Path.of(m.source());
                return Files.isRegularFile(source) && Files.isExecutable(source);
            }
        }
        return false;
    }

    private static void version(String version) throws InvalidSpecException {
        if (version == null || version.isEmpty()) {
            throw new InvalidSpecException("ociVersion", "must be set");
        }
        Matcher m = SEMVER.matcher(version);
        if (!m.matches()) {
            throw new InvalidSpecException("ociVersion", quote(version) + " is not a semantic version");
        }
        // The spec keeps compatibility within a major version; 1.x is the only one there is.
        if (!m.group(1).equals("1")) {
            throw new InvalidSpecException("ociVersion", "unsupported version " + quote(version) + " (want 1.x)");
        }
    }

    private static void root(Spec.Root root, Path bundle) throws InvalidSpecException {
        if (root == null) {
            throw new InvalidSpecException("root", "must be set");
        }
        if (!nonEmpty(root.path())) {
            throw new InvalidSpecException("root.path", "must be set");
        }
        Path path = root.resolveIn(bundle);
        if (!Files.exists(path)) {
            throw new InvalidSpecException("root.path", path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new InvalidSpecException("root.path", path + " is not a directory");
        }
    }

    private static void mounts(List<Spec.Mount> mounts, Namespaces namespaces) throws InvalidSpecException {
        if (mounts == null) {
            return;
        }
        for (int i = 0; i < mounts.size(); i++) {
            String field = "mounts[" + i + "]";
            Spec.Mount m = mounts.get(i);
            if (m == null || !nonEmpty(m.destination())) {
                throw new InvalidSpecException(field + ".destination", "must be set");
            }
            // ".." would be clamped at the rootfs by RootfsPath anyway, but a destination that
            // needs it is either a mistake or an attempt to aim at something else.
            if (List.of(m.destination().split("/")).contains("..")) {
                throw new InvalidSpecException(field + ".destination", "must not contain \"..\"");
            }
            List<String> options = m.optionsOrEmpty();
            if ((options.contains("bind") || options.contains("rbind")) && !nonEmpty(m.source())) {
                throw new InvalidSpecException(field + ".source", "must be set for a bind mount");
            }
            boolean uid = m.uidMappings() != null && !m.uidMappings().isEmpty();
            boolean gid = m.gidMappings() != null && !m.gidMappings().isEmpty();
            if (uid != gid) {
                throw new InvalidSpecException(field + (uid ? ".gidMappings" : ".uidMappings"),
                        "must be set together with " + (uid ? "uidMappings" : "gidMappings"));
            }
            LinuxValidator.idMappings(field + ".uidMappings", m.uidMappings());
            LinuxValidator.idMappings(field + ".gidMappings", m.gidMappings());
            for (String idmap : List.of("idmap", "ridmap")) {
                if (options.contains(idmap) && !uid && !namespaces.has(NamespaceType.USER)) {
                    throw new InvalidSpecException(field + ".options", quote(idmap)
                            + " needs uidMappings and gidMappings, or a user namespace");
                }
            }
        }
    }

    private static void hooks(Spec.Hooks hooks) throws InvalidSpecException {
        if (hooks == null) {
            return;
        }
        List<List<Spec.Hook>> lists = List.of(
                orEmpty(hooks.prestart()), orEmpty(hooks.createRuntime()), orEmpty(hooks.createContainer()),
                orEmpty(hooks.startContainer()), orEmpty(hooks.poststart()), orEmpty(hooks.poststop()));
        for (int k = 0; k < lists.size(); k++) {
            List<Spec.Hook> list = lists.get(k);
            for (int i = 0; i < list.size(); i++) {
                String field = "hooks." + HOOK_KINDS.get(k) + "[" + i + "]";
                Spec.Hook hook = list.get(i);
                if (hook == null || !nonEmpty(hook.path())) {
                    throw new InvalidSpecException(field + ".path", "must be set");
                }
                requireAbsolute(field + ".path", hook.path());
                if (hook.timeout() != null && hook.timeout() <= 0) {
                    throw new InvalidSpecException(field + ".timeout", "must be greater than zero");
                }
                env(field + ".env", hook.env());
            }
        }
    }

    /** Checks {@code KEY=VALUE} entries the way runc prepares an environment for exec. */
    static void env(String field, List<String> env) throws InvalidSpecException {
        if (env == null) {
            return;
        }
        for (int i = 0; i < env.size(); i++) {
            String entry = env.get(i);
            String at = field + "[" + i + "]";
            if (entry == null || entry.indexOf('=') < 0) {
                throw new InvalidSpecException(at, quote(entry) + " is not of the form KEY=VALUE");
            }
            if (entry.startsWith("=")) {
                throw new InvalidSpecException(at, quote(entry) + " has an empty name");
            }
            // execve(2) takes C strings: a NUL would silently cut the entry short.
            if (entry.indexOf('\0') >= 0) {
                throw new InvalidSpecException(at, "must not contain a NUL byte");
            }
        }
    }

    static void requireAbsolute(String field, String path) throws InvalidSpecException {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidSpecException(field, "must be absolute");
        }
    }

    static void range(String field, long value, long min, long max) throws InvalidSpecException {
        if (value < min || value > max) {
            throw new InvalidSpecException(field, value + " is out of range (" + min + ".." + max + ")");
        }
    }

    static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }

    /** Membership that treats null as unknown (the JDK's immutable sets throw on null). */
    static boolean oneOf(java.util.Collection<String> known, String value) {
        return value != null && known.contains(value);
    }

    static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
