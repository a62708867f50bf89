package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.SpecValidator.quote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Finds {@code process.args[0]} in a rootfs as {@code execvp(3)} will inside the container,
 * for {@link SpecValidator#validateArgs0}.
 *
 * <p>"Executable" here means a regular file with an execute bit. The check cannot be exact
 * before the container exists (the process's uid in its user namespace, a {@code noexec}
 * mount, an LSM can still refuse), so it catches the common mistakes, a typo or a missing
 * package, and leaves the rest to {@code execve(2)}.
 */
final class ExecutableLookup {
    /** The PATH Docker and {@code runc spec} use when the image sets none. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String FIELD = "process.args[0]";
    private static final Set<PosixFilePermission> EXECUTE = EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private ExecutableLookup() {}

    private enum Found { EXECUTABLE, NOT_EXECUTABLE, DIRECTORY, MISSING }

    static void check(Spec.Process process, Path rootfs) throws InvalidSpecException {
        if (process == null || process.args() == null || process.args().isEmpty()) {
            throw new InvalidSpecException("process.args", "must not be empty");
        }
        String name = process.args().getFirst();
        String cwd = process.cwd() == null || process.cwd().isEmpty() ? "/" : process.cwd();
        if (name.contains("/")) {
            String path = name.startsWith("/") ? name : cwd + "/" + name;
            switch (examine(rootfs, path, name)) {
                case EXECUTABLE -> { }
                case MISSING -> throw new InvalidSpecException(FIELD, quote(name) + " does not exist in the rootfs");
                case DIRECTORY -> throw new InvalidSpecException(FIELD, quote(name) + " is a directory");
                case NOT_EXECUTABLE -> throw new InvalidSpecException(FIELD, quote(name) + " is not executable");
            }
            return;
        }
        // Like execvp: the first executable match wins; a match that is not executable only
        // matters (EACCES) if nothing later in PATH is.
        String notExecutable = null;
        for (String dir : searchPath(process.envOrEmpty())) {
            String base = dir.isEmpty() ? cwd : dir.startsWith("/") ? dir : cwd + "/" + dir;
            String candidate = base + "/" + name;
            Found found = examine(rootfs, candidate, name);
            if (found == Found.EXECUTABLE) {
                return;
            }
            if ((found == Found.NOT_EXECUTABLE || found == Found.DIRECTORY) && notExecutable == null) {
                notExecutable = candidate;
            }
        }
        if (notExecutable != null) {
            throw new InvalidSpecException(FIELD, quote(notExecutable) + " is not executable");
        }
        throw new InvalidSpecException(FIELD, quote(name) + " not found in the container's PATH");
    }

    /** The directories of the last {@code PATH=} in env (the one a shell would see), or the default. */
    private static List<String> searchPath(List<String> env) {
        String path = DEFAULT_PATH;
        for (String entry : env) {
            if (entry != null && entry.startsWith("PATH=")) {
                path = entry.substring("PATH=".length());
            }
        }
        return List.of(path.split(":", -1));
    }

    private static Found examine(Path rootfs, String containerPath, String name) throws InvalidSpecException {
        Path host;
        try {
            host = RootfsPath.resolve(rootfs, containerPath);
        } catch (IOException e) {
            // A symlink loop or an unreadable directory: exec would fail the same way.
            throw new InvalidSpecException(FIELD, "cannot look up " + quote(name) + ": "
                    + SpecValidator.quote(containerPath) + ": " + reason(e));
        }
        PosixFileAttributes attrs;
        try {
            // RootfsPath resolved every symlink, so the result must not be followed again.
            attrs = Files.readAttributes(host, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return Found.MISSING;
        }
        if (attrs.isDirectory()) {
            return Found.DIRECTORY;
        }
        if (!attrs.isRegularFile() || attrs.permissions().stream().noneMatch(EXECUTE::contains)) {
            return Found.NOT_EXECUTABLE;
        }
        return Found.EXECUTABLE;
    }

    private static String reason(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                ? fse.getReason() : String.valueOf(e.getMessage());
        return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
