package dev.berth.daemon.api.system;

/**
 * What one service (images, containers, volumes, build cache) tells {@code /info} and
 * {@code /system/df} about its objects. The service that owns the objects implements it; until a
 * service exists, {@link #NONE} stands in.
 */
public interface UsageSource {
    UsageSource NONE = new UsageSource() {
        @Override
        public long count() {
            return 0;
        }

        @Override
        public Usage usage(boolean withItems) {
            return Usage.NONE;
        }
    };

    /** How many objects there are (the {@code Images} count of {@code /info}). */
    long count();

    /**
     * Their disk use.
     *
     * @param withItems include the objects themselves (costly: sizes may have to be computed)
     */
    Usage usage(boolean withItems);
}
