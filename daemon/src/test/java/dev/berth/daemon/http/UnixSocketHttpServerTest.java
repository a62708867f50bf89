package dev.berth.daemon.http;

import java.nio.file.Path;

/** The contract on a unix socket, as the daemon serves it by default (epoll). */
class UnixSocketHttpServerTest extends HttpServerContract {
    @Override
    ListenAddress listenAddress(Path dir) {
        return new ListenAddress.Unix(dir.resolve("api.sock"));
    }

    @Override
    boolean survivesBackpressureAfterClientEof() {
        return Transport.forUnix() != Transport.EPOLL;
    }
}
