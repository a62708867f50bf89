package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** I/O failures become one line naming the object and the cause, of the kind a caller acts on. */
class ImageExceptionTest {
    private static ImageException io(IOException cause) {
        return ImageException.io("write blob sha256:3f", cause);
    }

    @Test
    void aFullDiskIsUnavailable() {
        // FileChannel.write reports ENOSPC as a plain IOException with the strerror text
        ImageException e = io(new IOException("No space left on device"));
        assertThat(e).hasMessage("write blob sha256:3f: no space left on device");
        assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAVAILABLE);
        assertThat(io(new FileSystemException("/x", null, "Disk quota exceeded")).kind())
                .isEqualTo(ImageException.Kind.UNAVAILABLE);
    }

    @Test
    void aRootThatCannotBeWrittenIsPermissionDenied() {
        // Java keeps only the path for EACCES: the reason is supplied
        ImageException denied = io(new AccessDeniedException("/var/lib/berth/image/content/ingest/x"));
        assertThat(denied).hasMessage("write blob sha256:3f: permission denied");
        assertThat(denied.kind()).isEqualTo(ImageException.Kind.PERMISSION_DENIED);

        ImageException readOnly = io(new FileSystemException("/var/lib/berth/x", null, "Read-only file system"));
        assertThat(readOnly).hasMessage("write blob sha256:3f: read-only file system");
        assertThat(readOnly.kind()).isEqualTo(ImageException.Kind.PERMISSION_DENIED);

        // an immutable file (chattr +i) or directory: EPERM
        assertThat(io(new FileSystemException("/x", null, "Operation not permitted")).kind())
                .isEqualTo(ImageException.Kind.PERMISSION_DENIED);
    }

    @Test
    void anythingElseIsInternal() {
        assertThat(io(new NoSuchFileException("/x"))).hasMessage("write blob sha256:3f: no such file or directory")
                .extracting(ImageException::kind).isEqualTo(ImageException.Kind.INTERNAL);
        assertThat(io(new IOException("Input/output error")).kind()).isEqualTo(ImageException.Kind.INTERNAL);
    }
}
