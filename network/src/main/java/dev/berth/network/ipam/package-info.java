/**
 * IPv4 address management: {@link dev.berth.network.ipam.Subnet} and
 * {@link dev.berth.network.ipam.AddressPool} are the values, {@link dev.berth.network.ipam.Ipam}
 * the persisted allocator that registers networks and hands out their addresses, with dockerd's
 * defaults and error wording.
 *
 * <p>On disk, under the directory the daemon gives it ({@code <data-root>/network/ipam}):
 * <pre>
 * ipam/
 * ├── 3f5e…c1.json        one network: {"network", "subnet", "ipRange", "gateway",
 * │                        "lastAllocated", "allocations": {"172.18.0.2": "&lt;owner&gt;", …}}
 * ├── bridge.json
 * └── 3f5e…c1.json.tmp    only while a write is under way; deleted at load after a crash
 * </pre>
 */
package dev.berth.network.ipam;
