package dev.berth.daemon.container;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks dockerd makes on a create request that need neither the image nor the host
 * ({@code validateHostConfig}, {@code validateNetMode} and part of
 * {@code verifyPlatformContainerSettings}): restart policy, {@code --rm} with a restart policy,
 * {@code --oom-score-adj}, {@code --shm-size}, {@code --add-host}, and the options that conflict
 * with sharing another namespace ({@code -h} with {@code --uts=host}, {@code --dns} with
 * {@code --network container:x}, …). Messages are dockerd's.
 */
public final class CreateChecks {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.]+)?");

    private CreateChecks() {}

    public static void check(ContainerConfig config, HostConfig hc) {
        conflicts(config, hc);
        restartPolicy(hc.restartPolicy());
        LogSettings.of(hc.logConfig());
        if (hc.isAutoRemove() && hc.restartPolicy() != null && !hc.restartPolicy().isNone()) {
            throw new InvalidContainerConfigException("can't create 'AutoRemove' container with restart policy");
        }
        if (hc.oomScoreAdj() != null && (hc.oomScoreAdj() < -1000 || hc.oomScoreAdj() > 1000)) {
            throw new InvalidContainerConfigException("Invalid value " + hc.oomScoreAdj()
                    + ", range for oom score adj is [-1000, 1000]");
        }
        if (hc.shmSize() != null && hc.shmSize() < 0) {
            throw new InvalidContainerConfigException("SHM size can not be less than 0");
        }
        for (String host : hc.extraHosts() == null ? List.<String>of() : hc.extraHosts()) {
            extraHost(host);
        }
    }

    /** moby's {@code validateNetMode}: what a shared UTS or network namespace cannot also have. */
    static void conflicts(ContainerConfig c, HostConfig hc) {
        boolean utsShared = hc.utsMode() != null && (hc.utsMode().equals("host") || hc.utsMode().startsWith("container:"));
        if (utsShared && !empty(c.hostname())) {
            throw new InvalidContainerConfigException("conflicting options: hostname and the UTS mode");
        }
        if (utsShared && !empty(c.domainname())) {
            throw new InvalidContainerConfigException("conflicting options: domainname and the UTS mode");
        }
        if (hc.networkMode() == null || !ContainerNamespaces.container(hc.networkMode())) {
            return;
        }
        if (!empty(c.hostname())) {
            throw new InvalidContainerConfigException("conflicting options: hostname and the network mode");
        }
        if (hc.dns() != null && !hc.dns().isEmpty()) {
            throw new InvalidContainerConfigException("conflicting options: dns and the network mode");
        }
        if (hc.extraHosts() != null && !hc.extraHosts().isEmpty()) {
            throw new InvalidContainerConfigException("conflicting options: custom host-to-IP mapping and the network mode");
        }
        if (c.exposedPorts() != null && !c.exposedPorts().isEmpty()) {
            throw new InvalidContainerConfigException("conflicting options: port exposing and the container type network mode");
        }
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    /** moby's {@code ValidateRestartPolicy}. */
    static void restartPolicy(HostConfig.RestartPolicy p) {
        if (p == null) {
            return;
        }
        String name = p.name() == null ? "" : p.name();
        int retries = p.maximumRetryCount() == null ? 0 : p.maximumRetryCount();
        switch (name) {
            case "always", "unless-stopped", "no" -> {
                if (retries != 0) {
                    throw new InvalidContainerConfigException(
                            "invalid restart policy: maximum retry count can only be used with 'on-failure'"
                                    + (retries < 0 ? " and cannot be negative" : ""));
                }
            }
            case "on-failure" -> {
                if (retries < 0) {
                    throw new InvalidContainerConfigException("invalid restart policy: maximum retry count cannot be negative");
                }
            }
            case "" -> { }
            default -> throw new InvalidContainerConfigException("invalid restart policy: unknown policy '" + name
                    + "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        }
    }

    /** {@code --add-host name:ip} (or {@code name=ip}); {@code host-gateway} stands for the host. */
    static void extraHost(String value) {
        int eq = value.indexOf('=');
        int sep = eq >= 0 ? eq : value.indexOf(':');
        if (sep <= 0 || sep == value.length() - 1) {
            throw new InvalidContainerConfigException("bad format for add-host: \"" + value + "\"");
        }
        String ip = value.substring(sep + 1);
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        if (!ip.equals("host-gateway") && !IPV4.matcher(ip).matches() && !IPV6.matcher(ip).matches()) {
            throw new InvalidContainerConfigException("invalid IP address in add-host: \"" + value.substring(sep + 1) + "\"");
        }
    }
}
