package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StartTraceTest {
    @Test
    void summaryNamesEachStageInOrderWithTheTotal() {
        try (StartTrace trace = StartTrace.begin()) {
            StartTrace.mark("resolve image");
            StartTrace.mark("generate spec");
            assertThat(trace.summary()).matches("resolve image \\d+\\.\\dms, generate spec \\d+\\.\\dms \\(total \\d+\\.\\dms\\)");
        }
    }

    @Test
    void eachThreadMarksOnlyItsOwnTrace() throws Exception {
        try (StartTrace mine = StartTrace.begin()) {
            String theirs = CompletableFuture.supplyAsync(() -> {
                StartTrace.mark("before any trace"); // no trace on this thread: dropped
                try (StartTrace trace = StartTrace.begin()) {
                    StartTrace.mark("other start");
                    return trace.summary();
                }
            }).get();
            StartTrace.mark("this start");
            assertThat(theirs).startsWith("other start ").doesNotContain("this start", "before any trace");
            assertThat(mine.summary()).startsWith("this start ").doesNotContain("other start");
        }
    }

    @Test
    void marksAfterCloseGoNowhere() {
        StartTrace trace = StartTrace.begin();
        StartTrace.mark("one");
        trace.close();
        StartTrace.mark("two");
        assertThat(trace.summary()).startsWith("one ").doesNotContain("two");
    }
}
