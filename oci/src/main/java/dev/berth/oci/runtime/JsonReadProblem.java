package dev.berth.oci.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A reading error raised by one of our own deserializers, whose message is already in the
 * final form ({@code expected an unsigned 64-bit number, got -1}). Jackson prefixes the field
 * path as the exception travels up; {@link OciJson} then uses the message as the reason instead
 * of rewording it as it does for Jackson's own exceptions.
 */
final class JsonReadProblem extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    JsonReadProblem(JsonParser parser, String reason) {
        super(parser, reason);
    }
}
