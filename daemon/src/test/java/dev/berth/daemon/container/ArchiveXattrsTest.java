package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.image.layer.LayerTarInputStream;
import dev.berth.linux.Xattrs;
import dev.berth.linux.testing.RequiresRoot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extended attributes through the tars of {@code docker cp} and {@code docker export}, both ways. */
class ArchiveXattrsTest {
    /** A revision 2 {@code vfs_cap_data} with {@code cap_setuid} (0x80) and {@code cap_net_raw} (bit 13) permitted and effective. */
    static final byte[] CAPS_V2 = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @TempDir
    Path dir;

    Path rootfs;
    ContainerView view;

    @BeforeEach
    void tree() throws Exception {
        rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("dest"));
        view = new ContainerView(rootfs, Map.of());
    }

    @Test
    void onlyTheFilesOwnAttributesAndItsCapabilitiesGoOut() {
        assertThat(ArchiveXattrs.carried("user.test")).isTrue();
        assertThat(ArchiveXattrs.carried("security.capability")).isTrue();
        assertThat(ArchiveXattrs.carried("security.selinux")).isFalse();
        assertThat(ArchiveXattrs.carried("trusted.overlay.opaque")).isFalse();
        assertThat(ArchiveXattrs.carried("system.posix_acl_access")).isFalse();
    }

    @Test
    void aUserNamespacesCapabilityGoesOutAsRevisionTwo() {
        byte[] v3 = new byte[24];
        System.arraycopy(CAPS_V2, 0, v3, 0, 20);
        v3[3] = 3;
        v3[20] = (byte) 0xe8; // root of the namespace: uid 1000
        v3[21] = 0x03;
        assertThat(ArchiveXattrs.portable(v3)).isEqualTo(CAPS_V2);
        assertThat(ArchiveXattrs.portable(CAPS_V2)).isSameAs(CAPS_V2);
    }

    @Test
    void userAttributesGoOutAndComeBackIn() throws Exception {
        Path src = Files.createDirectories(rootfs.resolve("src"));
        Path file = Files.writeString(src.resolve("noted"), "noted\n");
        Xattrs.set(src, "user.dir", "on the directory".getBytes(StandardCharsets.UTF_8));
        Xattrs.set(file, "user.test", new byte[] {'o', 'k', 0, (byte) 0xff}); // bytes, not text

        Map<String, Map<String, byte[]>> tar = xattrsOf(write("/src"));
        assertThat(tar.get("src/")).containsOnlyKeys("user.dir");
        assertThat(tar.get("src/noted").get("user.test")).isEqualTo(new byte[] {'o', 'k', 0, (byte) 0xff});

        new ArchiveExtraction(view, "/dest", true, null).extract(new ByteArrayInputStream(write("/src")));
        assertThat(Xattrs.get(rootfs.resolve("dest/src/noted"), "user.test")).hasValue(new byte[] {'o', 'k', 0, (byte) 0xff});
        assertThat(Xattrs.get(rootfs.resolve("dest/src"), "user.dir"))
                .hasValue("on the directory".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @RequiresRoot
    void capabilitiesSurviveTheOwnerBeingSetOnTheWayIn() throws Exception {
        Path src = Files.createDirectories(rootfs.resolve("src"));
        Path ping = Files.writeString(src.resolve("ping"), "#!/bin/true\n");
        Files.setAttribute(ping, "unix:uid", 1234);
        Xattrs.set(ping, "security.capability", CAPS_V2);

        byte[] tar = write("/src");
        assertThat(xattrsOf(tar).get("src/ping").get("security.capability")).isEqualTo(CAPS_V2);

        // chown clears security.capability: it must be set after the owner from the tar
        new ArchiveExtraction(view, "/dest", true, null).extract(new ByteArrayInputStream(tar));
        Path copied = rootfs.resolve("dest/src/ping");
        assertThat(Files.getAttribute(copied, "unix:uid")).isEqualTo(1234);
        assertThat(Xattrs.get(copied, "security.capability")).hasValue(CAPS_V2);
    }

    private byte[] write(String containerPath) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContainerView.Resolved r = view.resolve(containerPath, false, false);
        PathTar.write(view, r.containerPath(), r.hostPath(), ContainerArchive.baseName(containerPath), out);
        return out.toByteArray();
    }

    private static Map<String, Map<String, byte[]>> xattrsOf(byte[] tar) throws Exception {
        Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
        LayerTarInputStream in = new LayerTarInputStream(new ByteArrayInputStream(tar));
        TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
            out.put(e.getName(), in.xattrs());
        }
        return out;
    }
}
