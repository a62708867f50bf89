package dev.berth.daemon.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's log driver and its options, checked with dockerd's rules and words:
 * {@code json-file} (the default) keeps the output in {@code <id>-json.log}, rotated once it
 * would pass {@code max-size} into at most {@code max-file} files in all ({@code .1} the newest
 * rotated one, gzipped as {@code .1.gz} with {@code compress}); {@code none} keeps nothing, and
 * {@code docker logs} then has nothing to read.
 *
 * @param maxSize  bytes per file before it is rotated; 0 for no bound
 * @param maxFiles files kept, the one being written included
 * @param compress whether rotated files are gzipped
 */
record LogSettings(String driver, long maxSize, int maxFiles, boolean compress) {
    static final String JSON_FILE = "json-file";
    static final String NONE = "none";
    static final LogSettings DEFAULT = new LogSettings(JSON_FILE, 0, 1, false);

    /** moby's {@code jsonfilelog.ValidateLogOpt}: the options json-file knows. */
    private static final Set<String> JSON_FILE_OPTS = Set.of("max-file", "max-size", "compress", "labels",
            "labels-regex", "env", "env-regex", "tag");
    /** go-units' {@code RAMInBytes}: a number, an optional binary unit, optional {@code i} and {@code b}. */
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    /** @throws InvalidContainerConfigException for a driver or an option dockerd would refuse */
    static LogSettings of(HostConfig.LogConfig config) {
        String type = config == null || config.type() == null || config.type().isEmpty() ? JSON_FILE : config.type();
        Map<String, String> opts = config == null || config.config() == null ? Map.of() : config.config();
        if (type.equals(NONE)) {
            return new LogSettings(NONE, 0, 1, false);
        }
        if (!type.equals(JSON_FILE)) {
            throw new InvalidContainerConfigException("logger: no log driver named '" + type + "' is registered");
        }
        for (String key : opts.keySet()) {
            if (!JSON_FILE_OPTS.contains(key)) {
                throw new InvalidContainerConfigException("unknown log opt '" + key + "' for json-file log driver");
            }
        }
        long maxSize = 0;
        if (opts.containsKey("max-size")) {
            maxSize = bytes(opts.get("max-size"));
            if (maxSize <= 0) {
                throw new InvalidContainerConfigException("max-size must be a positive number");
            }
        }
        int maxFiles = 1;
        if (opts.containsKey("max-file")) {
            try {
                maxFiles = Integer.parseInt(opts.get("max-file"));
            } catch (NumberFormatException e) {
                throw new InvalidContainerConfigException("strconv.Atoi: parsing \"" + opts.get("max-file")
                        + "\": invalid syntax");
            }
            if (maxFiles < 1) {
                throw new InvalidContainerConfigException("max-file cannot be less than 1");
            }
        }
        boolean compress = opts.containsKey("compress") && goBool(opts.get("compress"));
        if (compress && (maxFiles == 1 || maxSize == 0)) {
            throw new InvalidContainerConfigException(
                    "compress cannot be true when max-file is less than 2 or max-size is not set");
        }
        return new LogSettings(JSON_FILE, maxSize, maxFiles, compress);
    }

    /** Go's {@code strconv.ParseBool}, which dockerd reads {@code compress} with. */
    private static boolean goBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new InvalidContainerConfigException("strconv.ParseBool: parsing \"" + s
                    + "\": invalid syntax");
        };
    }

    /** {@code 1k}, {@code 10m}, {@code 2GiB}: binary multiples, as go-units' {@code RAMInBytes}. */
    static long bytes(String size) {
        Matcher m = SIZE.matcher(size == null ? "" : size);
        if (!m.matches()) {
            throw new InvalidContainerConfigException("invalid size: '" + size + "'");
        }
        double n = Double.parseDouble(m.group(1));
        int shift = m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1);
        return (long) (n * (1L << shift));
    }

    boolean keepsLogs() {
        return driver.equals(JSON_FILE);
    }

    /** The writer for {@code file}: rotating as configured, or, for {@code none}, one that keeps nothing. */
    JsonFileLog open(Path file) throws IOException {
        return keepsLogs() ? JsonFileLog.open(file, maxSize, maxFiles, compress) : JsonFileLog.discarding(file);
    }
}
