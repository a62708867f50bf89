package dev.berth.network.nat;

import dev.berth.network.Protocol;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class NetworkTableTest {
    private final NetworkTable table = new NetworkTable("berth0");

    @Test
    void aBridgedNetworkMasqueradesForwardsOutAndAdmitsOnlyRepliesAndPublishedPorts() {
        assertThat(table.create("172.18.0.1/16", false)).isEqualTo("""
                table ip berth-berth0
                delete table ip berth-berth0
                table ip berth-berth0 {
                	map ports {
                		type inet_proto . inet_service : ipv4_addr . inet_service
                	}
                	map addr_ports {
                		type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
                	}
                	chain prerouting {
                		type nat hook prerouting priority dstnat; policy accept;
                		iifname != "berth0" dnat ip to ip daddr . meta l4proto . th dport map @addr_ports
                		iifname != "berth0" fib daddr type local dnat ip to meta l4proto . th dport map @ports
                	}
                	chain postrouting {
                		type nat hook postrouting priority srcnat; policy accept;
                		ip saddr 172.18.0.0/16 oifname != "berth0" masquerade
                	}
                	chain forward {
                		type filter hook forward priority filter; policy accept;
                		iifname "berth0" oifname != "berth0" accept
                		iifname != "berth0" oifname "berth0" ct state established,related accept
                		iifname != "berth0" oifname "berth0" ct status dnat accept
                		iifname != "berth0" oifname "berth0" drop
                	}
                }
                """);
    }

    @Test
    void anInternalNetworkKeepsEverythingOnItsBridge() {
        assertThat(table.create("10.5.0.0/24", true)).isEqualTo("""
                table ip berth-berth0
                delete table ip berth-berth0
                table ip berth-berth0 {
                	map ports {
                		type inet_proto . inet_service : ipv4_addr . inet_service
                	}
                	map addr_ports {
                		type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
                	}
                	chain forward {
                		type filter hook forward priority filter; policy accept;
                		iifname "berth0" oifname != "berth0" drop
                		iifname != "berth0" oifname "berth0" drop
                	}
                }
                """);
    }

    @Test
    void deleteSucceedsWhetherOrNotTheTableExists() {
        assertThat(table.delete()).isEqualTo("table ip berth-berth0\ndelete table ip berth-berth0\n");
    }

    @Test
    void portsOnEveryAddressAndOnOneAddressGoToTheirOwnMaps() throws UnknownHostException {
        PortMapping all = PortMapping.of(Protocol.TCP, 8080, ip("172.18.0.2"), 80);
        PortMapping one = new PortMapping(Protocol.UDP, ip("10.0.0.5"), 53, ip("172.18.0.3"), 5353);

        assertThat(table.publish(all))
                .isEqualTo("add element ip berth-berth0 ports { tcp . 8080 : 172.18.0.2 . 80 }\n");
        assertThat(table.publish(one))
                .isEqualTo("add element ip berth-berth0 addr_ports { 10.0.0.5 . udp . 53 : 172.18.0.3 . 5353 }\n");
        assertThat(table.unpublish(all)).isEqualTo("""
                add element ip berth-berth0 ports { tcp . 8080 : 172.18.0.2 . 80 }
                delete element ip berth-berth0 ports { tcp . 8080 }
                """);
        assertThat(table.unpublish(one)).isEqualTo("""
                add element ip berth-berth0 addr_ports { 10.0.0.5 . udp . 53 : 172.18.0.3 . 5353 }
                delete element ip berth-berth0 addr_ports { 10.0.0.5 . udp . 53 }
                """);
    }

    @Test
    void anyAddressIsTheSameAsNone() throws UnknownHostException {
        PortMapping any = new PortMapping(Protocol.TCP, ip("0.0.0.0"), 8080, ip("172.18.0.2"), 80);
        assertThat(any.hostIp()).isNull();
        assertThat(any).isEqualTo(PortMapping.of(Protocol.TCP, 8080, ip("172.18.0.2"), 80));
        assertThat(any).hasToString("tcp 0.0.0.0:8080 -> 172.18.0.2:80");
    }

    @Test
    void namesAndSubnetsThatCouldChangeTheScriptAreRefused() {
        for (String bad : new String[] {"", "br\" accept", "a b", "averyveryverylongname", "-lead", "x;y"}) {
            assertThatThrownBy(() -> new NetworkTable(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid bridge name: " + bad);
        }
        for (String bad : new String[] {"10.0.0.0", "10.0.0/8", "10.0.0.256/8", "10.0.0.0/33", "10.0.0.0/8; flush",
                "a.b.c.d/8", "10.0.0.0/+8", null}) {
            assertThatThrownBy(() -> table.create(bad, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid IPv4 subnet: " + bad);
        }
        assertThat(NetworkTable.canonicalSubnet("10.1.2.3/0")).isEqualTo("0.0.0.0/0");
        assertThat(NetworkTable.canonicalSubnet("10.1.2.3/32")).isEqualTo("10.1.2.3/32");
        assertThat(NetworkTable.canonicalSubnet("192.168.200.77/20")).isEqualTo("192.168.192.0/20");
        assertThat(new NetworkTable("br-1a2b3c4d5e6f").name()).isEqualTo("berth-br-1a2b3c4d5e6f");
    }

    @Test
    void portsOutOfRangeAndUnknownProtocolsAreRefused() {
        assertThatThrownBy(() -> PortMapping.of(Protocol.TCP, 0, ip("10.0.0.2"), 80))
                .hasMessage("host port out of range 1-65535: 0");
        assertThatThrownBy(() -> PortMapping.of(Protocol.TCP, 80, ip("10.0.0.2"), 65536))
                .hasMessage("container port out of range 1-65535: 65536");
        assertThat(Protocol.of("UDP")).isEqualTo(Protocol.UDP);
        assertThatThrownBy(() -> Protocol.of("sctp")).hasMessage("unsupported protocol: sctp");
    }

    private static Inet4Address ip(String literal) throws UnknownHostException {
        return (Inet4Address) InetAddress.getByName(literal);
    }
}
