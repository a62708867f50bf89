package dev.berth.daemon.api.system;

/** Containers by state, for {@code /info}. */
public record ContainerCounts(long running, long paused, long stopped) {
    public static final ContainerCounts NONE = new ContainerCounts(0, 0, 0);

    public long total() {
        return running + paused + stopped;
    }
}
