/**
 * The Container tag of the Docker Engine API: the routes, the backend they call
 * ({@link dev.berth.daemon.api.container.ContainerBackend}) and the answer shapes: the
 * container lifecycle from create to remove, attach, wait and logs; exec, top, stats, the
 * archive endpoints and the rest of the tag are still to come.
 */
package dev.berth.daemon.api.container;
