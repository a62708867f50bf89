package dev.berth.image.registry;

/**
 * Receives the progress of a pull or push as {@link ProgressEvent}s, in the order the docker CLI
 * expects them. The client calls it from one thread at a time (events of parallel layer
 * transfers are serialized), so an implementation may write to a stream without locking. An
 * exception thrown here (the client went away) aborts the transfer.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = event -> {};

    void onProgress(ProgressEvent event);
}
