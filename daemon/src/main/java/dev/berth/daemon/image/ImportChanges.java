package dev.berth.daemon.image;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Json;
import dev.berth.oci.image.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --change} instructions of {@code docker import} ({@code CMD}, {@code ENTRYPOINT},
 * {@code ENV}, {@code WORKDIR}, {@code USER}, {@code LABEL}, {@code EXPOSE}, {@code STOPSIGNAL})
 * turned into the image's execution defaults. Commands take the JSON form
 * ({@code CMD ["sh"]}) or the shell form ({@code CMD sh -c x}, run with {@code /bin/sh -c}).
 */
final class ImportChanges {
    private ImportChanges() {}

    static ImageConfig.Config apply(List<String> changes) {
        String user = null;
        String workdir = null;
        String stopSignal = null;
        List<String> env = null;
        List<String> cmd = null;
        List<String> entrypoint = null;
        Map<String, String> labels = null;
        Map<String, Map<String, Object>> ports = null;
        for (String change : changes) {
            String line = change.strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String arg = space < 0 ? "" : line.substring(space + 1).strip();
            switch (verb) {
                case "CMD" -> cmd = command(arg);
                case "ENTRYPOINT" -> entrypoint = command(arg);
                case "WORKDIR" -> workdir = arg;
                case "USER" -> user = arg;
                case "STOPSIGNAL" -> stopSignal = arg;
                case "ENV" -> {
                    env = env == null ? new ArrayList<>() : env;
                    for (Map.Entry<String, String> kv : pairs(verb, arg).entrySet()) {
                        env.add(kv.getKey() + "=" + kv.getValue());
                    }
                }
                case "LABEL" -> {
                    labels = labels == null ? new LinkedHashMap<>() : labels;
                    labels.putAll(pairs(verb, arg));
                }
                case "EXPOSE" -> {
                    ports = ports == null ? new LinkedHashMap<>() : ports;
                    for (String p : arg.split("\\s+")) {
                        ports.put(p.contains("/") ? p : p + "/tcp", Map.of());
                    }
                }
                default -> throw ApiException.invalid(verb.toLowerCase(Locale.ROOT)
                        + " is not a valid change command");
            }
        }
        return new ImageConfig.Config(user, ports, env, entrypoint, cmd, null, workdir, labels, stopSignal, null,
                null, null, null);
    }

    private static List<String> command(String arg) {
        if (arg.startsWith("[")) {
            try {
                return List.of(Json.MAPPER.readValue(arg, String[].class));
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                // not JSON: Docker falls back to the shell form
            }
        }
        return List.of("/bin/sh", "-c", arg);
    }

    /** {@code K=V K2="v 2"} or the old {@code K V} form. */
    private static Map<String, String> pairs(String verb, String arg) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!arg.contains("=")) {
            int space = arg.indexOf(' ');
            if (space < 0) {
                throw ApiException.invalid(verb + " requires at least one argument");
            }
            out.put(arg.substring(0, space), arg.substring(space + 1).strip());
            return out;
        }
        for (String word : arg.split("\\s+(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw ApiException.invalid(verb + " names can not be blank: " + word);
            }
            String value = word.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(word.substring(0, eq), value);
        }
        return out;
    }
}
