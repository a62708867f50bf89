package dev.berth.oci.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigInteger;

/**
 * JSON mapping for the spec's {@code uint64} fields that really use the top half of the range:
 * seccomp argument values (a mask such as {@code 0xffffffff00000000}) and rlimits
 * ({@code RLIM_INFINITY} is 2^64-1, which Docker writes for {@code --ulimit x=-1}). Java has no
 * unsigned long, so the value is kept in a {@code long}'s bits, as the kernel ABI does: read
 * with {@link Long#compareUnsigned} and {@link Long#toUnsignedString}.
 */
final class UnsignedLongJson {
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private UnsignedLongJson() {}

    /** Reads 0..18446744073709551615 into the bits of a long; anything else is an error. */
    static final class Deserializer extends StdDeserializer<Long> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new JsonReadProblem(p, "expected an unsigned 64-bit number, got " + JsonCursor.describe(p));
            }
            BigInteger value = p.getBigIntegerValue();
            if (value.signum() < 0 || value.compareTo(MAX) > 0) {
                throw new JsonReadProblem(p, "expected an unsigned 64-bit number, got " + value
                        + " (range 0..18446744073709551615)");
            }
            return value.longValue(); // two's complement: the low 64 bits, as the kernel reads them
        }

        // An absent valueTwo, or an explicit null, is zero: what Go's encoding/json leaves in a
        // uint64 that the document does not set.
        @Override
        public Long getNullValue(DeserializationContext ctxt) {
            return 0L;
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return 0L;
        }
    }

    /** Writes the long's bits back as the unsigned number they stand for. */
    static final class Serializer extends StdSerializer<Long> {
        private static final long serialVersionUID = 1L;

        Serializer() {
            super(Long.class);
        }

        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            if (value >= 0) {
                gen.writeNumber(value.longValue());
            } else {
                gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
            }
        }
    }
}
