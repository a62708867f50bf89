package dev.berth.daemon.network;

import dev.berth.network.ipam.AddressPool;
import java.util.List;

/**
 * berthd's network flags: the default bridge's interface ({@code --bridge}, null for none), its
 * address ({@code --bip}, null to take the first free subnet of the pools) and the pools that
 * networks created without {@code --subnet} get theirs from ({@code --default-address-pool},
 * dockerd's defaults when none are given).
 */
public record NetworkDefaults(String bridge, String bip, List<AddressPool> pools) {
    public NetworkDefaults {
        pools = pools == null || pools.isEmpty() ? AddressPool.dockerDefaults() : List.copyOf(pools);
    }

    /** From the flags' text; an {@link IllegalArgumentException} naming a bad pool. */
    public static NetworkDefaults of(String bridge, String bip, List<String> pools) {
        return new NetworkDefaults(bridge, bip, pools.stream().map(AddressPool::parse).toList());
    }
}
