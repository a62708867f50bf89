package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetachKeysTest {
    @Test
    void theDefaultIsCtrlPCtrlQ() {
        assertThat(DetachKeys.parse(null).keys()).containsExactly(0x10, 0x11);
        assertThat(DetachKeys.parse("").keys()).containsExactly(0x10, 0x11);
    }

    @Test
    void keysAreWrittenAsDockerWritesThem() {
        assertThat(DetachKeys.parse("ctrl-a,x").keys()).containsExactly(0x01, 'x');
        assertThat(DetachKeys.parse("ctrl-@,ctrl-[,ctrl-_,ctrl-Z").keys()).containsExactly(0x00, 0x1b, 0x1f, 0x1a);
    }

    @Test
    void aBadKeyIsRefusedInDockersWords() {
        assertThatThrownBy(() -> DetachKeys.parse("ctrl-1"))
                .isInstanceOf(ApiException.class)
                .hasMessage("Invalid detach keys (ctrl-1) provided")
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThatThrownBy(() -> DetachKeys.parse("ab")).hasMessage("Invalid detach keys (ab) provided");
    }

    @Test
    void theInputEndsAtTheSequenceAndWhatFollowsIsNotPassedOn() throws IOException {
        DetachKeys.Filter in = DetachKeys.DEFAULT.filter(new ByteArrayInputStream("ls\n\u0010\u0011rm\n".getBytes()));
        assertThat(new String(in.readAllBytes())).isEqualTo("ls\n");
        assertThat(in.detached()).isTrue();
    }

    @Test
    void aBrokenMatchPassesTheHeldBytesOn() throws IOException {
        DetachKeys.Filter in = DetachKeys.DEFAULT.filter(new ByteArrayInputStream("a\u0010b\u0010\u0010\u0011".getBytes()));
        assertThat(new String(in.readAllBytes())).isEqualTo("a\u0010b\u0010");
        assertThat(in.detached()).isTrue();
    }

    @Test
    void theSequenceIsFoundAcrossReads() throws IOException {
        List<InputStream> parts = List.of(new ByteArrayInputStream("x\u0010".getBytes()),
                new ByteArrayInputStream("\u0011y".getBytes()));
        DetachKeys.Filter in = DetachKeys.DEFAULT.filter(new SequenceInputStream(Collections.enumeration(parts)));
        assertThat(new String(in.readAllBytes())).isEqualTo("x");
        assertThat(in.detached()).isTrue();
    }

    @Test
    void anInputWithoutTheSequenceIsPassedOnWhole() throws IOException {
        DetachKeys.Filter in = DetachKeys.parse("ctrl-x").filter(new ByteArrayInputStream("hello\u0010\u0011".getBytes()));
        assertThat(new String(in.readAllBytes())).isEqualTo("hello\u0010\u0011");
        assertThat(in.detached()).isFalse();
    }
}
