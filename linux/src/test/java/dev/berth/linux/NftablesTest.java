package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.testing.NftablesTestNetns;
import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class NftablesTest {

    @Test
    void libraryIsAvailableHere() {
        // install-deps brings Debian's nftables, and with it libnftables1
        assertThat(Nftables.isAvailable()).isTrue();
    }

    @Test
    void errorMessageIsTheFirstErrorLinePrefixedWithTheCommandLibnftablesPointsAt() {
        String buffer = """
                /proc/self/fd/42:1:1-26: Error: Could not process rule: No such file or directory
                delete table ip berth-nope
                                ^^^^^^^^^^
                """;
        NftablesException e = NftablesException.of(null, "delete table ip berth-nope", buffer);
        assertThat(e).hasMessage("nft delete table ip berth-nope: could not process rule: no such file or directory");
        assertThat(e.command()).isEqualTo("delete table ip berth-nope");
        assertThat(e.errorOutput()).isEqualTo(buffer);
    }

    @Test
    void errorMessageTakesTheCallersPrefixAndDropsTheParserLocation() {
        String buffer = "/proc/self/fd/42:2:1-3: Error: syntax error, unexpected string\nfoo bar\n^^^\n";
        assertThat(NftablesException.of("add network berth0", "table ip x\nfoo bar", buffer))
                .hasMessage("add network berth0: syntax error, unexpected string")
                .satisfies(e -> assertThat(((NftablesException) e).command()).isEqualTo("foo bar"));
    }

    @Test
    void errorMessageWithoutAnErrorLineUsesTheFirstLineOfBoth() {
        assertThat(NftablesException.of(null, "\nlist ruleset\n", "  \nOperation not permitted (you must be root)\n"))
                .hasMessage("nft list ruleset: operation not permitted (you must be root)");
        assertThat(NftablesException.of(null, "flush ruleset", ""))
                .hasMessage("nft flush ruleset: failed without an error message");
    }

    /** Every test here runs in a namespace of its own, so the host's ruleset is never touched. */
    @Nested
    @RequiresRoot
    class InANamespace {
        private NftablesTestNetns ns;
        private Nftables nft;

        @BeforeEach
        void setUp() throws IOException {
            ns = NftablesTestNetns.create("berth-nft");
            nft = ns.call(Nftables::open);
        }

        @AfterEach
        void tearDown() throws IOException {
            try {
                if (nft != null) {
                    nft.close();
                }
            } finally {
                ns.close();
            }
        }

        @Test
        void actsInTheNamespaceOfTheThreadThatOpenedIt() throws IOException {
            String table = "berth-t" + ns.name().substring(ns.name().length() - 5);
            // this (test) thread is in the host namespace; the context was created in ns
            nft.run("add table ip " + table);

            assertThat(ns.exec("nft", "list", "tables")).contains("table ip " + table);
            assertThat(NftablesTestNetns.run(List.of("nft", "list", "tables"))).doesNotContain(table);
            assertThat(nft.run("list tables")).isEqualTo("table ip " + table + "\n");
        }

        @Test
        void aScriptIsOneTransaction() throws IOException {
            String script = """
                    add table ip first
                    add chain ip first c
                    add chain ip nope c
                    """;
            assertThatThrownBy(() -> nft.run(script))
                    .isInstanceOf(NftablesException.class)
                    .hasMessage("nft add chain ip nope c: no such file or directory");
            // the table the script made before the failing line is not there either
            assertThat(ns.exec("nft", "list", "tables")).isEmpty();
            assertThat(nft.run("add table ip first\nadd chain ip first c\nlist chain ip first c"))
                    .contains("chain c {");
        }

        @Test
        void failuresNameWhatWasAttemptedAndTheContextStaysUsable() throws IOException {
            assertThatThrownBy(() -> nft.run("delete table ip berth-nope"))
                    .hasMessage("nft delete table ip berth-nope: could not process rule: no such file or directory");
            assertThatThrownBy(() -> nft.run("remove network berth0", "add table ip x\nfoo bar"))
                    .hasMessageStartingWith("remove network berth0: syntax error");
            assertThat(nft.run("add table ip x\nlist tables")).isEqualTo("table ip x\n");
        }

        @Test
        void jsonListingsAndTextListingsFromOneContext() throws IOException {
            nft.run("add table ip x");
            assertThat(nft.runJson("list tables", "list tables"))
                    .startsWith("{\"nftables\": [")
                    .contains("{\"table\": {\"family\": \"ip\", \"name\": \"x\"");
            assertThat(nft.run("list tables")).isEqualTo("table ip x\n");
        }

        @Test
        void threadsShareContextsSafely() throws Exception {
            nft.run("add table ip x\nadd set ip x s { type inet_service; }");
            try (Nftables second = ns.call(Nftables::open);
                    ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Nftables ctx = t % 2 == 0 ? nft : second;
                    int base = t * 100;
                    done.add(pool.submit(() -> {
                        for (int i = 1; i <= 50; i++) {
                            ctx.run("add element ip x s { " + (base + i) + " }");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            String json = nft.runJson(null, "list set ip x s");
            int elements = json.split("\"elem\": \\[")[1].split(",").length;
            assertThat(elements).isEqualTo(200);
        }

        @Test
        void closeIsIdempotentAndAClosedContextRefusesWork() {
            nft.close();
            nft.close();
            assertThatThrownBy(() -> nft.run("list tables"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("nftables context closed");
        }
    }
}
