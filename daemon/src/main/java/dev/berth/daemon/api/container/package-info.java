/**
 * The Container tag of the Docker Engine API: the routes, the backend they call
 * ({@link dev.berth.daemon.api.container.ContainerBackend}) and the answer shapes. This part
 * serves create, list, inspect, rename and remove; start, stop, wait, attach, logs and exec
 * come with the container lifecycle.
 */
package dev.berth.daemon.api.container;
