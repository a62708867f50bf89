/**
 * The Network tag of the Docker Engine API: {@code /networks} list, inspect, create, remove,
 * prune, connect and disconnect, through the narrow {@link dev.berth.daemon.api.network.NetworkBackend}.
 */
package dev.berth.daemon.api.network;
