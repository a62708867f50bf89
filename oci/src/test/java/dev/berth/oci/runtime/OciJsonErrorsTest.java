package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.TestSpecs.edit;
import static dev.berth.oci.runtime.TestSpecs.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading errors: one lower-case line naming the document, the field and what was wrong. */
class OciJsonErrorsTest {

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("/process/user/uid", "\"x\"", "process.user.uid: expected a number, got \"x\""),
                // Go's encoding/json does not turn "1" into 1, and neither do we.
                Arguments.of("/process/user/uid", "\"1\"", "process.user.uid: expected a number, got \"1\""),
                Arguments.of("/process/user/uid", "1.5", "process.user.uid: expected a number, got 1.5"),
                Arguments.of("/process/user/uid", "99999999999999999999",
                        "process.user.uid: expected a 64-bit integer, got 99999999999999999999"),
                Arguments.of("/process/consoleSize", "{\"height\": 4294967296, \"width\": 80}",
                        "process.consoleSize.height: expected a 32-bit integer, got 4294967296"),
                Arguments.of("/hostname", "5", "hostname: expected a string, got 5"),
                Arguments.of("/hostname", "true", "hostname: expected a string, got true"),
                Arguments.of("/process/terminal", "\"yes\"", "process.terminal: expected a boolean, got \"yes\""),
                Arguments.of("/process/terminal", "1", "process.terminal: expected a boolean, got 1"),
                Arguments.of("/process/args", "\"sh\"", "process.args: expected an array, got \"sh\""),
                Arguments.of("/process/args", "{}", "process.args: expected an array, got an object"),
                Arguments.of("/process", "[]", "process: expected an object, got an array"),
                Arguments.of("/process/user/uid", "[]", "process.user.uid: expected a number, got an array"),
                Arguments.of("/linux/namespaces/2/type", "3", "linux.namespaces[2].type: expected a string, got 3"),
                Arguments.of("/linux/sysctl", "{\"net.ipv4.ip_forward\": 1}",
                        "linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got 1"),
                Arguments.of("/process/args", "[\"sh\", null]", "process.args[1]: expected a string, got null"),
                Arguments.of("/mounts/1", "null", "mounts[1]: expected an object, got null"),
                Arguments.of("/linux/sysctl", "{\"kernel.shmmax\": null}",
                        "linux.sysctl[\"kernel.shmmax\"]: expected a string, got null"),
                Arguments.of("/annotations", "{\"a\": {}}", "annotations[\"a\"]: expected a string, got an object"),
                Arguments.of("/linux/resources/memory", "{\"limit\": \"\"}",
                        "linux.resources.memory.limit: expected a number, got \"\""),
                Arguments.of("/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                        + "[\"x\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": -1, "
                        + "\"op\": \"SCMP_CMP_EQ\"}]}]}",
                        "linux.seccomp.syscalls[0].args[0].value: expected an unsigned 64-bit number, "
                                + "got -1 (range 0..18446744073709551615)"),
                Arguments.of("/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                        + "[\"x\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, "
                        + "\"valueTwo\": 18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                        "linux.seccomp.syscalls[0].args[0].valueTwo: expected an unsigned 64-bit number, "
                                + "got 18446744073709551616 (range 0..18446744073709551615)"),
                Arguments.of("/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                        + "[\"x\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": \"5\", "
                        + "\"op\": \"SCMP_CMP_EQ\"}]}]}",
                        "linux.seccomp.syscalls[0].args[0].value: expected an unsigned 64-bit number, got \"5\""),
                Arguments.of("/process/rlimits/0/hard", "-1",
                        "process.rlimits[0].hard: expected an unsigned 64-bit number, "
                                + "got -1 (range 0..18446744073709551615)"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("wrongTypes")
    void namesTheFieldAndTheExpectedType(String pointer, String value, String message) {
        assertThatThrownBy(() -> TestSpecs.spec(edit(tree("runc-spec.json"), pointer, value)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("config.json: " + message);
    }

    @Test
    void reportsWhereJsonIsMalformed() {
        String json = "{\n  \"ociVersion\": \"1.0.2\",\n    \"root\" {\"path\": \"rootfs\"}\n}";

        assertThatThrownBy(() -> read(json))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("config.json: malformed JSON at line 3 column 12: unexpected character ('{'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void reportsATruncatedDocument() {
        assertThatThrownBy(() -> read("{\"ociVersion\": \"1.0.2\", \"root\": {"))
                .hasMessageStartingWith("config.json: malformed JSON at line 1 column 34: unexpected end-of-input");
    }

    @Test
    void reportsAnEmptyDocument() {
        assertThatThrownBy(() -> read("")).hasMessage("config.json: empty document");
        assertThatThrownBy(() -> read("  \n")).hasMessage("config.json: empty document");
    }

    @Test
    void reportsAWrongTopLevelType() {
        assertThatThrownBy(() -> read("[]")).hasMessage("config.json: expected an object, got an array");
        assertThatThrownBy(() -> read("\"x\"")).hasMessage("config.json: expected an object, got \"x\"");
    }

    @Test
    void exposesTheFieldAndReasonSeparately() {
        assertThatThrownBy(() -> read("{\"process\": {\"user\": {\"uid\": \"x\"}}}"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.field()).isEqualTo("process.user.uid");
                    assertThat(e.reason()).isEqualTo("expected a number, got \"x\"");
                });
    }

    @Test
    void namesTheAllowedValuesOfAnEnum() {
        String state = "{\"ociVersion\": \"1.0.2\", \"id\": \"c1\", \"status\": \"flying\", \"bundle\": \"/b\"}";

        assertThatThrownBy(() -> OciJson.readState(state.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("state.json: status: unknown value \"flying\" "
                        + "(want one of creating, created, running, stopped, paused)");
    }

    private static Spec read(String json) throws InvalidSpecException {
        return OciJson.readSpec(json.getBytes(StandardCharsets.UTF_8));
    }
}
