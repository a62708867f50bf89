package dev.berth.network.ipam;

import java.util.List;

/**
 * The subnets the host already uses: its routes and interface networks (not the default route,
 * which overlaps everything) and its resolv.conf nameservers as /32s. When it picks a subnet
 * from the pools, the IPAM skips any that overlaps one of these, as dockerd does (libnetwork
 * {@code netutils.FindAvailableNetwork}: {@code CheckRouteOverlaps},
 * {@code CheckNameserverOverlaps}), so a new bridge does not shadow the host's LAN, VPN or DNS
 * server. The daemon answers from rtnetlink, once per pick, since routes change. A subnet the
 * user names with {@code --subnet} is not checked against them (dockerd does not either).
 */
@FunctionalInterface
public interface HostNetworks {

    /** For hosts or tests where nothing is to be avoided. */
    HostNetworks NONE = List::of;

    List<Subnet> subnets() throws java.io.IOException;
}
