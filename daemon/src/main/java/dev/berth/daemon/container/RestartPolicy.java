package dev.berth.daemon.container;

/**
 * Whether a container that ended is started again, as dockerd's restart manager decides it
 * from {@code HostConfig.RestartPolicy}: {@code always} restarts it whatever its exit code,
 * {@code unless-stopped} too unless the user stopped it, {@code on-failure[:max]} only after a
 * non-zero exit and at most {@code max} times (0: no bound), {@code no} (or nothing) never.
 *
 * <p>"Stopped by the user" ({@code docker stop}, {@code docker kill} with the stop signal or
 * KILL) holds back every policy for that exit: dockerd cancels the pending restart then. Only
 * at daemon start does {@code always} bring back a container the user stopped, which is why
 * {@link #atDaemonStart} differs from {@link #afterExit}.
 */
record RestartPolicy(Kind kind, int maximumRetryCount) {
    enum Kind { NO, ALWAYS, UNLESS_STOPPED, ON_FAILURE }

    static final RestartPolicy NO = new RestartPolicy(Kind.NO, 0);

    /** The policy of a host config; null or an empty name is {@code no}, as in the API. */
    static RestartPolicy of(HostConfig.RestartPolicy p) {
        if (p == null || p.isNone()) {
            return NO;
        }
        int max = p.maximumRetryCount() == null ? 0 : p.maximumRetryCount();
        return switch (p.name()) {
            case "always" -> new RestartPolicy(Kind.ALWAYS, 0);
            case "unless-stopped" -> new RestartPolicy(Kind.UNLESS_STOPPED, 0);
            case "on-failure" -> new RestartPolicy(Kind.ON_FAILURE, max);
            default -> NO; // refused at create (CreateChecks); an old record's oddity restarts nothing
        };
    }

    /**
     * After the container's process ended while the daemon watched it.
     *
     * @param restartCount the restarts made since the user last started it
     */
    boolean afterExit(int exitCode, boolean stoppedByUser, int restartCount) {
        return !stoppedByUser && decide(exitCode, false, restartCount);
    }

    /** When the daemon starts and finds the container not running (moby's {@code Container.ShouldRestart}). */
    boolean atDaemonStart(int exitCode, boolean stoppedByUser, int restartCount) {
        return decide(exitCode, stoppedByUser, restartCount);
    }

    private boolean decide(int exitCode, boolean stoppedByUser, int restartCount) {
        return switch (kind) {
            case NO -> false;
            case ALWAYS -> true;
            case UNLESS_STOPPED -> !stoppedByUser;
            case ON_FAILURE -> exitCode != 0 && (maximumRetryCount == 0 || restartCount < maximumRetryCount);
        };
    }
}
