package dev.berth.image.layer;

/**
 * One line of {@code docker diff}: a path (absolute, as seen inside the container) and what
 * happened to it.
 */
public record Change(Kind kind, String path) implements Comparable<Change> {
    /** The three kinds, with the letter {@code docker diff} prints and the number the Engine API sends. */
    public enum Kind {
        /** {@code C}, API kind 0. */
        CHANGED('C', 0),
        /** {@code A}, API kind 1. */
        ADDED('A', 1),
        /** {@code D}, API kind 2. */
        DELETED('D', 2);

        private final char letter;
        private final int apiKind;

        Kind(char letter, int apiKind) {
            this.letter = letter;
            this.apiKind = apiKind;
        }

        public char letter() {
            return letter;
        }

        /** The {@code Kind} field of {@code GET /containers/{id}/changes}. */
        public int apiKind() {
            return apiKind;
        }
    }

    @Override
    public int compareTo(Change other) {
        return path.compareTo(other.path);
    }

    /** As {@code docker diff} prints it: {@code A /etc/new}. */
    @Override
    public String toString() {
        return kind.letter() + " " + path;
    }
}
