package dev.berth.daemon.events;

import java.util.Locale;

/** The kinds of object that emit events, as the Engine API names them ({@code Type} of an event). */
public enum EventType {
    BUILDER, CONFIG, CONTAINER, DAEMON, IMAGE, NETWORK, NODE, PLUGIN, SECRET, SERVICE, VOLUME;

    /** The name on the wire: {@code image}, {@code container}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
