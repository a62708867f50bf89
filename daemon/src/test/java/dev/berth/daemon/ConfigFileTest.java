package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    private Path file(String json) throws Exception {
        return Files.writeString(dir.resolve("daemon.json"), json);
    }

    @Test
    void readsDockerdKeys() throws Exception {
        Settings s = ConfigFile.read(file("""
                {"hosts": ["unix:///tmp/a.sock", "tcp://127.0.0.1:2375"], "data-root": "/srv/berth",
                 "exec-root": "/run/b", "pidfile": "/run/b.pid", "tls": true, "tlsverify": false,
                 "tlscacert": "/c/ca.pem", "tlscert": "/c/cert.pem", "tlskey": "/c/key.pem",
                 "insecure-registries": ["10.0.0.0/8"], "registry-mirrors": ["https://m.example"],
                 "log-level": "warn", "debug": false}
                """));
        assertThat(s.hosts()).containsExactly("unix:///tmp/a.sock", "tcp://127.0.0.1:2375");
        assertThat(s.dataRoot()).isEqualTo(Path.of("/srv/berth"));
        assertThat(s.execRoot()).isEqualTo(Path.of("/run/b"));
        assertThat(s.pidFile()).isEqualTo(Path.of("/run/b.pid"));
        assertThat(s.tls()).isTrue();
        assertThat(s.tlsVerify()).isFalse();
        assertThat(s.tlsKey()).isEqualTo(Path.of("/c/key.pem"));
        assertThat(s.insecureRegistries()).containsExactly("10.0.0.0/8");
        assertThat(s.registryMirrors()).containsExactly("https://m.example");
        assertThat(s.logLevel()).isEqualTo("warn");
        assertThat(s.debug()).isFalse();
    }

    @Test
    void anEmptyObjectSetsNothing() throws Exception {
        assertThat(ConfigFile.read(file("{}"))).isEqualTo(Settings.NONE);
    }

    @Test
    void unknownKeysAreRefusedAsDockerdRefusesThem() throws Exception {
        Path f = file("{\"data-rot\": \"/x\", \"debug\": true, \"colour\": \"blue\"}");
        assertThatThrownBy(() -> ConfigFile.read(f)).isInstanceOf(StartupFailure.class)
                .hasMessage("config file " + f + ": the following directives don't match any configuration option: data-rot, colour");
    }

    @Test
    void dockerdOptionsBerthLacksAreNamedAsSuch() throws Exception {
        Path f = file("{\"live-restore\": true, \"iptables\": false}");
        assertThatThrownBy(() -> ConfigFile.read(f)).isInstanceOf(StartupFailure.class)
                .hasMessage("config file " + f + ": the following dockerd directives are not supported by berthd: live-restore, iptables");
    }

    @Test
    void typesAreChecked() throws Exception {
        Path f = file("{\"debug\": \"yes\"}");
        assertThatThrownBy(() -> ConfigFile.read(f)).hasMessage("config file " + f + ": \"debug\" must be true or false, not string");
        Path g = file("{\"hosts\": \"unix:///x\"}");
        assertThatThrownBy(() -> ConfigFile.read(g)).hasMessageEndingWith("\"hosts\" must be an array of strings, not string");
    }

    @Test
    void brokenJsonAndMissingFiles() throws Exception {
        Path f = file("{\"debug\": true,,}");
        assertThatThrownBy(() -> ConfigFile.read(f)).hasMessageStartingWith("config file " + f + ": invalid JSON");
        Path none = dir.resolve("none.json");
        assertThatThrownBy(() -> ConfigFile.read(none)).hasMessage("config file " + none + ": no such file");
        Path arr = file("[]");
        assertThatThrownBy(() -> ConfigFile.read(arr)).hasMessageEndingWith("expected a JSON object");
    }

    @Test
    void flagsWinOverTheFile() throws Exception {
        Settings file = ConfigFile.read(file("{\"data-root\": \"/from/file\", \"exec-root\": \"/run/file\", \"hosts\": [\"unix:///f.sock\"]}"));
        Settings flags = new Settings(null, null, null, null, null, null, Path.of("/from/flag"), null, null, List.of(),
                null, null, null, null, null, null, null, null);
        Settings merged = flags.over(file);
        assertThat(merged.dataRoot()).isEqualTo(Path.of("/from/flag"));
        assertThat(merged.execRoot()).isEqualTo(Path.of("/run/file"));
        assertThat(merged.hosts()).containsExactly("unix:///f.sock");
    }

    @Test
    void networkAndLogDefaultsAsDaemonJsonWritesThem() throws Exception {
        Path f = file("""
                {"bridge": "br9", "bip": "10.9.0.1/24",
                 "default-address-pools": [{"base": "10.10.0.0/16", "size": 24}],
                 "log-driver": "json-file", "log-opts": {"max-size": "10m", "max-file": "3"}}""");
        Settings s = ConfigFile.read(f);
        assertThat(s.bridge()).isEqualTo("br9");
        assertThat(s.bip()).isEqualTo("10.9.0.1/24");
        assertThat(s.defaultAddressPools()).containsExactly("base=10.10.0.0/16,size=24");
        assertThat(s.logDriver()).isEqualTo("json-file");
        assertThat(s.logOpts()).containsExactly(java.util.Map.entry("max-size", "10m"), java.util.Map.entry("max-file", "3"));
        Path bad = file("{\"log-opts\": {\"max-size\": 10}}");
        assertThatThrownBy(() -> ConfigFile.read(bad)).hasMessageContaining("log-opts.max-size");
    }
}
