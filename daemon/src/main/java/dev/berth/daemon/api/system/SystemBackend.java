package dev.berth.daemon.api.system;

import java.util.Map;
import java.util.Set;

/**
 * What the System tag's routes need from the daemon, and nothing more (events come from the
 * {@link dev.berth.daemon.events.EventBus}). {@link HostSystem} is the implementation.
 */
public interface SystemBackend {
    SystemVersion version();

    SystemInfo info();

    /** The disk use of the given kinds of object, with or without their item lists. */
    Map<UsageKind, Usage> usage(Set<UsageKind> kinds, boolean withItems);
}
