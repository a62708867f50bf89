package dev.berth.network.ipam;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * The addressing of one network as the IPAM registered it: its subnet, the range inside it from
 * which containers get addresses when they ask for none ({@code --ip-range}, the whole subnet
 * by default), and the gateway, the bridge's own address. These are the values {@code docker
 * network inspect} shows under {@code IPAM.Config}.
 */
public record NetworkAddressing(String networkId, Subnet subnet, Subnet ipRange, Inet4Address gateway) {

    public NetworkAddressing {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(ipRange, "ipRange");
        Objects.requireNonNull(gateway, "gateway");
    }
}
