package dev.berth.oci.runtime;

/**
 * A runtime configuration (or state, or features document) that cannot be used: it is not
 * JSON, a field has the wrong type, or a value breaks a rule of the runtime spec.
 *
 * <p>The message is always one lower-case line, {@code [<document>: ]<field>: <reason>}, where
 * {@code field} is the JSON path of the offending value ({@code linux.namespaces[2].type}), so
 * that a runc-style caller can print it unchanged:
 * {@code linux.namespaces[2].type: unknown namespace type "foo"}. Reading errors also name the
 * document ({@code config.json: process.user.uid: expected a number, got "x"}); validation
 * errors do not, since the caller knows which spec it validated. {@link #field()} and
 * {@link #reason()} give the parts for callers that map errors to their own convention (the
 * daemon maps this exception to "invalid argument").
 */
public final class InvalidSpecException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /** A validation error: {@code field} is a JSON path such as {@code process.args}. */
    public InvalidSpecException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /**
     * A reading error in document {@code source}; {@code field} is empty when the problem is
     * not in one field (malformed JSON, an empty file).
     */
    public InvalidSpecException(String source, String field, String reason, Throwable cause) {
        super(source + ": " + (field.isEmpty() ? "" : field + ": ") + reason, cause);
        this.field = field;
        this.reason = reason;
    }

    /** The JSON path of the offending value; empty if the error is not about one field. */
    public String field() {
        return field;
    }

    /** Why the value was rejected, without the field or document name. */
    public String reason() {
        return reason;
    }
}
