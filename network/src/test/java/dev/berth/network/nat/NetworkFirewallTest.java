package dev.berth.network.nat;

import dev.berth.network.Protocol;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.linux.Nftables;
import dev.berth.linux.NftablesException;
import dev.berth.linux.testing.NftablesTestNetns;
import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The firewall's tables as the kernel holds them, in a namespace of the test's own. */
@RequiresRoot
class NetworkFirewallTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NftablesTestNetns ns;
    private Nftables nft;
    private NetworkFirewall firewall;

    @BeforeEach
    void setUp() throws IOException {
        ns = NftablesTestNetns.create("berth-fw");
        nft = ns.call(Nftables::open);
        firewall = new NetworkFirewall(nft);
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            nft.close();
        } finally {
            ns.close(); // the namespace takes its tables with it
        }
    }

    @Test
    void addNetworkCreatesTheTableWithItsChainsAndRules() throws IOException {
        firewall.addNetwork("berth0", "172.18.0.0/16", false);

        JsonNode table = listTable("berth-berth0");
        assertThat(objects(table, "chain")).extracting(c -> c.path("name").asText() + " " + c.path("type").asText()
                        + " " + c.path("hook").asText() + " " + c.path("prio").asInt())
                .containsExactly("prerouting nat prerouting -100", "postrouting nat postrouting 100",
                        "forward filter forward 0");
        assertThat(objects(table, "map")).extracting(m -> m.path("name").asText())
                .containsExactly("ports", "addr_ports");
        assertThat(objects(table, "rule")).hasSize(7);
        assertThat(ns.exec("nft", "list", "chain", "ip", "berth-berth0", "postrouting"))
                .contains("ip saddr 172.18.0.0/16 oifname != \"berth0\" masquerade");
    }

    @Test
    void anInternalNetworkHasNoNatChains() throws IOException {
        firewall.addNetwork("berth1", "10.5.0.0/24", true);

        JsonNode table = listTable("berth-berth1");
        assertThat(objects(table, "chain")).extracting(c -> c.path("name").asText()).containsExactly("forward");
        assertThat(objects(table, "rule")).extracting(r -> r.path("expr").toString())
                .allMatch(e -> e.contains("\"drop\""))
                .hasSize(2);
    }

    @Test
    void addingAgainReplacesTheTableAndRemovingTwiceIsFine() throws IOException {
        firewall.addNetwork("berth0", "172.18.0.0/16", false);
        firewall.publish("berth0", PortMapping.of(Protocol.TCP, 8080, ip("172.18.0.2"), 80));
        firewall.addNetwork("berth0", "172.19.0.0/16", true);

        assertThat(objects(listTable("berth-berth0"), "chain")).hasSize(1);
        assertThat(firewall.published("berth0")).isEmpty();
        assertThat(tables()).containsExactly("berth-berth0");

        firewall.removeNetwork("berth0");
        assertThat(tables()).isEmpty();
        firewall.removeNetwork("berth0");
        assertThatThrownBy(() -> ns.exec("nft", "-j", "list", "table", "ip", "berth-berth0"))
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void publishedPortsComeAndGoOneByOne() throws IOException {
        firewall.addNetwork("berth0", "172.18.0.0/16", false);
        PortMapping web = PortMapping.of(Protocol.TCP, 8080, ip("172.18.0.2"), 80);
        PortMapping dns = new PortMapping(Protocol.UDP, ip("10.0.0.5"), 53, ip("172.18.0.3"), 5353);
        PortMapping other = PortMapping.of(Protocol.UDP, 8080, ip("172.18.0.4"), 8080);

        firewall.publish("berth0", web);
        firewall.publish("berth0", dns);
        firewall.publish("berth0", other);
        firewall.publish("berth0", web); // again: no change
        assertThat(firewall.published("berth0")).containsExactlyInAnyOrder(web, dns, other);

        firewall.unpublish("berth0", web);
        assertThat(firewall.published("berth0")).containsExactlyInAnyOrder(dns, other);
        firewall.unpublish("berth0", web); // again: nothing to do
        firewall.unpublish("berth0", dns);
        assertThat(firewall.published("berth0")).containsExactly(other);
        assertThat(ns.exec("nft", "list", "map", "ip", "berth-berth0", "ports"))
                .contains("elements = { udp . 8080 : 172.18.0.4 . 8080 }");
    }

    @Test
    void aHostPortTakenByAnotherContainerIsNeitherPublishedNorUnpublished() throws IOException {
        firewall.addNetwork("berth0", "172.18.0.0/16", false);
        PortMapping first = PortMapping.of(Protocol.TCP, 8080, ip("172.18.0.2"), 80);
        PortMapping second = PortMapping.of(Protocol.TCP, 8080, ip("172.18.0.3"), 80);
        firewall.publish("berth0", first);

        assertThatThrownBy(() -> firewall.publish("berth0", second))
                .isInstanceOf(NftablesException.class)
                .hasMessage("publish tcp 0.0.0.0:8080 -> 172.18.0.3:80 on berth0: could not process rule: file exists");
        assertThatThrownBy(() -> firewall.unpublish("berth0", second))
                .hasMessage("unpublish tcp 0.0.0.0:8080 -> 172.18.0.3:80 on berth0: could not process rule: file exists");
        assertThat(firewall.published("berth0")).containsExactly(first);
    }

    @Test
    void publishingOnAMissingNetworkFails() {
        assertThatThrownBy(() -> firewall.publish("berth9", PortMapping.of(Protocol.TCP, 80, ip("10.0.0.2"), 80)))
                .hasMessage("publish tcp 0.0.0.0:80 -> 10.0.0.2:80 on berth9: no such file or directory");
    }

    @Test
    void bridgesListsOnlyBerthTables() throws IOException {
        ns.exec("nft", "add table ip someone-else; add table inet berth-inet; add table ip berthx");
        firewall.addNetwork("berth0", "172.18.0.0/16", false);
        firewall.addNetwork("br-1a2b3c4d5e6f", "172.19.0.0/16", true);

        assertThat(firewall.bridges()).containsExactly("berth0", "br-1a2b3c4d5e6f");
        firewall.removeNetwork("berth0");
        assertThat(firewall.bridges()).containsExactly("br-1a2b3c4d5e6f");
        assertThat(tables()).contains("someone-else", "berthx");
    }

    @Test
    void enableForwardingTurnsItOnInTheCallersNamespaceOnly() throws IOException {
        Path ipForward = Path.of("/proc/sys/net/ipv4/ip_forward");
        String hostBefore = Files.readString(ipForward);
        // a new namespace inherits the host's IPv4 settings (net.core.devconf_inherit_init_net 0):
        // turned off in the test's namespace first, so that turning it on is seen
        ns.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        assertThat(ns.exec("cat", ipForward.toString())).isEqualTo("0\n");

        assertThat(ns.call(firewall::enableForwarding)).isTrue();
        assertThat(ns.exec("cat", ipForward.toString())).isEqualTo("1\n");
        assertThat(ns.call(firewall::enableForwarding)).isFalse();
        assertThat(Files.readString(ipForward)).isEqualTo(hostBefore);
    }

    private JsonNode listTable(String name) throws IOException {
        return JSON.readTree(ns.exec("nft", "-j", "list", "table", "ip", name)).path("nftables");
    }

    private List<String> tables() throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode t : objects(JSON.readTree(ns.exec("nft", "-j", "list", "tables")).path("nftables"), "table")) {
            names.add(t.path("name").asText());
        }
        return names;
    }

    private static List<JsonNode> objects(JsonNode nftables, String kind) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode item : nftables) {
            if (item.has(kind)) {
                found.add(item.path(kind));
            }
        }
        return found;
    }

    private static Inet4Address ip(String literal) {
        try {
            return (Inet4Address) InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
