package dev.berth.image.snapshot;

/**
 * The space a snapshot's own storage takes: bytes of file content (apparent sizes, each hard
 * linked inode counted once, directories not counted, as Docker counts layer sizes) and the
 * number of inodes, including the snapshot's root directory.
 */
public record Usage(long size, long inodes) {
    public static final Usage NONE = new Usage(0, 0);
}
