/**
 * The embedded DNS server of user networks, and the resolv.conf containers get.
 *
 * <pre>
 * container netns                          daemon netns (the event-loop thread)
 *   resolver ─► 127.0.0.11:53 udp/tcp ──►  ContainerResolver ── NameLookup: A / PTR / NODATA
 *               (sockets made by the                │
 *                daemon in the netns)               └─ Forward ─► upstream:53 udp, tcp on TC,
 *                                                               next upstream on timeout/failure
 * </pre>
 *
 * {@link dev.berth.network.dns.EmbeddedDns} owns one {@code EventLoop} thread for all
 * containers; each {@code serve} call adds a {@code ContainerResolver}. {@link
 * dev.berth.network.dns.ResolvConf} is pure: the daemon writes its text into the container.
 */
package dev.berth.network.dns;
