package dev.berth.daemon.container;

import java.nio.file.Path;

/**
 * The host files the daemon writes for a container and binds over {@code /etc/hostname},
 * {@code /etc/hosts} and {@code /etc/resolv.conf} (under {@code containers/<id>/}). A null path
 * means the file is not provided and the image's own stays visible.
 */
public record NetworkFiles(Path hostname, Path hosts, Path resolvConf) {
    public static NetworkFiles none() {
        return new NetworkFiles(null, null, null);
    }
}
