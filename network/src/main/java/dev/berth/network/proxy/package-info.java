/**
 * Published ports in user space: {@link dev.berth.network.proxy.PortProxy} listens on host
 * ports inside berthd's Netty event loops and relays TCP connections and UDP flows to container
 * addresses, for the traffic nftables DNAT cannot carry (from the host itself, and hairpin from
 * containers); {@link dev.berth.network.proxy.PortAllocator} picks host ports for ports
 * published without one and remembers which ones Berth holds.
 */
package dev.berth.network.proxy;
