/**
 * Container networking as the kernel offers it: an IPAM that hands out subnets and addresses
 * and persists them, bridges and veth pairs made through rtnetlink, masquerade and published
 * ports through nftables tables of Berth's own plus a userland proxy for loopback, and the
 * embedded DNS server that lets containers on a user network find each other by name.
 */
package dev.berth.network;
