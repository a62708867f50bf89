/**
 * berthd: the Docker Engine API server and the services behind it. The daemon is where the
 * other modules meet.
 */
package dev.berth.daemon;
