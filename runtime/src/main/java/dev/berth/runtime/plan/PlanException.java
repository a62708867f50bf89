package dev.berth.runtime.plan;

/** The spec asks for something that cannot be planned on this host; the message is one line. */
public final class PlanException extends Exception {
    public PlanException(String message) {
        super(message);
    }
}
