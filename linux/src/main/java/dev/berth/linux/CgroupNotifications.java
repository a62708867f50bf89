package dev.berth.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Notifications a cgroup v1 memory controller sends through an eventfd (the kernel's
 * Documentation/admin-guide/cgroup-v1/memory.rst, "OOM Control", and cgroups.rst, "Notification
 * API"): the eventfd is registered by writing {@code "<eventfd> <fd of memory.oom_control>"} to
 * the cgroup's {@code cgroup.event_control}, and from then on the kernel signals it each time the
 * cgroup hits its limit and the OOM killer is called on it -- before the victim dies -- and once
 * more when the cgroup is removed. A pure cgroup v2 host has no such registration; there one
 * would watch {@code memory.events} with inotify instead, which is not done here.
 */
public final class CgroupNotifications {
    private CgroupNotifications() {}

    /**
     * An eventfd that the kernel signals when the memory cgroup at {@code memoryCgroup} (a
     * directory of the v1 memory hierarchy) runs out of memory. The caller owns and closes it;
     * closing it ends the registration.
     */
    public static EventFd oom(Path memoryCgroup) throws IOException {
        Path control = memoryCgroup.resolve("memory.oom_control");
        EventFd events = EventFd.open();
        try {
            // The kernel keeps what it needs of memory.oom_control's file; our descriptor of it
            // only has to live until the registration is written (containerd closes it too).
            int oomControl = Descriptors.open(control.toString(), Descriptors.O_RDONLY | Descriptors.O_CLOEXEC);
            try {
                Files.writeString(memoryCgroup.resolve("cgroup.event_control"),
                        events.descriptor() + " " + oomControl);
            } catch (java.nio.file.FileSystemException e) {
                throw new IOException("register for oom notifications of " + memoryCgroup + ": "
                        + (e.getReason() == null ? "write failed" : e.getReason().toLowerCase(java.util.Locale.ROOT)), e);
            } finally {
                LibC.close(oomControl);
            }
            return events;
        } catch (IOException | RuntimeException e) {
            events.close();
            throw e;
        }
    }
}
