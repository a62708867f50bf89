package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ListenAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
    @TempDir
    Path dir;

    private static Settings hosts(String... h) {
        return new Settings(List.of(h), null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void defaults() throws Exception {
        DaemonConfig c = DaemonConfig.resolve(Settings.NONE);
        assertThat(c.hosts()).containsExactly(new ListenAddress.Unix(Path.of("/run/berth/berth.sock")));
        assertThat(c.dataRoot()).isEqualTo(Path.of("/var/lib/berth"));
        assertThat(c.execRoot()).isEqualTo(Path.of("/run/berth"));
        assertThat(c.pidFile()).isEqualTo(Path.of("/run/berth/berthd.pid"));
        assertThat(c.tls()).isNull();
        assertThat(c.logLevel()).isEqualTo(Level.INFO);
        assertThat(c.debug()).isFalse();
    }

    @Test
    void pidFileFollowsTheExecRoot() throws Exception {
        DaemonConfig c = DaemonConfig.resolve(new Settings(null, null, null, null, null, null, null, Path.of("/tmp/x/exec"),
                null, null, null, null, null, null, null, null, null, null));
        assertThat(c.pidFile()).isEqualTo(Path.of("/tmp/x/exec/berthd.pid"));
    }

    @Test
    void badHostsNameTheFlag() {
        assertThatThrownBy(() -> DaemonConfig.resolve(hosts("http://x:1"))).isInstanceOf(StartupFailure.class)
                .hasMessage("-H http://x:1: unknown scheme http://; use unix:// or tcp://");
    }

    @Test
    void logLevels() throws Exception {
        assertThat(DaemonConfig.logLevel("debug")).isEqualTo(Level.FINE);
        assertThat(DaemonConfig.logLevel("warn")).isEqualTo(Level.WARNING);
        assertThat(DaemonConfig.logLevel("fatal")).isEqualTo(Level.SEVERE);
        assertThatThrownBy(() -> DaemonConfig.logLevel("loud")).hasMessage("--log-level loud: unknown level; use debug, info, warn, error or fatal");
    }

    @Test
    void tlsNeedsItsFilesOnlyWithATcpListener() throws Exception {
        Settings noFiles = new Settings(List.of("tcp://127.0.0.1:0"), null, true, dir.resolve("ca.pem"),
                dir.resolve("cert.pem"), dir.resolve("key.pem"), null, null, null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> DaemonConfig.resolve(noFiles)).hasMessage("--tlscert " + dir.resolve("cert.pem") + ": no such file");
        Settings unixOnly = new Settings(List.of("unix:///tmp/x.sock"), null, true, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
        assertThat(DaemonConfig.resolve(unixOnly).tls()).isNull();

        for (String f : new String[] {"ca.pem", "cert.pem", "key.pem"}) {
            Files.writeString(dir.resolve(f), "x");
        }
        DaemonConfig c = DaemonConfig.resolve(noFiles);
        assertThat(c.tls().verify()).isTrue();
        assertThat(c.tls().ca()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(c.hosts()).containsExactly(new ListenAddress.Tcp("127.0.0.1", 0));
    }

    @Test
    void registries() throws Exception {
        assertThat(DaemonConfig.insecureRegistry("10.0.0.0/8")).isEqualTo("10.0.0.0/8");
        assertThat(DaemonConfig.insecureRegistry("registry.local:5000")).isEqualTo("registry.local:5000");
        assertThatThrownBy(() -> DaemonConfig.insecureRegistry("http://r:5000"))
                .hasMessage("--insecure-registry http://r:5000: insecure registry should not contain '://'");
        assertThatThrownBy(() -> DaemonConfig.insecureRegistry("10.0.0.0/99")).hasMessageContaining("not a CIDR");
        assertThat(DaemonConfig.mirror("https://mirror.gcr.io")).isEqualTo("https://mirror.gcr.io/");
        assertThat(DaemonConfig.mirror("http://127.0.0.1:5000/")).isEqualTo("http://127.0.0.1:5000/");
        assertThatThrownBy(() -> DaemonConfig.mirror("ftp://m")).hasMessageContaining("unsupported scheme \"ftp\"");
        assertThatThrownBy(() -> DaemonConfig.mirror("https://m/path")).hasMessageContaining("must not have a path");
    }

    @Test
    void dataAndExecRootsMustDiffer() {
        Settings s = new Settings(null, null, null, null, null, null, Path.of("/x"), Path.of("/x"), null, null, null, null, null,
                null, null, null, null, null);
        assertThatThrownBy(() -> DaemonConfig.resolve(s)).hasMessage("--exec-root /x: must differ from --data-root");
    }

    private static Settings bridge(String bridge, String bip, List<String> pools) {
        return new Settings(null, null, null, null, null, null, null, null, null, null, null, null, null, bridge, bip, pools, null, null);
    }

    @Test
    void theDefaultBridgeIsBerth0AndNoneTurnsItOff() throws Exception {
        assertThat(DaemonConfig.resolve(bridge("none", null, null)).bridge()).isNull();
        assertThat(DaemonConfig.resolve(hosts("unix:///tmp/x.sock")).bridge()).isEqualTo("berth0");
        assertThat(DaemonConfig.resolve(bridge("br-test", "10.9.0.1/24", List.of("base=10.10.0.0/16,size=24"))))
                .satisfies(c -> {
                    assertThat(c.bridge()).isEqualTo("br-test");
                    assertThat(c.bip()).isEqualTo("10.9.0.1/24");
                    assertThat(c.addressPools()).containsExactly("base=10.10.0.0/16,size=24");
                });
    }

    @Test
    void badBridgeSettingsNameTheFlag() {
        assertThatThrownBy(() -> DaemonConfig.resolve(bridge("a-name-far-too-long", null, null)))
                .hasMessageStartingWith("--bridge a-name-far-too-long: ");
        assertThatThrownBy(() -> DaemonConfig.resolve(bridge(null, "10.9.0.1", null)))
                .hasMessageStartingWith("--bip 10.9.0.1: expected an IPv4 address with a prefix length");
        assertThatThrownBy(() -> DaemonConfig.resolve(bridge(null, null, List.of("10.10.0.0/16"))))
                .hasMessageStartingWith("--default-address-pool 10.10.0.0/16: expected base=CIDR,size=N");
    }
}
