package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserLookupTest {
    @TempDir
    Path rootfs;

    @BeforeEach
    void etc() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin

                app:x:1000:1000:App:/home/app:/bin/sh
                app:x:2000:2000:shadowed duplicate:/:/bin/sh
                """);
        Files.writeString(rootfs.resolve("etc/group"), """
                root:x:0:
                daemon:x:1:
                wheel:x:10:root,app
                audio:x:29:app
                staff:x:50:
                app:x:1000:
                """);
    }

    static Spec.User user(long uid, long gid, Long... additional) {
        return new Spec.User(uid, gid, null, List.of(additional), null);
    }

    @Test
    void emptyIsRootWithRootsGroups() {
        assertThat(UserLookup.resolve("", rootfs)).isEqualTo(user(0, 0, 0L, 10L));
        assertThat(UserLookup.resolve(null, rootfs)).isEqualTo(user(0, 0, 0L, 10L));
    }

    @Test
    void aNameTakesItsUidGidAndSupplementaryGroups() {
        assertThat(UserLookup.resolve("app", rootfs)).isEqualTo(user(1000, 1000, 1000L, 10L, 29L));
    }

    @Test
    void aUidFindsItsEntryOrStandsAlone() {
        assertThat(UserLookup.resolve("1", rootfs)).isEqualTo(user(1, 1, 1L));
        assertThat(UserLookup.resolve("4242", rootfs)).isEqualTo(user(4242, 0, 0L));
    }

    @Test
    void anExplicitGroupReplacesThePrimaryAndDropsSupplementaryGroups() {
        assertThat(UserLookup.resolve("app:staff", rootfs)).isEqualTo(user(1000, 50, 50L));
        assertThat(UserLookup.resolve("app:777", rootfs)).isEqualTo(user(1000, 777, 777L));
        assertThat(UserLookup.resolve("4242:4343", rootfs)).isEqualTo(user(4242, 4343, 4343L));
    }

    @Test
    void unknownNamesAreRefusedWithRuncsWords() {
        assertThatThrownBy(() -> UserLookup.resolve("nobody", rootfs))
                .isInstanceOf(InvalidContainerConfigException.class)
                .hasMessage("unable to find user nobody: no matching entries in passwd file");
        assertThatThrownBy(() -> UserLookup.resolve("app:nogroup", rootfs))
                .hasMessage("unable to find group nogroup: no matching entries in group file");
        assertThatThrownBy(() -> UserLookup.resolve("3000000000", rootfs))
                .hasMessage("uids and gids must be in range 0-2147483647");
    }

    @Test
    void withoutPasswdOnlyNumbersWork() throws IOException {
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.delete(rootfs.resolve("etc/group"));
        assertThat(UserLookup.resolve("", rootfs)).isEqualTo(user(0, 0, 0L));
        assertThat(UserLookup.resolve("5:6", rootfs)).isEqualTo(user(5, 6, 6L));
        assertThatThrownBy(() -> UserLookup.resolve("app", rootfs))
                .hasMessage("unable to find user app: no matching entries in passwd file");
    }

    @Test
    void symlinksInTheImageResolveInsideTheRootfs() throws IOException {
        // A hostile image pointing /etc/passwd at the host's: it must read its own tree.
        Path etc = rootfs.resolve("etc");
        Files.move(etc.resolve("passwd"), rootfs.resolve("real-passwd"));
        Files.createSymbolicLink(etc.resolve("passwd"), Path.of("../../../../../../../../real-passwd"));
        assertThat(UserLookup.resolve("app", rootfs).uid()).isEqualTo(1000);
        Files.delete(etc.resolve("passwd"));
        Files.createSymbolicLink(etc.resolve("passwd"), Path.of("/etc/shadow-does-not-exist"));
        assertThatThrownBy(() -> UserLookup.resolve("root", rootfs)).hasMessageContaining("unable to find user root");
    }

    @Test
    void groupAddTakesNamesAndNumbers() {
        assertThat(UserLookup.additionalGroups(List.of("audio", "4000"), rootfs)).containsExactly(29L, 4000L);
        assertThatThrownBy(() -> UserLookup.additionalGroups(List.of("nope"), rootfs))
                .hasMessage("Unable to find group nope: no matching entries in group file");
    }
}
