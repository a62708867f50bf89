package dev.berth.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {
    @Test
    void everyKindHasItsStatus() {
        Map<ErrorKind, Integer> expected = new EnumMap<>(ErrorKind.class);
        expected.put(ErrorKind.NOT_FOUND, 404);
        expected.put(ErrorKind.CONFLICT, 409);
        expected.put(ErrorKind.INVALID_ARGUMENT, 400);
        expected.put(ErrorKind.UNAVAILABLE, 503);
        expected.put(ErrorKind.PERMISSION_DENIED, 403);
        expected.put(ErrorKind.NOT_IMPLEMENTED, 501);
        expected.put(ErrorKind.INTERNAL, 500);
        assertThat(expected).hasSize(ErrorKind.values().length);
        for (ErrorKind k : ErrorKind.values()) {
            assertThat(ErrorResponses.status(k).code()).as(k.name()).isEqualTo(expected.get(k));
        }
    }

    @Test
    void apiExceptionsCarryTheirKindAndOthersAreInternal() {
        assertThat(ErrorResponses.kindOf(ApiException.notFound("no such image: busybox:latest"))).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(ErrorResponses.kindOf(ApiException.conflict("in use"))).isEqualTo(ErrorKind.CONFLICT);
        assertThat(ErrorResponses.kindOf(new IllegalStateException("bug"))).isEqualTo(ErrorKind.INTERNAL);
        assertThat(ErrorResponses.status(ErrorResponses.kindOf(new RuntimeException())))
                .isEqualTo(HttpResponseStatus.INTERNAL_SERVER_ERROR);
    }

    @Test
    void theBodyIsDockersMessageObject() {
        assertThat(ErrorResponses.body(ApiException.notFound("no such image: busybox:latest")))
                .isEqualTo(Map.of("message", "no such image: busybox:latest"));
        assertThat(ErrorResponses.body(new NullPointerException())).isEqualTo(Map.of("message", "NullPointerException"));
    }
}
