package dev.berth.daemon.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The host files the daemon writes for a container and binds over {@code /etc/hostname},
 * {@code /etc/hosts} and {@code /etc/resolv.conf} (under {@code containers/<id>/}). A null path
 * means the file is not provided and the image's own stays visible.
 */
public record NetworkFiles(Path hostname, Path hosts, Path resolvConf) {
    public static NetworkFiles none() {
        return new NetworkFiles(null, null, null);
    }

    /** hostname, hosts and resolv.conf in the container's directory, for a container without an attachment. */
    static NetworkFiles write(String id, CreateRequest request, Path dir, String hostHostname) throws IOException {
        return write(id, request, dir, hostHostname, null);
    }

    /**
     * hostname, hosts and resolv.conf in the container's directory, as dockerd writes them for its
     * network: {@code --add-host} entries after localhost's, then the attachment's (its own address
     * and name, links), and the attachment's resolv.conf where it has one.
     */
    static NetworkFiles write(String id, CreateRequest request, Path dir, String hostHostname,
            ContainerNetworks.Attachment attachment) throws IOException {
        String mode = request.hostConfig().networkMode() == null ? "" : request.hostConfig().networkMode();
        if (mode.startsWith("container:")) {
            return NetworkFiles.none(); // the other container's, joined with its namespace (at start)
        }
        boolean hostNetwork = mode.equals("host");
        String configured = request.config().hostname();
        String hostname = configured != null && !configured.isEmpty() ? configured
                : hostNetwork ? hostHostname : id.substring(0, 12);
        Path hostnameFile = dir.resolve("hostname");
        Files.writeString(hostnameFile, hostname + "\n");
        Path hosts = dir.resolve("hosts");
        Path hostHosts = Path.of("/etc/hosts");
        if (hostNetwork && Files.isReadable(hostHosts)) {
            Files.copy(hostHosts, hosts, StandardCopyOption.REPLACE_EXISTING);
        } else {
            StringBuilder text = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                    + "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
            for (String extra : request.hostConfig().extraHosts() == null ? List.<String>of()
                    : request.hostConfig().extraHosts()) {
                text.append(extraHost(extra)).append('\n');
            }
            for (String line : attachment == null ? List.<String>of() : attachment.hostsEntries()) {
                text.append(line).append('\n');
            }
            Files.writeString(hosts, text);
        }
        Path resolv = dir.resolve("resolv.conf");
        Path hostResolv = Path.of("/etc/resolv.conf");
        if (attachment != null && attachment.resolvConf() != null) {
            Files.writeString(resolv, attachment.resolvConf());
        } else {
            Files.write(resolv, Files.isReadable(hostResolv) ? Files.readAllBytes(hostResolv) : new byte[0]);
        }
        return new NetworkFiles(hostnameFile, hosts, resolv);
    }

    /** {@code --add-host name:address} as a hosts line ({@code address\tname}); the CLI already checked the form. */
    private static String extraHost(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new InvalidContainerConfigException("invalid extra host: " + spec);
        }
        return spec.substring(colon + 1) + "\t" + spec.substring(0, colon);
    }
}
