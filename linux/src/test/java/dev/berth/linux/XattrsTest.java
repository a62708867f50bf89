package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresRoot
class XattrsTest {
    @TempDir
    Path dir;

    @Test
    void binaryValuesRoundTrip() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        // a v2 capability set with cap_setuid: bytes above 0x7f and NULs must survive untouched
        byte[] caps = {1, 0, 0, 2, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Xattrs.set(f, "security.capability", caps);
        Xattrs.set(f, "user.text", "hello".getBytes(StandardCharsets.UTF_8));
        Xattrs.set(f, "trusted.empty", new byte[0]);

        assertThat(Xattrs.get(f, "security.capability")).hasValue(caps);
        assertThat(Xattrs.get(f, "trusted.empty")).hasValue(new byte[0]);
        assertThat(Xattrs.list(f)).contains("security.capability", "user.text", "trusted.empty");
        assertThat(Xattrs.getAll(f)).containsKey("user.text");
    }

    @Test
    void absentAttributeIsEmptyAndRemoveIsIdempotent() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertThat(Xattrs.get(f, "user.nothing")).isEmpty();
        Xattrs.set(f, "user.a", new byte[] {1});
        Xattrs.remove(f, "user.a");
        Xattrs.remove(f, "user.a");
        assertThat(Xattrs.get(f, "user.a")).isEmpty();
        assertThat(Xattrs.list(f)).doesNotContain("user.a");
    }

    @Test
    void actsOnTheSymlinkNotItsTarget() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        Xattrs.set(link, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));

        assertThat(Xattrs.get(link, "trusted.overlay.opaque")).hasValue(new byte[] {'y'});
        assertThat(Xattrs.get(target, "trusted.overlay.opaque")).isEmpty();
    }

    @Test
    void createFlagRefusesAnExistingAttribute() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        Xattrs.set(f, "user.a", new byte[] {1}, Xattrs.XATTR_CREATE);
        assertThatThrownBy(() -> Xattrs.set(f, "user.a", new byte[] {2}, Xattrs.XATTR_CREATE))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("lsetxattr " + f + " user.a: file exists");
    }

    @Test
    void missingFileIsAnErrorNamingPathAndAttribute() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> Xattrs.get(missing, "user.a"))
                .hasMessage("lgetxattr " + missing + " user.a: no such file or directory");
    }
}
