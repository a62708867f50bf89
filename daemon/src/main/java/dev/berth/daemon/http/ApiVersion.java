package dev.berth.daemon.http;

/**
 * A Docker Engine API version, {@code major.minor}. A request names its version in the path
 * ({@code /v1.50/info}); without one it gets {@link #CURRENT}. Clients negotiate: the docker CLI
 * reads the {@code API-Version} header of {@code /_ping} and uses the lower of that and its own.
 * Handlers compare versions to keep older clients' answers as they were
 * ({@code request.version().isBefore(ApiVersion.of(1, 52))}).
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    /** The oldest version served, as in dockerd: older clients get a 400. */
    public static final ApiVersion MINIMUM = new ApiVersion(1, 24);
    /** The newest version served: the swagger file's {@code info.version}. */
    public static final ApiVersion CURRENT = new ApiVersion(1, 56);

    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative API version " + major + "." + minor);
        }
    }

    public static ApiVersion of(int major, int minor) {
        return new ApiVersion(major, minor);
    }

    /** Parses {@code 1.50} (and {@code 1}, which is 1.0). */
    public static ApiVersion parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("invalid API version: " + text);
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
            return new ApiVersion(major, minor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid API version: " + text);
        }
    }

    /**
     * The version a request asked for, checked against what the daemon serves; errors carry
     * dockerd's own messages, which clients and users recognise.
     *
     * @param requested the text after {@code /v} in the path, or null for an unversioned path
     */
    public static ApiVersion negotiate(String requested) {
        if (requested == null) {
            return CURRENT;
        }
        ApiVersion v;
        try {
            v = parse(requested);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        if (v.isBefore(MINIMUM)) {
            throw ApiException.invalid("client version " + requested + " is too old. Minimum supported API version is "
                    + MINIMUM + ", please upgrade your client to a newer version");
        }
        if (v.compareTo(CURRENT) > 0) {
            throw ApiException.invalid("client version " + requested + " is too new. Maximum supported API version is "
                    + CURRENT);
        }
        return v;
    }

    public boolean isBefore(ApiVersion other) {
        return compareTo(other) < 0;
    }

    public boolean isAtLeast(ApiVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
