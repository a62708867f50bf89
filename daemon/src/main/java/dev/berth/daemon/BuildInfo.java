package dev.berth.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Berth's version and build time, written into {@code version.properties} by the build.
 *
 * @param version   the project version ({@code 0.1.0-SNAPSHOT})
 * @param buildTime RFC 3339, or empty when unknown
 */
public record BuildInfo(String version, String buildTime) {

    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unknown build: the defaults below
        }
        String version = p.getProperty("version", "");
        String time = p.getProperty("buildTime", "");
        if (version.isEmpty() || version.startsWith("${")) {
            version = "0.0.0-dev";
        }
        if (time.startsWith("${")) {
            time = "";
        }
        return new BuildInfo(version, time);
    }
}
