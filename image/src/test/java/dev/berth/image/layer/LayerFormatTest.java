package dev.berth.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pieces that need no root: name cleaning, PAX records both ways, compression magic. */
class LayerFormatTest {
    @Test
    void namesAreCleanedLexicallyAndEscapesRefused() throws Exception {
        assertThat(PathResolver.components("./usr//bin/./env")).containsExactly("usr", "bin", "env");
        assertThat(PathResolver.components("/etc/passwd")).containsExactly("etc", "passwd");
        assertThat(PathResolver.components("a/b/../c/")).containsExactly("a", "c");
        assertThat(PathResolver.components("./")).isEmpty();
        for (String bad : new String[] {"..", "../x", "a/../../x", "/../x", "a/b/../../../x"}) {
            assertThatThrownBy(() -> PathResolver.components(bad))
                    .isInstanceOf(PathResolver.Refused.class)
                    .hasMessage("escapes the layer root");
        }
    }

    @Test
    void paxRecordsKeepBinaryValuesExact() throws Exception {
        Map<String, byte[]> in = new LinkedHashMap<>();
        in.put("path", "a/b".getBytes(StandardCharsets.UTF_8));
        in.put("SCHILY.xattr.security.capability", LayerApplierTest.CAPS);
        in.put("SCHILY.xattr.user.empty", new byte[0]);
        // key, value, ' ', '=', '\n' make 98; "98 " would make 100, whose length has three digits: 101
        in.put("SCHILY.xattr.user.pad", "v".repeat(98 - 3 - "SCHILY.xattr.user.pad".length())
                .getBytes(StandardCharsets.UTF_8));
        byte[] records = LayerTarWriter.records(in);
        String text = new String(records, StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("12 path=a/b\n");
        assertThat(text).contains("\n101 SCHILY.xattr.user.pad=");
        assertThat(text.substring(text.indexOf("\n101 ") + 1)).hasSize(101);

        Map<String, byte[]> out = new LinkedHashMap<>();
        LayerTarInputStream.parse(records, out);
        assertThat(out.keySet()).containsExactly("security.capability", "user.empty", "user.pad");
        assertThat(out.get("security.capability")).isEqualTo(LayerApplierTest.CAPS);
        assertThat(out.get("user.empty")).isEmpty();
    }

    @Test
    void libarchiveXattrsAreDecoded() {
        String value = java.util.Base64.getEncoder().encodeToString(LayerApplierTest.CAPS);
        String record = " LIBARCHIVE.xattr.security.capability=" + value + "\n";
        record = (record.length() + 2) + record;
        Map<String, byte[]> out = new LinkedHashMap<>();
        LayerTarInputStream.parse(record.getBytes(StandardCharsets.US_ASCII), out);
        assertThat(out.get("security.capability")).isEqualTo(LayerApplierTest.CAPS);
    }

    @Test
    void compressionIsRecognisedByItsMagic() throws Exception {
        assertThat(detect(new byte[] {0x1f, (byte) 0x8b, 8, 0})).isEqualTo(Compression.GZIP);
        assertThat(detect(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0})).isEqualTo(Compression.ZSTD);
        assertThat(detect("etc/passwd".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Compression.NONE);
        assertThat(detect(new byte[0])).isEqualTo(Compression.NONE);
        assertThatThrownBy(() -> detect("BZh91AY".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ImageException.class)
                .hasMessage("layer is bzip2-compressed: only gzip and zstd layers are supported");
    }

    private static Compression detect(byte[] head) throws Exception {
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(head));
        Compression c = Compression.detect(in);
        assertThat(in.readAllBytes()).isEqualTo(head);
        return c;
    }
}
