package dev.berth.network.ipam;

import static dev.berth.network.ipam.SubnetTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.network.ipam.IpamException.Kind;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpamTest {
    @TempDir
    Path dir;

    @Test
    void defaultBridgeGets172Dot17AndUserNetworksTheNextFreePoolSubnet() throws Exception {
        Ipam ipam = new Ipam(dir);
        NetworkAddressing bridge = ipam.addNetwork("bridge", null, null, null);
        assertThat(bridge.subnet()).hasToString("172.17.0.0/16");
        assertThat(bridge.gateway()).isEqualTo(ip("172.17.0.1"));
        assertThat(bridge.ipRange()).isEqualTo(bridge.subnet());
        assertThat(ipam.addNetwork("n1", null, null, null).subnet()).hasToString("172.18.0.0/16");
        assertThat(ipam.addNetwork("n2", null, null, null).subnet()).hasToString("172.19.0.0/16");
    }

    @Test
    void poolPickingSkipsSubnetsThatOverlapRegisteredNetworks() throws Exception {
        Ipam ipam = new Ipam(dir);
        ipam.addNetwork("wide", Subnet.parse("172.20.0.0/14"), null, null);
        ipam.addNetwork("small", Subnet.parse("172.17.5.0/24"), null, null);
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            picked.add(ipam.addNetwork("n" + i, null, null, null).subnet().toString());
        }
        assertThat(picked).containsExactly("172.18.0.0/16", "172.19.0.0/16", "172.24.0.0/16");
    }

    @Test
    void poolPickingStaysClearOfTheHostsOwnNetworks() throws Exception {
        // a LAN on 172.17.0.0/16 and a VPN on 172.18.4.0/22: the default bridge moves on, as dockerd's does
        HostNetworks host = () -> List.of(Subnet.parse("172.17.0.0/16"), Subnet.parse("172.18.4.0/22"));
        Ipam ipam = new Ipam(dir, AddressPool.dockerDefaults(), host);
        assertThat(ipam.addNetwork("bridge", null, null, null).subnet()).hasToString("172.19.0.0/16");
        // a subnet the user names is taken as named
        assertThat(ipam.addNetwork("lan", Subnet.parse("172.17.0.0/24"), null, null).subnet()).hasToString("172.17.0.0/24");
        Ipam failing = new Ipam(dir.resolve("other"), AddressPool.dockerDefaults(), () -> {
            throw new java.io.IOException("netlink dump refused");
        });
        assertThatThrownBy(() -> failing.addNetwork("n", null, null, null))
                .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTERNAL))
                .hasMessage("list the host's networks: netlink dump refused");
    }

    @Test
    void configuredPoolsReplaceTheDefaultsAndRunOut() throws Exception {
        Ipam ipam = new Ipam(dir, List.of(AddressPool.parse("base=10.10.0.0/23,size=24")));
        assertThat(ipam.addNetwork("bridge", null, null, null).subnet()).hasToString("10.10.0.0/24");
        assertThat(ipam.addNetwork("n1", null, null, null).subnet()).hasToString("10.10.1.0/24");
        assertThatThrownBy(() -> ipam.addNetwork("n2", null, null, null))
                .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessage("all predefined address pools have been fully subnetted");
        ipam.removeNetwork("n1");
        assertThat(ipam.addNetwork("n2", null, null, null).subnet()).hasToString("10.10.1.0/24");
    }

    @Test
    void refusesOverlapsBadGatewaysAndRanges() throws Exception {
        Ipam ipam = new Ipam(dir);
        ipam.addNetwork("a", Subnet.parse("10.1.0.0/16"), null, null);
        assertThatThrownBy(() -> ipam.addNetwork("b", Subnet.parse("10.1.2.0/24"), null, null))
                .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT))
                .hasMessage("invalid pool request: Pool overlaps with other one on this address space");
        assertThatThrownBy(() -> ipam.addNetwork("b", Subnet.parse("10.0.0.0/8"), null, null))
                .hasMessage("invalid pool request: Pool overlaps with other one on this address space");
        assertThatThrownBy(() -> ipam.addNetwork("b", Subnet.parse("10.2.0.0/16"), null, ip("10.1.0.1")))
                .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT))
                .hasMessage("no matching subnet for gateway 10.1.0.1");
        assertThatThrownBy(() -> ipam.addNetwork("b", Subnet.parse("10.2.0.0/16"), Subnet.parse("10.3.0.0/24"), null))
                .hasMessage("invalid ip-range 10.3.0.0/24: it must be within subnet 10.2.0.0/16");
        assertThatThrownBy(() -> ipam.addNetwork("a", Subnet.parse("10.9.0.0/16"), null, null))
                .hasMessage("network a already has an address space");
        assertThatThrownBy(() -> ipam.addNetwork("../etc", Subnet.parse("10.9.0.0/16"), null, null))
                .hasMessage("invalid network id ../etc");
        // nothing of the refused requests was registered
        assertThat(ipam.network("b")).isEmpty();
        assertThat(ipam.addNetwork("b", Subnet.parse("10.2.0.0/16"), null, ip("10.2.255.254")).gateway())
                .isEqualTo(ip("10.2.255.254"));
    }

    @Test
    void handsOutAddressesRoundRobinSoAReleasedOneIsNotReusedAtOnce() throws Exception {
        Ipam ipam = new Ipam(dir);
        ipam.addNetwork("n", Subnet.parse("10.7.0.0/24"), null, null);
        assertThat(ipam.allocate("n", null, "c1")).isEqualTo(ip("10.7.0.2"));
        assertThat(ipam.allocate("n", null, "c2")).isEqualTo(ip("10.7.0.3"));
        ipam.release("n", ip("10.7.0.2"));
        assertThat(ipam.allocate("n", null, "c3")).isEqualTo(ip("10.7.0.4"));
        assertThat(ipam.allocations("n")).containsExactly(
                Map.entry(ip("10.7.0.3"), "c2"), Map.entry(ip("10.7.0.4"), "c3"));
    }

    @Test
    void requestedAddresses() throws Exception {
        Ipam ipam = new Ipam(dir);
        ipam.addNetwork("n", Subnet.parse("10.7.0.0/24"), Subnet.parse("10.7.0.128/25"), null);
        assertThat(ipam.allocate("n", null, "c1")).isEqualTo(ip("10.7.0.128"));
        // a fixed address outside the ip range but inside the subnet is what --ip-range leaves room for
        assertThat(ipam.allocate("n", ip("10.7.0.10"), "c2")).isEqualTo(ip("10.7.0.10"));
        for (String taken : new String[] {"10.7.0.10", "10.7.0.128", "10.7.0.1", "10.7.0.0", "10.7.0.255"}) {
            assertThatThrownBy(() -> ipam.allocate("n", ip(taken), "c3")).as(taken)
                    .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT))
                    .hasMessage("Address already in use");
        }
        assertThatThrownBy(() -> ipam.allocate("n", ip("10.8.0.1"), "c3"))
                .hasMessage("requested address 10.8.0.1 is out of subnet 10.7.0.0/24 of network n");
        // a requested address does not move the round-robin search
        assertThat(ipam.allocate("n", null, "c4")).isEqualTo(ip("10.7.0.129"));
    }

    @Test
    void aFullNetworkSaysSoAndTheSearchWrapsAround() throws Exception {
        Ipam ipam = new Ipam(dir);
        ipam.addNetwork("tiny", Subnet.parse("10.9.0.0/29"), null, null);
        List<Inet4Address> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(ipam.allocate("tiny", null, "c" + i));
        }
        assertThat(got).containsExactly(ip("10.9.0.2"), ip("10.9.0.3"), ip("10.9.0.4"), ip("10.9.0.5"), ip("10.9.0.6"));
        assertThatThrownBy(() -> ipam.allocate("tiny", null, "c5"))
                .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessage("no available addresses on network tiny");
        ipam.release("tiny", ip("10.9.0.3"));
        assertThat(ipam.allocate("tiny", null, "c5")).isEqualTo(ip("10.9.0.3"));
    }

    @Test
    void unknownNetworksAreNotFound() throws Exception {
        Ipam ipam = new Ipam(dir);
        assertThatThrownBy(() -> ipam.allocate("nope", null, "c1"))
                .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessage("network nope not found");
        assertThatThrownBy(() -> ipam.release("nope", ip("10.0.0.2"))).hasMessage("network nope not found");
        assertThatThrownBy(() -> ipam.allocations("nope")).hasMessage("network nope not found");
        assertThatThrownBy(() -> ipam.removeNetwork("nope")).hasMessage("network nope not found");
        assertThat(ipam.network("nope")).isEmpty();
    }

    @Test
    void releaseOwnerFreesAContainersAddressesOnEveryNetwork() throws Exception {
        Ipam ipam = new Ipam(dir);
        ipam.addNetwork("a", Subnet.parse("10.1.0.0/24"), null, null);
        ipam.addNetwork("b", Subnet.parse("10.2.0.0/24"), null, null);
        ipam.allocate("a", null, "web");
        ipam.allocate("a", null, "db");
        ipam.allocate("b", null, "web");
        ipam.releaseOwner("web");
        assertThat(ipam.allocations("a")).containsExactly(Map.entry(ip("10.1.0.3"), "db"));
        assertThat(ipam.allocations("b")).isEmpty();
        ipam.release("a", ip("10.1.0.200")); // not handed out: nothing to do
        ipam.release("a", ip("192.0.2.1")); // not in the subnet: nothing to do
        assertThat(ipam.allocations("a")).hasSize(1);
    }

    @Test
    void aNewIpamOnTheSameDirectorySeesTheSameState() throws Exception {
        Ipam first = new Ipam(dir);
        NetworkAddressing n = first.addNetwork("n", Subnet.parse("10.7.0.0/24"), Subnet.parse("10.7.0.0/25"),
                ip("10.7.0.254"));
        first.addNetwork("gone", null, null, null);
        // the gateway is .254, so .1 is a container's
        assertThat(first.allocate("n", null, "c1")).isEqualTo(ip("10.7.0.1"));
        assertThat(first.allocate("n", null, "c2")).isEqualTo(ip("10.7.0.2"));
        first.allocate("n", ip("10.7.0.200"), "c3");
        first.release("n", ip("10.7.0.1"));
        first.removeNetwork("gone");

        Ipam second = new Ipam(dir);
        assertThat(second.network("n")).contains(n);
        assertThat(second.network("gone")).isEmpty();
        assertThat(second.allocations("n")).containsExactly(
                Map.entry(ip("10.7.0.2"), "c2"), Map.entry(ip("10.7.0.200"), "c3"));
        // the round-robin position survived too: .1 was just released and is not handed out next
        assertThat(second.allocate("n", null, "c4")).isEqualTo(ip("10.7.0.3"));
        assertThatThrownBy(() -> second.allocate("n", ip("10.7.0.2"), "c5")).hasMessage("Address already in use");
        assertThatThrownBy(() -> second.allocate("n", ip("10.7.0.254"), "c5")).hasMessage("Address already in use");
        assertThatThrownBy(() -> second.addNetwork("x", Subnet.parse("10.7.0.128/25"), null, null))
                .hasMessage("invalid pool request: Pool overlaps with other one on this address space");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("n.json");
        }
    }

    @Test
    void aTemporaryFileLeftByACrashIsIgnoredAndRemoved() throws Exception {
        Ipam first = new Ipam(dir);
        first.addNetwork("n", Subnet.parse("10.7.0.0/24"), null, null);
        first.allocate("n", null, "c1");
        // a write cut short: the rename never happened, so n.json still holds the last state
        Files.writeString(dir.resolve("n.json.tmp"), "{\"network\":\"n\",\"sub");
        Files.writeString(dir.resolve("other.json.tmp"), "");

        Ipam second = new Ipam(dir);
        assertThat(second.allocations("n")).containsExactly(Map.entry(ip("10.7.0.2"), "c1"));
        assertThat(second.network("other")).isEmpty();
        assertThat(dir.resolve("n.json.tmp")).doesNotExist();
        assertThat(dir.resolve("other.json.tmp")).doesNotExist();
    }

    @Test
    void aDamagedStateFileIsReportedWithItsName() throws Exception {
        Files.writeString(dir.resolve("n.json"), "{\"network\":\"n\",\"subnet\":\"10.7.0.1/24\"}");
        assertThatThrownBy(() -> new Ipam(dir))
                .isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTERNAL))
                .hasMessageStartingWith("load ipam state from " + dir + ": read " + dir.resolve("n.json") + ": ")
                .hasMessageContaining("invalid subnet 10.7.0.1/24");
    }

    @Test
    void concurrentAllocationsNeverHandOutAnAddressTwice() throws Exception {
        Ipam ipam = new Ipam(dir);
        ipam.addNetwork("n", Subnet.parse("10.7.0.0/24"), null, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Inet4Address>> futures = new ArrayList<>();
            for (int i = 0; i < 253; i++) {
                String owner = "c" + i;
                futures.add(pool.submit(() -> ipam.allocate("n", null, owner)));
            }
            Set<Inet4Address> got = new HashSet<>();
            for (Future<Inet4Address> f : futures) {
                got.add(f.get());
            }
            assertThat(got).hasSize(253);
            assertThat(new Ipam(dir).allocations("n")).hasSize(253);
            assertThatThrownBy(() -> ipam.allocate("n", null, "one-more"))
                    .hasMessage("no available addresses on network n");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInMemoryIpamHandsOutTheSameWayAndWritesNothing(@TempDir Path unused) throws Exception {
        Ipam ipam = Ipam.inMemory(AddressPool.dockerDefaults(), HostNetworks.NONE);
        NetworkAddressing bridge = ipam.addNetwork("n1", null, null, null);
        assertThat(bridge.subnet()).hasToString("172.17.0.0/16");
        assertThat(ipam.allocate("n1", null, "c1").getHostAddress()).isEqualTo("172.17.0.2");
        assertThat(ipam.allocate("n1", null, "c2").getHostAddress()).isEqualTo("172.17.0.3");
        ipam.releaseOwner("c1");
        assertThat(ipam.allocations("n1")).hasSize(1);
        ipam.removeNetwork("n1");
        assertThat(ipam.network("n1")).isEmpty();
        try (var files = java.nio.file.Files.list(unused)) {
            assertThat(files).isEmpty();
        }
    }
}
