package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content identifier, {@code <algorithm>:<encoded>}, as the image spec's
 * {@code descriptor.md} defines it: {@code sha256:6c3c62…}. Every blob, manifest and config is
 * named by one, and Docker's image ID is the digest of the image's config.
 *
 * <p>{@link #parse} accepts what the spec's grammar allows and, for the algorithms Berth can
 * compute ({@code sha256}, {@code sha384}, {@code sha512}), also checks that the encoded part
 * is lower-case hex of the right length: {@code sha256:ABC…} names nothing a registry will
 * serve. Its error messages are go-digest's, which Docker prints ({@code invalid checksum
 * digest length}). {@link #of} and {@link #digester()} compute digests; unregistered
 * algorithms pass parsing, as the spec asks, but cannot be computed or verified.
 */
@JsonDeserialize(using = DigestJson.class)
public record Digest(String algorithm, String encoded) implements Comparable<Digest> {
    public static final String SHA256 = "sha256";
    public static final String SHA384 = "sha384";
    public static final String SHA512 = "sha512";

    private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
    private static final Pattern ENCODED = Pattern.compile("[a-zA-Z0-9=_-]+");
    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    /** Validates both parts; prefer {@link #parse} for text. */
    public Digest {
        String problem = problem(algorithm, encoded);
        if (problem != null) {
            throw new IllegalArgumentException(problem + ": " + algorithm + ":" + encoded);
        }
    }

    /** Parses {@code sha256:<64 hex>} and the spec's other forms; throws with a one-line reason. */
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("invalid checksum digest format: " + text);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /**
     * Why {@code text} is not a digest, in go-digest's words without the value
     * ({@code invalid checksum digest length}), or {@code null} if it is one.
     */
    public static String problemWith(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return "invalid checksum digest format";
        }
        return problem(text.substring(0, colon), text.substring(colon + 1));
    }

    /** Whether {@code text} is a digest {@link #parse} accepts. */
    public static boolean isValid(String text) {
        int colon = text.indexOf(':');
        return colon > 0 && colon < text.length() - 1
                && problem(text.substring(0, colon), text.substring(colon + 1)) == null;
    }

    /** The {@code sha256} digest of {@code bytes}. */
    public static Digest of(byte[] bytes) {
        Digester digester = Digester.sha256();
        digester.update(bytes, 0, bytes.length);
        return digester.digest();
    }

    /** A {@code sha256} digest from its 64 hex digits (an image ID without its prefix). */
    public static Digest sha256(String hex) {
        return new Digest(SHA256, hex);
    }

    /** A digest from the raw hash bytes of {@code algorithm}. */
    static Digest fromHash(String algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** A new digester for this digest's algorithm, to verify content against it. */
    public Digester digester() {
        return Digester.forAlgorithm(algorithm);
    }

    /** The encoded part; for sha256, the 64 hex digits (the file name in {@code blobs/sha256/}). */
    public String hex() {
        return encoded;
    }

    /** The first 12 hex digits, as Docker shows image IDs ({@code docker images}). */
    public String shortId() {
        return encoded.length() <= 12 ? encoded : encoded.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + encoded;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }

    private static String problem(String algorithm, String encoded) {
        if (algorithm == null || encoded == null
                || !ALGORITHM.matcher(algorithm).matches() || !ENCODED.matcher(encoded).matches()) {
            return "invalid checksum digest format";
        }
        int hexLength = switch (algorithm) {
            case SHA256 -> 64;
            case SHA384 -> 96;
            case SHA512 -> 128;
            default -> -1; // unregistered: the spec asks implementations to let it pass
        };
        if (hexLength < 0) {
            return null;
        }
        if (encoded.length() != hexLength) {
            return "invalid checksum digest length";
        }
        return HEX.matcher(encoded).matches() ? null : "invalid checksum digest format";
    }
}
