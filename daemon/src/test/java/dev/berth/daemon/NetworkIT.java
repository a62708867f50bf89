package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container networks through the real docker CLI on a real berthd: the default bridge with an
 * address, route and hosts entry for each container, published ports answering on 127.0.0.1,
 * user networks whose containers find each other by name through the embedded DNS and cannot
 * reach other networks, connect and disconnect, refusals, and a daemon killed and started again.
 * The daemon gets a bridge and subnets of its own, chosen at random in 10.0.0.0/8 so that runs
 * side by side do not meet; all traffic stays between 127.0.0.1 and the test's own containers.
 */
@RequiresDockerCli
@RequiresRoot
class NetworkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** busybox httpd serving "hello from <name>" on port 80. */
    private static final String HTTPD = "mkdir -p /www && echo hello from $(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

    /**
     * A shell command that fetches / from {@code host:port} with busybox nc and prints the answer
     * (busybox-static's wget dies with SIGSEGV on an address literal here, so nc it is).
     */
    private static String fetch(String host, int port) {
        return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + host + " " + port;
    }

    @TempDir
    static Path dir;

    private static ContainerDaemon berth;
    private static DockerCli docker;
    private static String bridge;
    private static String prefix;
    private static Set<String> linksBefore;
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");
    private static String forwardingBefore;

    private static String[] daemonArgs() {
        return new String[] {"--bridge", bridge, "--bip", prefix + ".0.1/24",
                "--default-address-pool", "base=" + prefix + ".128.0/17,size=24"};
    }

    @BeforeAll
    static void start() throws Exception {
        int octet = ThreadLocalRandom.current().nextInt(100, 200);
        prefix = "10." + octet;
        bridge = "bt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        linksBefore = links();
        forwardingBefore = Files.readString(IP_FORWARD);
        berth = ContainerDaemon.start(dir, daemonArgs());
        docker = berth.docker;
    }

    @AfterEach
    void removeContainers() throws Exception {
        berth.removeContainers();
        docker.run("network", "prune", "-f").ok();
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
        // dockerd leaves docker0 behind when it stops; the test takes its bridge away itself
        run("ip", "link", "delete", bridge);
        run("nft", "delete", "table", "ip", "berth-" + bridge);
        // berthd turns IPv4 forwarding on, as dockerd does; the test puts the host's setting back
        Files.writeString(IP_FORWARD, forwardingBefore);
        assertThat(links()).as("interfaces left behind").isSubsetOf(linksBefore);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static Set<String> links() throws IOException, InterruptedException {
        return Set.copyOf(run("ip", "-o", "link", "show").lines()
                .map(l -> l.split(":")[1].trim().replaceAll("@.*", "")).toList());
    }

    private static JsonNode inspect(String... what) throws Exception {
        String[] args = new String[what.length + 1];
        args[0] = "inspect";
        System.arraycopy(what, 0, args, 1, what.length);
        return JSON.readTree(docker.run(args).ok().out()).get(0);
    }

    private static String get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = s.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void theDefaultBridgeGivesAnAddressARouteAndAHostsEntry() throws Exception {
        String out = docker.run("run", "--rm", "--hostname", "onbridge", "busybox", "sh", "-c",
                "ip -4 -o addr show eth0; ip route; grep onbridge /etc/hosts; ip -o link show lo").ok().out();
        assertThat(out).containsPattern("eth0\\s+inet " + prefix.replace(".", "\\.") + "\\.0\\.\\d+/24");
        assertThat(out).contains("default via " + prefix + ".0.1 dev eth0");
        assertThat(out).containsPattern(prefix.replace(".", "\\.") + "\\.0\\.\\d+\\tonbridge");
        assertThat(out).contains("<LOOPBACK,UP,LOWER_UP>");
        assertThat(docker.run("run", "--rm", "busybox", "ping", "-c", "1", "-W", "3", prefix + ".0.1").ok().out())
                .contains("1 packets received");
        String resolv = docker.run("run", "--rm", "--dns", "10.9.9.9", "--dns-search", "example.test", "--dns-option",
                "ndots:2", "--add-host", "db.local:10.1.2.3", "busybox", "sh", "-c", "cat /etc/resolv.conf /etc/hosts")
                .ok().out();
        assertThat(resolv).contains("nameserver 10.9.9.9").contains("search example.test").contains("options ndots:2")
                .contains("10.1.2.3\tdb.local");
        JsonNode bridgeNet = JSON.readTree(docker.run("network", "inspect", "bridge").ok().out()).get(0);
        assertThat(bridgeNet.at("/IPAM/Config/0/Subnet").asText()).isEqualTo(prefix + ".0.0/24");
        assertThat(bridgeNet.at("/Options/com.docker.network.bridge.name").asText()).isEqualTo(bridge);
    }

    @Test
    void publishedPortsAnswerOnLoopbackAndAreRefusedTwice() throws Exception {
        docker.run("run", "-d", "--name", "web", "-p", "127.0.0.1::80", "busybox", "sh", "-c", HTTPD).ok();
        String mapped = docker.run("port", "web", "80").ok().out().trim();
        assertThat(mapped).startsWith("127.0.0.1:");
        int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
        assertThat(get(port)).contains("200 OK").contains("hello from");
        JsonNode ports = inspect("web").at("/NetworkSettings/Ports/80~1tcp/0");
        assertThat(ports.get("HostIp").asText()).isEqualTo("127.0.0.1");
        assertThat(docker.run("ps", "--format", "{{.Ports}}").ok().out()).contains("127.0.0.1:" + port + "->80/tcp");

        Set<String> before = links();
        DockerCli.Result taken = docker.run("run", "-d", "--name", "second", "-p", "127.0.0.1:" + port + ":80",
                "busybox", "sleep", "60");
        assertThat(taken.exit()).isNotZero();
        assertThat(taken.err()).contains("port is already allocated");
        assertThat(links()).as("a failed start leaves no interface").isEqualTo(before);
        docker.run("rm", "-f", "web").ok();
        assertThat(links()).isSubsetOf(union(linksBefore, bridge));
    }

    @Test
    void userNetworksResolveNamesAndStayApart() throws Exception {
        docker.run("network", "create", "front").ok();
        docker.run("network", "create", "--subnet", prefix + ".250.0/24", "--gateway", prefix + ".250.254", "back").ok();
        docker.run("run", "-d", "--name", "api", "--network", "front", "--network-alias", "service", "busybox",
                "sh", "-c", HTTPD).ok();
        String apiIp = inspect("api").at("/NetworkSettings/Networks/front/IPAddress").asText();
        assertThat(apiIp).startsWith(prefix + ".128.");
        String fetched = docker.run("run", "--rm", "--network", "front", "busybox", "sh", "-c",
                "nslookup api 127.0.0.11; wget -q -O - http://service/; cat /etc/resolv.conf").ok().out();
        assertThat(fetched).contains(apiIp).contains("hello from").contains("nameserver 127.0.0.11");

        assertThat(docker.run("run", "--rm", "--network", "front", "busybox", "sh", "-c", fetch(apiIp, 80)).ok().out())
                .contains("hello from");
        DockerCli.Result fromBack = docker.run("run", "--rm", "--network", "back", "busybox", "sh", "-c",
                "ip -4 -o addr show eth0; " + fetch(apiIp, 80) + " || echo unreachable");
        assertThat(fromBack.ok().out()).contains(prefix + ".250.").contains("unreachable").doesNotContain("hello from");

        docker.run("rename", "api", "renamed").ok();
        assertThat(docker.run("run", "--rm", "--network", "front", "busybox", "nslookup", "renamed", "127.0.0.11")
                .ok().out()).contains(apiIp);
        String shortId = inspect("renamed").get("Id").asText().substring(0, 12);
        assertThat(docker.run("run", "--rm", "--network", "front", "busybox", "nslookup", shortId, "127.0.0.11")
                .ok().out()).contains(apiIp);
        JsonNode front = JSON.readTree(docker.run("network", "inspect", "front").ok().out()).get(0);
        assertThat(front.get("Containers").size()).isEqualTo(1);
        DockerCli.Result inUse = docker.run("network", "rm", "front");
        assertThat(inUse.exit()).isNotZero();
        assertThat(inUse.err()).contains("has active endpoints");
        String frontBridge = "br-" + front.get("Id").asText().substring(0, 12);
        assertThat(links()).contains(frontBridge);
        docker.run("rm", "-f", "renamed").ok();
        docker.run("network", "rm", "front", "back").ok();
        assertThat(links()).doesNotContain(frontBridge);
        assertThat(run("nft", "list", "tables")).doesNotContain("berth-" + frontBridge);
    }

    @Test
    void connectAndDisconnectARunningContainer() throws Exception {
        docker.run("network", "create", "extra").ok();
        docker.run("run", "-d", "--name", "roamer", "busybox", "sleep", "600").ok();
        docker.run("network", "connect", "--alias", "wanderer", "extra", "roamer").ok();
        String addrs = docker.run("exec", "roamer", "ip", "-4", "-o", "addr").ok().out();
        assertThat(addrs).contains("eth0").contains("eth1");
        DockerCli.Result twice = docker.run("network", "connect", "extra", "roamer");
        assertThat(twice.exit()).isNotZero();
        assertThat(twice.err()).contains("already exists in network extra");
        docker.run("network", "disconnect", "extra", "roamer").ok();
        assertThat(docker.run("exec", "roamer", "ip", "-4", "-o", "addr").ok().out()).doesNotContain("eth1");
        // a gap left by a disconnect is filled again: eth1 comes back while eth2 stays
        docker.run("network", "create", "more").ok();
        docker.run("network", "connect", "more", "roamer").ok();
        docker.run("network", "disconnect", "more", "roamer").ok();
        docker.run("network", "connect", "extra", "roamer").ok();
        docker.run("network", "connect", "more", "roamer").ok();
        docker.run("network", "disconnect", "extra", "roamer").ok();
        docker.run("network", "connect", "extra", "roamer").ok();
        assertThat(docker.run("exec", "roamer", "ip", "-4", "-o", "addr").ok().out()).contains("eth1").contains("eth2");
    }

    @Test
    void badRequestsAreRefusedAndLeaveNothing() throws Exception {
        docker.run("network", "create", "--subnet", prefix + ".240.0/24", "first").ok();
        DockerCli.Result overlap = docker.run("network", "create", "--subnet", prefix + ".240.0/25", "second");
        assertThat(overlap.exit()).isNotZero();
        assertThat(overlap.err()).contains("overlaps");
        DockerCli.Result gateway = docker.run("network", "create", "--subnet", prefix + ".241.0/24", "--gateway",
                prefix + ".242.1", "third");
        assertThat(gateway.exit()).isNotZero();
        assertThat(gateway.err()).contains(prefix + ".242.1");
        assertThat(docker.run("network", "ls", "--format", "{{.Name}}").ok().out().lines().toList())
                .doesNotContain("second", "third");
        docker.run("run", "-d", "--name", "fixed", "--network", "first", "--ip", prefix + ".240.10", "busybox",
                "sleep", "60").ok();
        DockerCli.Result inUse = docker.run("run", "-d", "--name", "clash", "--network", "first", "--ip",
                prefix + ".240.10", "busybox", "sleep", "60");
        assertThat(inUse.exit()).isNotZero();
        assertThat(inUse.err()).containsIgnoringCase("already in use");
        DockerCli.Result missing = docker.run("run", "--rm", "--network", "nosuch", "busybox", "true");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("network nosuch not found").doesNotContain("Unable to find image");
        DockerCli.Result builtin = docker.run("network", "rm", "bridge");
        assertThat(builtin.exit()).isNotZero();
        assertThat(builtin.err()).contains("pre-defined network");
    }

    @Test
    void aRestartedDaemonKeepsAddressesAndPorts() throws Exception {
        docker.run("run", "-d", "--name", "lasting", "-p", "127.0.0.1::80", "busybox", "sh", "-c", HTTPD).ok();
        String ip = inspect("lasting").at("/NetworkSettings/IPAddress").asText();
        String mac = inspect("lasting").at("/NetworkSettings/MacAddress").asText();
        assertThat(mac).startsWith("02:42:");
        String mapped = docker.run("port", "lasting", "80").ok().out().trim();
        int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
        berth = berth.killAndRestart(dir, daemonArgs());
        docker = berth.docker;
        assertThat(inspect("lasting").at("/NetworkSettings/IPAddress").asText()).isEqualTo(ip);
        assertThat(inspect("lasting").at("/NetworkSettings/MacAddress").asText()).isEqualTo(mac);
        assertThat(get(port)).contains("hello from");
        docker.run("rm", "-f", "lasting").ok();
        assertThat(links()).isSubsetOf(union(linksBefore, bridge));
        assertThat(Files.list(berth.daemon.execRoot.resolve("netns")).toList()).isEmpty();
    }

    @Test
    void containersReachPublishedPortsThroughTheGatewayAndLinksWriteHosts() throws Exception {
        docker.run("run", "-d", "--name", "origin", "-p", "80", "busybox", "sh", "-c", HTTPD).ok();
        String mapped = docker.run("port", "origin", "80").ok().out().lines().findFirst().orElseThrow().trim();
        int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
        String gateway = prefix + ".0.1";
        // hairpin: a container on the same bridge reaches the published port at the host's address
        assertThat(docker.run("run", "--rm", "busybox", "sh", "-c", fetch(gateway, port)).ok().out())
                .contains("hello from");
        String hosts = docker.run("run", "--rm", "--link", "origin:db", "busybox", "cat", "/etc/hosts").ok().out();
        String originIp = inspect("origin").at("/NetworkSettings/IPAddress").asText();
        assertThat(hosts).containsPattern(originIp.replace(".", "\\.") + "\\tdb [0-9a-f]{12} origin");
        docker.run("run", "-d", "--name", "all", "--expose", "80", "-P", "busybox", "sh", "-c", HTTPD).ok();
        int all = inspect("all").at("/NetworkSettings/Ports/80~1tcp/0/HostPort").asInt();
        assertThat(all).isPositive().isNotEqualTo(port);
        assertThat(get(all)).contains("hello from");
    }

    @Test
    void anInternalNetworkHasNoWayOut() throws Exception {
        docker.run("network", "create", "--internal", "sealed").ok();
        String out = docker.run("run", "--rm", "--network", "sealed", "busybox", "sh", "-c",
                "ip route; ping -c 1 -W 2 " + prefix + ".0.1 >/dev/null 2>&1 && echo reached || echo sealed").ok().out();
        assertThat(out).doesNotContain("default via").contains("sealed");
        JsonNode net = JSON.readTree(docker.run("network", "inspect", "sealed").ok().out()).get(0);
        assertThat(net.get("Internal").asBoolean()).isTrue();
    }

    @Test
    void aContainerThatDiedWhileTheDaemonWasDownIsUnpluggedAtRestart() throws Exception {
        docker.run("run", "-d", "--name", "gone", "--network", "bridge", "busybox", "sleep", "600").ok();
        JsonNode state = inspect("gone");
        long pid = state.at("/State/Pid").asLong();
        Set<String> withIt = links();
        berth.daemon.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL berthd, by its pid
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor(); // the container's init, by its pid
        berth = berth.killAndRestart(dir, daemonArgs());
        docker = berth.docker;
        assertThat(inspect("gone").at("/State/Running").asBoolean()).isFalse();
        assertThat(links()).isSubsetOf(union(linksBefore, bridge)).hasSizeLessThan(withIt.size());
        assertThat(Files.list(berth.daemon.execRoot.resolve("netns")).toList()).isEmpty();
        // its address is free again: a container asking for the network gets one at once
        docker.run("run", "--rm", "busybox", "true").ok();
    }

    private static Set<String> union(Set<String> a, String b) {
        return Set.copyOf(java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).toList());
    }
}
