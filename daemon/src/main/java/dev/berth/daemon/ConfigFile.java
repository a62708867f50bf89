package dev.berth.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code --config-file}: daemon settings as JSON, with dockerd's {@code daemon.json} key names
 * ({@code "data-root"}, {@code "hosts"}, {@code "insecure-registries"}, ...). As dockerd does, a
 * key that is no option is an error, not something to ignore: a misspelt {@code "data-rot"}
 * would otherwise put the daemon's state somewhere unexpected. dockerd options that Berth does
 * not have yet are refused with their own message.
 */
final class ConfigFile {
    /** Where the daemon looks when {@code --config-file} is not given (read only if present). */
    static final Path DEFAULT = Path.of("/etc/berth/daemon.json");

    private static final Set<String> KEYS = Set.of("hosts", "tls", "tlsverify", "tlscacert", "tlscert", "tlskey",
            "data-root", "exec-root", "pidfile", "insecure-registries", "registry-mirrors", "log-level", "debug", "bridge", "bip", "log-driver", "log-opts",
            "default-address-pools");

    /** dockerd's other daemon.json keys: known, but not (yet) Berth options. */
    private static final Set<String> DOCKERD_ONLY = Set.of("allow-nondistributable-artifacts", "api-cors-header",
            "authorization-plugins", "bip6", "builder", "cdi-spec-dirs", "cgroup-parent",
            "containerd", "containerd-namespace", "containerd-plugins-namespace", "data-root-graph",
            "default-cgroupns-mode", "default-gateway", "default-gateway-v6",
            "default-ipc-mode", "default-network-opts", "default-runtime", "default-shm-size", "default-ulimits",
            "dns", "dns-opts", "dns-search", "exec-opts", "experimental", "features", "fixed-cidr", "fixed-cidr-v6",
            "group", "host-gateway-ip", "icc", "init", "init-path", "ip", "ip-forward", "ip-masq", "ip6tables",
            "iptables", "ipv6", "labels", "live-restore", "log-format",
            "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "metrics-addr", "mtu",
            "no-new-privileges", "node-generic-resources", "oom-score-adjust", "proxies", "raw-logs", "runtimes",
            "seccomp-profile", "selinux-enabled", "shutdown-timeout", "storage-driver", "storage-opts",
            "swarm-default-advertise-addr", "userland-proxy", "userland-proxy-path", "userns-remap", "graph",
            "cluster-store", "cluster-advertise", "containerd-snapshotter");

    private ConfigFile() {}

    /** Reads a config file; every error names the file. */
    static Settings read(Path file) throws StartupFailure {
        String what = "config file " + file;
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new StartupFailure(what, "no such file");
        } catch (JacksonException e) {
            throw new StartupFailure(what, "invalid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new StartupFailure(what, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return Settings.NONE;
        }
        if (!root.isObject()) {
            throw new StartupFailure(what, "expected a JSON object");
        }
        List<String> unknown = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (DOCKERD_ONLY.contains(k)) {
                unsupported.add(k);
            } else if (!KEYS.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new StartupFailure(what, "the following directives don't match any configuration option: "
                    + String.join(", ", unknown));
        }
        if (!unsupported.isEmpty()) {
            throw new StartupFailure(what, "the following dockerd directives are not supported by berthd: "
                    + String.join(", ", unsupported));
        }
        Fields f = new Fields(root, what);
        return new Settings(f.strings("hosts"), f.bool("tls"), f.bool("tlsverify"), f.path("tlscacert"),
                f.path("tlscert"), f.path("tlskey"), f.path("data-root"), f.path("exec-root"), f.path("pidfile"),
                f.strings("insecure-registries"), f.strings("registry-mirrors"), f.string("log-level"),
                f.bool("debug"), f.string("bridge"), f.string("bip"), f.pools("default-address-pools"),
                f.string("log-driver"), f.stringMap("log-opts"));
    }

    /** Typed access to the object's fields, with errors that name the key and the type it needs. */
    private record Fields(JsonNode root, String what) {
        String string(String key) throws StartupFailure {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw wrongType(key, "a string");
            }
            return n.asText();
        }

        Path path(String key) throws StartupFailure {
            String s = string(key);
            return s == null ? null : Path.of(s);
        }

        Boolean bool(String key) throws StartupFailure {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isBoolean()) {
                throw wrongType(key, "true or false");
            }
            return n.asBoolean();
        }

        /** dockerd's {@code [{"base": "10.10.0.0/16", "size": 24}]}, as the flag's {@code base=…,size=…} strings. */
        List<String> pools(String key) throws StartupFailure {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isArray()) {
                throw wrongType(key, "a list of {\"base\": CIDR, \"size\": number} objects");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode p : n) {
                if (!p.isObject() || !p.path("base").isTextual() || !p.path("size").isInt()) {
                    throw wrongType(key, "a list of {\"base\": CIDR, \"size\": number} objects");
                }
                out.add("base=" + p.get("base").asText() + ",size=" + p.get("size").asInt());
            }
            return out;
        }

        /** An object of strings, as dockerd's {@code log-opts}. */
        java.util.Map<String, String> stringMap(String key) throws StartupFailure {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                throw wrongType(key, "an object of strings");
            }
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            for (var it = n.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw wrongType(key + "." + e.getKey(), "a string", e.getValue());
                }
                out.put(e.getKey(), e.getValue().asText());
            }
            return out;
        }

        List<String> strings(String key) throws StartupFailure {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isArray()) {
                throw wrongType(key, "an array of strings");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw wrongType(key, "an array of strings");
                }
                out.add(e.asText());
            }
            return out;
        }

        private StartupFailure wrongType(String key, String expected) {
            return wrongType(key, expected, root.get(key));
        }

        /** {@code key} may name a nested value ({@code log-opts.max-size}), so its node comes along. */
        private StartupFailure wrongType(String key, String expected, JsonNode actual) {
            return new StartupFailure(what, "\"" + key + "\" must be " + expected + ", not "
                    + actual.getNodeType().name().toLowerCase());
        }
    }
}
