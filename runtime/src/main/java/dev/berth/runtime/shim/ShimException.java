package dev.berth.runtime.shim;

/**
 * The shim reported that a step failed: the step's index in the plan, the errno and an optional
 * detail (a hook's exit status, a decoder complaint). {@link #step()} is {@code -1} when the
 * failure is not tied to one step.
 */
public final class ShimException extends Exception {
    private final int step;
    private final int errno;
    private final String detail;

    public ShimException(int step, int errno, String detail) {
        super("step " + step + " failed: errno " + errno + (detail.isEmpty() ? "" : ": " + detail));
        this.step = step;
        this.errno = errno;
        this.detail = detail;
    }

    public int step() {
        return step;
    }

    public int errno() {
        return errno;
    }

    public String detail() {
        return detail;
    }
}
