package dev.berth.image.reference;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Digest;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * An image name as Docker understands it: registry domain, repository path, and an optional tag
 * and digest. {@link #parse} normalizes as Docker's {@code ParseNormalizedNamed} does, so that
 * {@code busybox}, {@code library/busybox} and {@code index.docker.io/library/busybox} are all
 * {@code docker.io/library/busybox}; {@link #toString()} gives that full form and
 * {@link #familiar()} the short one people type ({@code busybox:latest}).
 *
 * <p>Errors are Docker's words, because scripts and tests match on them:
 * {@code invalid reference format: ":bad"} (Docker stops after "format"; the reference is added,
 * so that the one line names what was wrong), {@code invalid reference format: repository name
 * (library/Busybox) must be lowercase} (the form current Docker prints; older Docker left out
 * the name), {@code repository name must not be more than 255 characters}, go-digest's
 * {@code invalid checksum digest length}, and for a bare image ID {@code invalid repository name
 * (…), cannot specify 64-byte hexadecimal strings}. All are {@code INVALID_ARGUMENT}.
 *
 * @param domain the registry, {@code docker.io} for Docker Hub, {@code localhost:5000}
 * @param path   the repository path, {@code library/busybox}
 * @param tag    the tag or {@code null}
 * @param digest the digest or {@code null}
 */
public record ImageReference(String domain, String path, String tag, Digest digest) {
    public static final String DEFAULT_DOMAIN = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
    private static final String OFFICIAL_PREFIX = "library/";
    private static final String LOCALHOST = "localhost";
    private static final String INVALID_FORMAT = "invalid reference format";
    private static final int MAX_INPUT = 4096; // far beyond any valid reference; bounds regex work

    /**
     * Parses and normalizes a reference exactly as Docker's {@code ParseNormalizedNamed}: the
     * domain defaults to {@code docker.io}, single-component Hub names get {@code library/}, and
     * no tag is added (see {@link #withDefaultTag()}).
     */
    public static ImageReference parse(String text) throws ImageException {
        if (ReferenceGrammar.IDENTIFIER.matcher(text).matches()) {
            throw ImageException.invalid(
                    "invalid repository name (" + text + "), cannot specify 64-byte hexadecimal strings");
        }
        String[] split = splitDockerDomain(text);
        String domain = split[0];
        String remainder = split[1];
        int colon = remainder.indexOf(':');
        String remoteName = colon >= 0 ? remainder.substring(0, colon) : remainder;
        if (!remoteName.toLowerCase(Locale.ROOT).equals(remoteName)) {
            throw ImageException.invalid(
                    "invalid reference format: repository name (" + remoteName + ") must be lowercase");
        }
        try {
            return parseCanonical(domain + "/" + remainder, domain);
        } catch (ImageException e) {
            if (!e.getMessage().equals(INVALID_FORMAT)) {
                throw e;
            }
            // Docker's words first, for scripts that match them; then which reference it was
            throw ImageException.invalid(INVALID_FORMAT + ": \"" + text + "\"");
        }
    }

    /**
     * Parses as Docker's {@code ParseDockerRef} does for pulls: normalized, {@code :latest} when
     * neither tag nor digest is given, and the tag dropped when a digest pins the content.
     */
    public static ImageReference parseDockerRef(String text) throws ImageException {
        ImageReference ref = parse(text);
        return ref.digest != null ? ref.withoutTag() : ref.withDefaultTag();
    }

    /** Whether {@code text} is a reference {@link #parse} accepts. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (ImageException e) {
            return false;
        }
    }

    /** Whether {@code tag} is a valid tag ({@code [\w][\w.-]{0,127}}). */
    public static boolean isValidTag(String tag) {
        return ReferenceGrammar.TAG_ONLY.matcher(tag).matches();
    }

    /** distribution/reference's {@code Parse}, on a string whose domain is already explicit. */
    private static ImageReference parseCanonical(String text, String domain) throws ImageException {
        Matcher m = text.length() > MAX_INPUT ? null : ReferenceGrammar.REFERENCE.matcher(text);
        if (m == null || !m.matches()) {
            if (text.isEmpty()) {
                throw ImageException.invalid("repository name must have at least one component");
            }
            Matcher lower = text.length() > MAX_INPUT ? null
                    : ReferenceGrammar.REFERENCE.matcher(text.toLowerCase(Locale.ROOT));
            if (lower != null && lower.matches()) {
                throw ImageException.invalid("repository name must be lowercase");
            }
            throw ImageException.invalid(INVALID_FORMAT);
        }
        String name = m.group(1);
        if (name.length() > ReferenceGrammar.NAME_TOTAL_LENGTH_MAX) {
            throw ImageException.invalid("repository name must not be more than "
                    + ReferenceGrammar.NAME_TOTAL_LENGTH_MAX + " characters");
        }
        Digest digest = null;
        if (m.group(3) != null) {
            String problem = Digest.problemWith(m.group(3));
            String algorithm = m.group(3).substring(0, m.group(3).indexOf(':'));
            if (problem == null && !Digest.SHA256.equals(algorithm) && !Digest.SHA384.equals(algorithm)
                    && !Digest.SHA512.equals(algorithm)) {
                problem = "unsupported digest algorithm"; // go-digest knows only these three
            }
            if (problem != null) {
                throw ImageException.invalid(problem);
            }
            digest = Digest.parse(m.group(3));
        }
        return new ImageReference(domain, name.substring(domain.length() + 1), m.group(2), digest);
    }

    /** distribution/reference's {@code splitDockerDomain}. */
    private static String[] splitDockerDomain(String name) {
        int slash = name.indexOf('/');
        String domain;
        String remainder;
        String first = slash < 0 ? "" : name.substring(0, slash);
        // The first component is a registry only if it looks like a host: has a dot or a port,
        // is "localhost", or has upper case (which a repository path cannot have).
        if (slash < 0 || (first.indexOf('.') < 0 && first.indexOf(':') < 0 && !first.equals(LOCALHOST)
                && first.toLowerCase(Locale.ROOT).equals(first))) {
            domain = DEFAULT_DOMAIN;
            remainder = name;
        } else {
            domain = first;
            remainder = name.substring(slash + 1);
        }
        if (domain.equals(LEGACY_DEFAULT_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
        }
        if (domain.equals(DEFAULT_DOMAIN) && remainder.indexOf('/') < 0) {
            remainder = OFFICIAL_PREFIX + remainder;
        }
        return new String[] {domain, remainder};
    }

    /** {@code docker.io/library/busybox}: domain and path, no tag or digest. */
    public String name() {
        return domain + "/" + path;
    }

    /** {@code busybox}, {@code user/repo}, {@code localhost:5000/repo}: the name as people write it. */
    public String familiarName() {
        if (!DEFAULT_DOMAIN.equals(domain)) {
            return name();
        }
        if (path.startsWith(OFFICIAL_PREFIX) && path.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
            return path.substring(OFFICIAL_PREFIX.length());
        }
        return path;
    }

    /** {@code busybox:latest}, {@code busybox@sha256:…}: as {@code docker images} shows it. */
    public String familiar() {
        return familiarName() + suffix();
    }

    /** The full form, {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return name() + suffix();
    }

    private String suffix() {
        return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    public boolean isNameOnly() {
        return tag == null && digest == null;
    }

    /** Docker's {@code TagNameOnly}: adds {@code :latest} if there is neither tag nor digest. */
    public ImageReference withDefaultTag() {
        return isNameOnly() ? withTag(DEFAULT_TAG) : this;
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(domain, path, newTag, digest);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(domain, path, tag, newDigest);
    }

    public ImageReference withoutTag() {
        return new ImageReference(domain, path, null, digest);
    }

    public ImageReference nameOnly() {
        return new ImageReference(domain, path, null, null);
    }

    /**
     * Docker's {@code FamiliarMatch}, used by the {@code reference} filter of {@code docker
     * images}: the glob matches the familiar form ({@code busybox:latest}) or, failing that,
     * the familiar name ({@code busybox}).
     */
    public boolean familiarMatch(String pattern) throws ImageException {
        return GlobPattern.matches(pattern, familiar()) || GlobPattern.matches(pattern, familiarName());
    }
}
