/**
 * The Volume tag of the Docker Engine API: {@code /volumes} list, create, inspect, remove and
 * prune, through the narrow {@link dev.berth.daemon.api.volume.VolumeBackend}.
 */
package dev.berth.daemon.api.volume;
