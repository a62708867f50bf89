package dev.berth.daemon.http;

import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.Set;

/**
 * Backpressure on what a connection reads: while anyone holds the gate (a request body whose
 * reader is behind, requests queued behind a running one), Netty stops reading the socket, so
 * the kernel's buffers fill and the client's writes block. State changes run on the event loop.
 */
final class ReadGate {
    private final Channel channel;
    private final Set<Object> holders = new HashSet<>();

    ReadGate(Channel channel) {
        this.channel = channel;
    }

    void hold(Object holder) {
        inLoop(() -> {
            holders.add(holder);
            channel.config().setAutoRead(false);
        });
    }

    void release(Object holder) {
        inLoop(() -> {
            if (holders.remove(holder) && holders.isEmpty()) {
                channel.config().setAutoRead(true);
            }
        });
    }

    private void inLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            try {
                channel.eventLoop().execute(r);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the server has stopped: nothing to read any more
            }
        }
    }
}
