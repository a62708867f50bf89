package dev.berth.network.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import org.junit.jupiter.api.Test;

class SubnetTest {

    static Inet4Address ip(String text) {
        return Subnet.parseAddress(text, text);
    }

    @Test
    void parsesCidrAndPrintsItBack() {
        Subnet s = Subnet.parse("172.18.0.0/16");
        assertThat(s.network()).isEqualTo(ip("172.18.0.0"));
        assertThat(s.prefixLength()).isEqualTo(16);
        assertThat(s).hasToString("172.18.0.0/16");
        assertThat(s.size()).isEqualTo(65536);
        assertThat(s.broadcast()).isEqualTo(ip("172.18.255.255"));
        assertThat(s.address(2)).isEqualTo(ip("172.18.0.2"));
        assertThat(s.address(258)).isEqualTo(ip("172.18.1.2"));
        assertThat(s.offsetOf(ip("172.18.1.2"))).isEqualTo(258);
    }

    @Test
    void handlesTheEdgesOfTheAddressSpace() {
        Subnet all = Subnet.parse("0.0.0.0/0");
        assertThat(all.size()).isEqualTo(1L << 32);
        assertThat(all.broadcast()).isEqualTo(ip("255.255.255.255"));
        assertThat(all.contains(ip("200.1.2.3"))).isTrue();
        Subnet top = Subnet.parse("255.255.255.0/24");
        assertThat(top.offsetOf(ip("255.255.255.254"))).isEqualTo(254);
        Subnet host = Subnet.parse("10.0.0.7/32");
        assertThat(host.size()).isEqualTo(1);
        assertThat(host.broadcast()).isEqualTo(ip("10.0.0.7"));
    }

    @Test
    void refusesHostBitsWithDockerdsWording() {
        assertThatThrownBy(() -> Subnet.parse("172.18.0.1/16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid subnet 172.18.0.1/16: it should be 172.18.0.0/16");
        assertThat(Subnet.enclosing(ip("172.17.0.1"), 16)).isEqualTo(Subnet.parse("172.17.0.0/16"));
    }

    @Test
    void refusesBadText() {
        for (String bad : new String[] {"172.18.0.0", "172.18.0/16", "172.18.0.0/33", "172.18.0.0/-1",
                "172.18.0.256/24", "example.com/24", "172.18.0.0/+8", "172.18.0.0/", "1.2.3.4.5/8", "::1/64"}) {
            assertThatThrownBy(() -> Subnet.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid CIDR address: " + bad);
        }
    }

    @Test
    void containsAndOverlaps() {
        Subnet wide = Subnet.parse("10.0.0.0/8");
        Subnet inner = Subnet.parse("10.20.0.0/16");
        Subnet other = Subnet.parse("10.21.0.0/16");
        assertThat(wide.contains(ip("10.255.255.255"))).isTrue();
        assertThat(wide.contains(ip("11.0.0.0"))).isFalse();
        assertThat(wide.contains(inner)).isTrue();
        assertThat(inner.contains(wide)).isFalse();
        assertThat(wide.overlaps(inner)).isTrue();
        assertThat(inner.overlaps(wide)).isTrue();
        assertThat(inner.overlaps(other)).isFalse();
        assertThat(inner.overlaps(inner)).isTrue();
    }

    @Test
    void addressesOutsideTheSubnetAreRefused() {
        Subnet s = Subnet.parse("192.168.1.0/24");
        assertThatThrownBy(() -> s.address(256)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.offsetOf(ip("192.168.2.1")))
                .hasMessage("192.168.2.1 is not in 192.168.1.0/24");
    }
}
