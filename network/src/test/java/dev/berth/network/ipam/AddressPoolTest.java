package dev.berth.network.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPoolTest {

    @Test
    void dockerDefaultsAre172Slash16sThen192168Slash20s() {
        List<String> subnets = new ArrayList<>();
        for (AddressPool pool : AddressPool.dockerDefaults()) {
            for (long i = 0; i < pool.count(); i++) {
                subnets.add(pool.subnet(i).toString());
            }
        }
        assertThat(subnets).hasSize(31);
        assertThat(subnets.subList(0, 15)).containsExactly("172.17.0.0/16", "172.18.0.0/16", "172.19.0.0/16",
                "172.20.0.0/16", "172.21.0.0/16", "172.22.0.0/16", "172.23.0.0/16", "172.24.0.0/16",
                "172.25.0.0/16", "172.26.0.0/16", "172.27.0.0/16", "172.28.0.0/16", "172.29.0.0/16",
                "172.30.0.0/16", "172.31.0.0/16");
        assertThat(subnets.get(15)).isEqualTo("192.168.0.0/20");
        assertThat(subnets.get(16)).isEqualTo("192.168.16.0/20");
        assertThat(subnets.get(30)).isEqualTo("192.168.240.0/20");
    }

    @Test
    void parsesTheDaemonFlag() {
        AddressPool pool = AddressPool.parse("base=10.10.0.0/16,size=24");
        assertThat(pool).isEqualTo(new AddressPool(Subnet.parse("10.10.0.0/16"), 24));
        assertThat(pool.count()).isEqualTo(256);
        assertThat(pool.subnet(0)).hasToString("10.10.0.0/24");
        assertThat(pool.subnet(255)).hasToString("10.10.255.0/24");
        assertThat(pool).hasToString("base=10.10.0.0/16,size=24");
    }

    @Test
    void refusesBadPools() {
        assertThatThrownBy(() -> AddressPool.parse("base=10.10.0.0/16,size=8"))
                .hasMessage("invalid pools size: 8 for base pool 10.10.0.0/16");
        assertThatThrownBy(() -> AddressPool.parse("base=10.10.0.0/16"))
                .hasMessage("invalid default address pool base=10.10.0.0/16: it needs base and size");
        assertThatThrownBy(() -> AddressPool.parse("base=10.10.0.0/16,size=x"))
                .hasMessage("invalid default address pool base=10.10.0.0/16,size=x: bad size x");
        assertThatThrownBy(() -> AddressPool.parse("base=10.10.0.0/16,size=24,scope=local"))
                .hasMessage("invalid default address pool base=10.10.0.0/16,size=24,scope=local: unexpected field scope");
        assertThatThrownBy(() -> AddressPool.parse("base=10.10.0.1/16,size=24"))
                .hasMessage("invalid subnet 10.10.0.1/16: it should be 10.10.0.0/16");
    }
}
