/**
 * The daemon's event stream: services publish what happens to their objects on the
 * {@link dev.berth.daemon.events.EventBus}; {@code GET /events} subscribes. Nothing here knows
 * HTTP; the API's filters and wire format live in {@code api.system}.
 */
package dev.berth.daemon.events;
