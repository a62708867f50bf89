package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** json-file's max-size and max-file, checked as dockerd checks them, and the rotation they cause. */
class LogRotationTest {
    @TempDir
    Path dir;

    private static void line(JsonFileLog log, String text) {
        byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
        log.write(1, Instant.parse("2026-01-01T00:00:00Z"), b, 0, b.length);
    }

    private static List<String> texts(Path file) throws Exception {
        return JsonFileLog.read(file).stream().map(e -> new String(e.data(), StandardCharsets.UTF_8).strip()).toList();
    }

    @Test
    void aFullFileRotatesAndTheOldestRotatedFileIsDropped() throws Exception {
        Path file = dir.resolve("c-json.log");
        // each entry is 67 bytes: two fit in 150, the third rotates
        try (JsonFileLog log = JsonFileLog.open(file, 150, 3)) {
            for (int i = 1; i <= 7; i++) {
                line(log, "line " + i);
            }
        }
        assertThat(Files.size(file)).isLessThanOrEqualTo(150);
        assertThat(dir.resolve("c-json.log.1")).exists();
        assertThat(dir.resolve("c-json.log.2")).exists();
        assertThat(dir.resolve("c-json.log.3")).doesNotExist();
        assertThat(texts(file)).containsExactly("line 3", "line 4", "line 5", "line 6", "line 7");
    }

    @Test
    void oneFileStartsAgainEmpty() throws Exception {
        Path file = dir.resolve("c-json.log");
        try (JsonFileLog log = JsonFileLog.open(file, 150, 1)) {
            for (int i = 1; i <= 5; i++) {
                line(log, "line " + i);
            }
        }
        assertThat(dir.resolve("c-json.log.1")).doesNotExist();
        assertThat(texts(file)).containsExactly("line 5");
    }

    @Test
    void theNoneDriverKeepsNothing() throws Exception {
        Path file = dir.resolve("c-json.log");
        try (JsonFileLog log = LogSettings.of(new HostConfig.LogConfig("none", Map.of())).open(file)) {
            line(log, "lost");
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void optionsAreReadAndRefusedInDockerdsWords() {
        assertThat(LogSettings.of(null)).isEqualTo(LogSettings.DEFAULT);
        assertThat(LogSettings.of(new HostConfig.LogConfig("json-file", Map.of("max-size", "1k", "max-file", "2"))))
                .isEqualTo(new LogSettings("json-file", 1024, 2, false));
        assertThat(LogSettings.of(new HostConfig.LogConfig("json-file",
                Map.of("max-size", "1k", "max-file", "2", "compress", "True"))))
                .isEqualTo(new LogSettings("json-file", 1024, 2, true));
        assertThat(LogSettings.bytes("10m")).isEqualTo(10L << 20);
        assertThat(LogSettings.bytes("2GiB")).isEqualTo(2L << 30);
        assertThat(LogSettings.bytes("512")).isEqualTo(512);
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("syslog", Map.of())))
                .hasMessage("logger: no log driver named 'syslog' is registered");
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("json-file", Map.of("max-bytes", "1"))))
                .hasMessage("unknown log opt 'max-bytes' for json-file log driver");
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("json-file", Map.of("max-size", "lots"))))
                .hasMessage("invalid size: 'lots'");
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("json-file", Map.of("max-size", "0"))))
                .hasMessage("max-size must be a positive number");
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("json-file", Map.of("max-file", "0"))))
                .hasMessage("max-file cannot be less than 1");
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("json-file",
                Map.of("max-size", "1k", "compress", "true"))))
                .hasMessage("compress cannot be true when max-file is less than 2 or max-size is not set");
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("json-file",
                Map.of("max-file", "3", "compress", "1"))))
                .hasMessage("compress cannot be true when max-file is less than 2 or max-size is not set");
        assertThatThrownBy(() -> LogSettings.of(new HostConfig.LogConfig("json-file",
                Map.of("max-size", "1k", "max-file", "3", "compress", "yes"))))
                .hasMessage("strconv.ParseBool: parsing \"yes\": invalid syntax");
    }

    @Test
    void compressedRotatedFilesAreGzippedShiftedAndReadOldestFirst() throws Exception {
        Path file = dir.resolve("c-json.log");
        try (JsonFileLog log = LogSettings.of(new HostConfig.LogConfig("json-file",
                Map.of("max-size", "150", "max-file", "3", "compress", "true"))).open(file)) {
            for (int i = 1; i <= 7; i++) {
                line(log, "line " + i);
            }
        }
        assertThat(dir.resolve("c-json.log.1")).doesNotExist();
        assertThat(dir.resolve("c-json.log.2")).doesNotExist();
        assertThat(dir.resolve("c-json.log.3.gz")).doesNotExist();
        try (var in = new GZIPInputStream(Files.newInputStream(dir.resolve("c-json.log.1.gz")))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("line 5").doesNotContain("line 7");
        }
        assertThat(dir.resolve("c-json.log.2.gz")).exists();
        assertThat(Files.readString(file)).contains("line 7"); // the current file stays plain
        assertThat(texts(file)).containsExactly("line 3", "line 4", "line 5", "line 6", "line 7");
    }

    @Test
    void whatACrashMidCompressionLeavesReadsOnce() throws Exception {
        Path file = dir.resolve("c-json.log");
        try (JsonFileLog log = JsonFileLog.open(file, 150, 4, false)) {
            for (int i = 1; i <= 5; i++) {
                line(log, "line " + i);
            }
        }
        // .2 is plain (never compressed); .1 is both, its gzip complete and the plain file not yet removed
        try (var out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("c-json.log.1.gz")))) {
            Files.copy(dir.resolve("c-json.log.1"), out);
        }
        Files.writeString(dir.resolve("c-json.log.1.gz.tmp"), "a partial gzip");
        assertThat(texts(file)).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");

        // the next rotations shift each file in its form, and keep max-file files
        try (JsonFileLog log = JsonFileLog.open(file, 150, 4, true)) {
            for (int i = 6; i <= 9; i++) {
                line(log, "line " + i);
            }
        }
        assertThat(texts(file)).containsExactly("line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9");
        assertThat(dir.resolve("c-json.log.4")).doesNotExist();
        assertThat(dir.resolve("c-json.log.4.gz")).doesNotExist();
    }
}
