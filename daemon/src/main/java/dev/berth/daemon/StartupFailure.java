package dev.berth.daemon;

/**
 * Why the daemon could not start, as one line: what it was doing and why that failed
 * ({@code pid file /run/berth/berthd.pid: held by a running berthd (pid 812)}). {@link Berthd}
 * prints it as {@code berthd: <message>} and exits 1.
 */
public final class StartupFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupFailure(String what, String why) {
        super(what + ": " + why);
    }

    /** A message already in {@code what: why} form. */
    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public StartupFailure(String what, String why, Throwable cause) {
        super(what + ": " + why, cause);
    }
}
