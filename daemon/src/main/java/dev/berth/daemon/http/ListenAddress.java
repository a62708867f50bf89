package dev.berth.daemon.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where the API listens, written as dockerd's {@code -H} takes it: {@code unix:///run/berth/berth.sock}
 * or {@code tcp://127.0.0.1:2375}. A TCP address without a port gets dockerd's default, 2375, or
 * 2376 when TLS is on; a bare path is a unix socket.
 */
public sealed interface ListenAddress {
    /** The longest path a unix socket address holds ({@code sun_path} is 108 bytes with its NUL). */
    int MAX_UNIX_PATH = 107;

    record Unix(Path path) implements ListenAddress {
        @Override
        public String toString() {
            return "unix://" + path;
        }
    }

    record Tcp(String host, int port) implements ListenAddress {
        @Override
        public String toString() {
            return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Parses a {@code -H} value.
     *
     * @param tls whether TLS is on (only the default port depends on it)
     * @throws IllegalArgumentException with a message that names what is wrong
     */
    static ListenAddress parse(String spec, boolean tls) {
        String s = spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        if (s.startsWith("/")) {
            s = "unix://" + s;
        }
        int sep = s.indexOf("://");
        if (sep < 0) {
            // dockerd accepts host:port as tcp
            s = "tcp://" + s;
            sep = 3;
        }
        String scheme = s.substring(0, sep);
        String rest = s.substring(sep + 3);
        return switch (scheme) {
            case "unix" -> unix(rest);
            case "tcp" -> tcp(rest, tls);
            case "fd" -> throw new IllegalArgumentException("fd:// (systemd socket activation) is not supported; use unix:// or tcp://");
            case "npipe" -> throw new IllegalArgumentException("npipe:// is Windows only");
            default -> throw new IllegalArgumentException("unknown scheme " + scheme + "://; use unix:// or tcp://");
        };
    }

    private static Unix unix(String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("unix:// needs a socket path (unix:///run/berth/berth.sock)");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("unix socket path must be absolute: " + path);
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_UNIX_PATH) {
            throw new IllegalArgumentException("unix socket path is longer than " + MAX_UNIX_PATH + " bytes: " + path);
        }
        return new Unix(Path.of(path).normalize());
    }

    private static Tcp tcp(String hostPort, boolean tls) {
        int defaultPort = tls ? 2376 : 2375;
        if (hostPort.contains("/") && !hostPort.endsWith("/")) {
            throw new IllegalArgumentException("tcp address must not have a path: " + hostPort);
        }
        if (hostPort.endsWith("/")) {
            hostPort = hostPort.substring(0, hostPort.length() - 1);
        }
        if (hostPort.isEmpty()) {
            return new Tcp("0.0.0.0", defaultPort);
        }
        try {
            // Let URI split host and port, including [::1]:2375.
            URI u = new URI("tcp://" + (hostPort.startsWith(":") ? "0.0.0.0" + hostPort : hostPort));
            String host = u.getHost();
            if (host == null) {
                throw new IllegalArgumentException("invalid tcp address: " + hostPort);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = u.getPort() < 0 ? defaultPort : u.getPort();
            if (port > 65535) {
                throw new IllegalArgumentException("invalid port in tcp address: " + hostPort);
            }
            return new Tcp(host, port);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid tcp address: " + hostPort);
        }
    }
}
