package dev.berth.oci.image;

/**
 * The {@code oci-layout} file at the root of an OCI image layout ({@code image-layout.md}),
 * which marks the directory (or tar) as a layout and gives its version.
 */
public record ImageLayout(String imageLayoutVersion) {
    public static final String FILE_NAME = "oci-layout";
    public static final String INDEX_FILE_NAME = "index.json";
    public static final String CURRENT_VERSION = "1.0.0";

    public static ImageLayout current() {
        return new ImageLayout(CURRENT_VERSION);
    }
}
