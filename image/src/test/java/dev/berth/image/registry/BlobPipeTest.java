package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlobPipeTest {

    @Test
    void theReaderSeesTheEndOnlyAfterFinish() throws Exception {
        BlobPipe pipe = new BlobPipe(4);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = pipe.reader()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        pipe.write("hello, ".getBytes(), 0, 7); // more than the capacity: blocks until read
        pipe.write("world".getBytes(), 0, 5);
        Thread.sleep(50);
        assertThat(read).isNotDone();
        pipe.finish();
        assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo("hello, world".getBytes());
    }

    @Test
    void failureReachesTheReaderAfterTheDataBeforeIt() throws Exception {
        BlobPipe pipe = new BlobPipe(1 << 20);
        pipe.write("abc".getBytes(), 0, 3);
        pipe.fail("blob sha256:x: digest mismatch");
        InputStream in = pipe.reader();
        assertThat(in.readNBytes(3)).isEqualTo("abc".getBytes());
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("blob sha256:x: digest mismatch");
    }

    @Test
    void theFirstFailureIsTheOneTheReaderSees() {
        BlobPipe pipe = new BlobPipe(1 << 20);
        pipe.fail("blob sha256:x: digest mismatch");
        pipe.fail("pull of example:latest failed");
        assertThatThrownBy(pipe.reader()::read).isInstanceOf(IOException.class)
                .hasMessage("blob sha256:x: digest mismatch");
    }

    @Test
    void writesAfterTheReaderClosedAreDropped() throws Exception {
        BlobPipe pipe = new BlobPipe(2);
        pipe.reader().close();
        pipe.write("more than two bytes".getBytes(), 0, 19); // must not block
        pipe.write("again".getBytes(), 0, 5);
        assertThat(pipe.isReaderClosed()).isTrue();
    }
}
