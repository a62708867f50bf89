package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.TestSpecs.edit;
import static dev.berth.oci.runtime.TestSpecs.tree;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SpecValidator#validateArgs0}: execvp's lookup, done inside the rootfs. */
class ValidateArgs0Test {
    @TempDir
    Path tmp;
    Path rootfs;

    @BeforeEach
    void makeRootfs() throws Exception {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        executable("bin/busybox");
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Files.createDirectories(rootfs.resolve("usr/bin"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "");
    }

    @Test
    void findsANameInTheDefaultPathThroughASymlink() {
        assertAccepted("[\"sh\"]", null);
    }

    @Test
    void findsAnAbsolutePath() {
        assertAccepted("[\"/bin/busybox\", \"sh\"]", null);
    }

    @Test
    void findsAPathRelativeToCwd() throws Exception {
        executable("app/run.sh");

        assertAccepted("[\"./run.sh\"]", "/app");
    }

    @Test
    void followsAnAbsoluteSymlinkInsideTheRootfsNotOnTheHost() throws Exception {
        executable("opt/tool/bin/tool");
        Files.createSymbolicLink(rootfs.resolve("usr/bin/tool"), Path.of("/opt/tool/bin/tool"));

        assertAccepted("[\"tool\"]", null);
    }

    @Test
    void doesNotFindWhatOnlyExistsOnTheHost() throws Exception {
        // The host's shell exists on the host; read inside the rootfs, the link points at nothing.
        Path hostShell = Path.of("/bin/sh").toRealPath();
        Files.createSymbolicLink(rootfs.resolve("usr/bin/hostsh"), hostShell);

        assertRejected("[\"hostsh\"]", null, "process.args[0]: \"hostsh\" not found in the container's PATH");
    }

    @Test
    void searchesThePathFromTheEnvironment() throws Exception {
        executable("custom/tool");

        assertAccepted("[\"tool\"]", null, "/process/env", "[\"PATH=/nothing:/custom\"]");
        assertRejected("[\"busybox\"]", null, "process.args[0]: \"busybox\" not found in the container's PATH",
                "/process/env", "[\"PATH=/custom\"]");
    }

    @Test
    void theLastPathInTheEnvironmentWins() throws Exception {
        executable("second/tool");

        assertAccepted("[\"tool\"]", null, "/process/env", "[\"PATH=/first\", \"TERM=xterm\", \"PATH=/second\"]");
    }

    @Test
    void usesTheDefaultPathWhenTheEnvironmentHasNone() {
        assertAccepted("[\"busybox\"]", null, "/process/env", "[\"TERM=xterm\"]");
    }

    @Test
    void reportsANameNotInPath() {
        assertRejected("[\"foo\"]", null, "process.args[0]: \"foo\" not found in the container's PATH");
    }

    @Test
    void reportsAMissingPath() {
        assertRejected("[\"/usr/bin/foo\"]", null, "process.args[0]: \"/usr/bin/foo\" does not exist in the rootfs");
    }

    @Test
    void reportsAFileThatIsNotExecutable() {
        assertRejected("[\"/etc/passwd\"]", null, "process.args[0]: \"/etc/passwd\" is not executable");
    }

    @Test
    void reportsANonExecutableMatchInPathIfNothingBetterFollows() throws Exception {
        Files.writeString(rootfs.resolve("usr/bin/script"), "#!/bin/sh\n");

        assertRejected("[\"script\"]", null, "process.args[0]: \"/usr/bin/script\" is not executable");
        executable("bin/script");
        assertAccepted("[\"script\"]", null);
    }

    @Test
    void reportsADirectory() {
        assertRejected("[\"/usr/bin\"]", null, "process.args[0]: \"/usr/bin\" is a directory");
    }

    @Test
    void reportsASymlinkLoop() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("bin/loop"), Path.of("/bin/loop"));

        assertRejected("[\"/bin/loop\"]", null,
                "process.args[0]: cannot look up \"/bin/loop\": \"/bin/loop\": too many levels of symbolic links");
    }

    @Test
    void acceptsAnExecutableThatABindMountPutsThere() throws Exception {
        // docker run --init: the host's tini is bound at /sbin/docker-init, which the image lacks
        Path tini = tmp.resolve("tini");
        Files.writeString(tini, "#!/bin/sh\n");
        Files.setPosixFilePermissions(tini, PosixFilePermissions.fromString("rwxr-xr-x"));
        String mount = "[{\"destination\": \"/sbin/docker-init\", \"type\": \"bind\", \"source\": \"" + tini
                + "\", \"options\": [\"bind\", \"ro\"]}]";
        assertAccepted("[\"/sbin/docker-init\", \"--\", \"sh\"]", null, "/mounts", mount);
        assertRejected("[\"/sbin/docker-init\"]", null, "process.args[0]: \"/sbin/docker-init\" does not exist in the rootfs");
    }

    @Test
    void reportsEmptyArgs() {
        assertRejected("[]", null, "process.args: must not be empty");
    }

    private void executable(String path) throws Exception {
        Path file = rootfs.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Spec spec(String args, String cwd, String... edits) throws Exception {
        var tree = edit(tree("runc-spec.json"), "/process/args", args);
        if (cwd != null) {
            edit(tree, "/process/cwd", "\"" + cwd + "\"");
        }
        return TestSpecs.spec(edit(tree, edits));
    }

    private void assertAccepted(String args, String cwd, String... edits) {
        assertThatCode(() -> SpecValidator.validateArgs0(spec(args, cwd, edits), rootfs)).doesNotThrowAnyException();
    }

    private void assertRejected(String args, String cwd, String message, String... edits) {
        assertThatThrownBy(() -> SpecValidator.validateArgs0(spec(args, cwd, edits), rootfs))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage(message);
    }
}
