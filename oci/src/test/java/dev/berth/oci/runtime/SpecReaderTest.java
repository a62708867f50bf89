package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.TestSpecs.REMOVE;
import static dev.berth.oci.runtime.TestSpecs.bytes;
import static dev.berth.oci.runtime.TestSpecs.edit;
import static dev.berth.oci.runtime.TestSpecs.resource;
import static dev.berth.oci.runtime.TestSpecs.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SpecReader} against the databind path it replaces for {@code config.json}
 * ({@code OciJson.read(json, Spec.class, ...)}): the same records for every document, the same
 * rejections, and no jackson-databind class needed to do it.
 */
class SpecReaderTest {

    /** Every config.json the oci tests hold, and edits that reach the corners of the rules. */
    static Stream<Arguments> documents() throws InvalidSpecException {
        return Stream.of(
                Arguments.of("runc spec", resource("runc-spec.json")),
                Arguments.of("runc spec --rootless", resource("runc-spec-rootless.json")),
                Arguments.of("config.md example", resource("config-md-example.json")),
                Arguments.of("every field", resource("every-field.json")),
                Arguments.of("explicit nulls", bytes(edit(tree("every-field.json"),
                        "/hostname", "null",
                        "/mounts/0/options", "null",
                        "/process/terminal", "null",
                        "/process/consoleSize/height", "null",
                        "/process/user/uid", "null",
                        "/process/user/additionalGids", "null",
                        "/process/rlimits/0/hard", "null",
                        "/linux/resources/devices/1/allow", "null",
                        "/linux/resources/pids", "null",
                        "/linux/seccomp/syscalls/2/args/0/value", "null",
                        "/linux/seccomp/syscalls/1/args/0/valueTwo", REMOVE,
                        "/linux/personality", "null"))),
                Arguments.of("empty containers", bytes(edit(tree("every-field.json"),
                        "/mounts", "[]",
                        "/annotations", "{}",
                        "/process/env", "[]",
                        "/process/user", "{}",
                        "/linux/timeOffsets", "{}",
                        "/linux/resources/rdma", "{\"mlx5_1\": {}}",
                        "/linux/seccomp/syscalls/0", "{}"))),
                Arguments.of("limits of the number types", bytes(edit(tree("every-field.json"),
                        "/process/oomScoreAdj", "-2147483648",
                        "/process/consoleSize/width", "2147483647",
                        "/process/user/uid", "-9223372036854775808",
                        "/process/user/gid", "9223372036854775807",
                        "/process/rlimits/0/hard", "0",
                        "/process/rlimits/0/soft", "9223372036854775808",
                        "/linux/resources/memory/limit", "-1"))),
                Arguments.of("unknown fields", bytes(edit(tree("every-field.json"),
                        "/vendor", "{\"deep\": [1, {\"er\": [null, true, 1.5e3]}]}",
                        "/process/user/sid", "\"S-1-5\"",
                        "/linux/resources/memory/extra", "[[[]]]",
                        "/linux/seccomp/syscalls/2/args/0/comment", "null"))),
                Arguments.of("a repeated field: the last value counts", """
                        {"hostname": "a", "hostname": "b", "linux": {"sysctl": {"k": "1", "k": "2"}},
                         "process": {"user": {"uid": 1, "uid": 2}}}""".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("written by OciJson.writePretty",
                        OciJson.writePretty(databind(resource("every-field.json"))).getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void readsWhatDatabindReads(String name, byte[] json) throws Exception {
        assertThat(OciJson.readSpec(json)).isEqualTo(databind(json));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void readsAProcessAloneAsDatabindDoes(String name, byte[] json) throws Exception {
        var process = TestSpecs.PLAIN.readTree(json).get("process");
        byte[] processJson = bytes(process);

        assertThat(OciJson.readProcess(processJson, "process.json"))
                .isEqualTo(OciJson.read(processJson, Spec.Process.class, "process.json"));
    }

    /** Guards the corpus: a record component every-field.json leaves unset is not compared above. */
    @Test
    void theEveryFieldDocumentSetsEveryComponentOfEveryRecord() throws Exception {
        Set<String> unset = new LinkedHashSet<>();
        components(Spec.class, unset);

        forget(OciJson.readSpec(resource("every-field.json")), unset);

        assertThat(unset).as("components never set (or only to 0/false) in every-field.json").isEmpty();
    }

    static Stream<Arguments> rejectedByBoth() {
        return Stream.of(
                bad("/process/user/uid", "\"1\"", "process.user.uid: expected a number, got \"1\""),
                bad("/process/user/uid", "1.5", "process.user.uid: expected a number, got 1.5"),
                bad("/process/user/uid", "true", "process.user.uid: expected a number, got true"),
                bad("/process/user/additionalGids", "[5, null]", "process.user.additionalGids[1]: expected a number, got null"),
                bad("/process/consoleSize/height", "\"\"", "process.consoleSize.height: expected a number, got \"\""),
                bad("/process/oomScoreAdj", "2147483648", "process.oomScoreAdj: expected a 32-bit integer, got 2147483648"),
                bad("/linux/resources/memory/limit", "9223372036854775808",
                        "linux.resources.memory.limit: expected a 64-bit integer, got 9223372036854775808"),
                bad("/linux/resources/memory/limit", "\"\"", "linux.resources.memory.limit: expected a number, got \"\""),
                bad("/hostname", "5", "hostname: expected a string, got 5"),
                bad("/hostname", "[]", "hostname: expected a string, got an array"),
                bad("/process/args", "[\"sh\", null]", "process.args[1]: expected a string, got null"),
                bad("/process/args", "\"\"", "process.args: expected an array, got \"\""),
                bad("/process/terminal", "1", "process.terminal: expected a boolean, got 1"),
                bad("/process/terminal", "\"true\"", "process.terminal: expected a boolean, got \"true\""),
                bad("/linux/resources/devices/0/allow", "0", "linux.resources.devices[0].allow: expected a boolean, got 0"),
                bad("/process", "[]", "process: expected an object, got an array"),
                bad("/linux", "\"\"", "linux: expected an object, got \"\""),
                bad("/annotations", "\"\"", "annotations: expected an object, got \"\""),
                bad("/annotations/com.example.key1", "{}", "annotations[\"com.example.key1\"]: expected a string, got an object"),
                bad("/mounts/1", "null", "mounts[1]: expected an object, got null"),
                bad("/linux/sysctl/kernel.shmmax", "null", "linux.sysctl[\"kernel.shmmax\"]: expected a string, got null"),
                bad("/linux/timeOffsets/boottime", "null", "linux.timeOffsets[\"boottime\"]: expected an object, got null"),
                bad("/linux/resources/rdma/mlx5_1/hcaHandles", "\"3\"",
                        "linux.resources.rdma[\"mlx5_1\"][\"hcaHandles\"]: expected a number, got \"3\""),
                bad("/linux/uidMappings/1/size", "\"1000\"", "linux.uidMappings[1].size: expected a number, got \"1000\""),
                bad("/process/rlimits/1/hard", "-1",
                        "process.rlimits[1].hard: expected an unsigned 64-bit number, got -1 (range 0..18446744073709551615)"),
                bad("/process/rlimits/1/soft", "18446744073709551616", "process.rlimits[1].soft: expected an unsigned "
                        + "64-bit number, got 18446744073709551616 (range 0..18446744073709551615)"),
                bad("/linux/seccomp/syscalls/2/args/0/value", "\"5\"",
                        "linux.seccomp.syscalls[2].args[0].value: expected an unsigned 64-bit number, got \"5\""),
                bad("/linux/seccomp/syscalls/2/args/0/valueTwo", "1.0",
                        "linux.seccomp.syscalls[2].args[0].valueTwo: expected an unsigned 64-bit number, got 1.0"),
                bad("/linux/seccomp/syscalls/2/args/0/index", "\"0\"",
                        "linux.seccomp.syscalls[2].args[0].index: expected a number, got \"0\""),
                malformed("{\"ociVersion\": \"1.0.2\",}",
                        "malformed JSON at line 1 column 24: unexpected character ('}' (code 125)): "
                                + "was expecting double-quote to start field name"),
                malformed("{\"ociVersion\": \"1.0.2\", \"root\": {", "malformed JSON at line 1 column 34: "
                        + "unexpected end-of-input: expected close marker for Object"),
                malformed("{\"hostname\": \"a", "malformed JSON at line 1 column 16: unexpected end-of-input in VALUE_STRING"),
                malformed("{\"process\": {\"user\": {\"uid\": 01}}}",
                        "malformed JSON at line 1 column 31: invalid numeric value: Leading zeroes not allowed"),
                malformed("", "empty document"),
                malformed("[]", "expected an object, got an array"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedByBoth")
    void rejectsWhatDatabindRejectsWithTheSameMessage(String name, byte[] json, String message) {
        InvalidSpecException databind = catchThrowableOfType(InvalidSpecException.class, () -> databind(json));
        InvalidSpecException streaming = catchThrowableOfType(InvalidSpecException.class, () -> OciJson.readSpec(json));

        assertThat(streaming).isNotNull();
        assertThat(streaming.getMessage()).isEqualTo("config.json: " + message);
        assertThat(databind).isNotNull();
        assertThat(databind.getMessage()).isEqualTo(streaming.getMessage());
    }

    /** Rejected by both, but worded better by the reader. */
    static Stream<Arguments> rejectedByBothWordedDifferently() {
        return Stream.of(
                // databind shows the number it parsed ("1000.0"); the reader quotes the document.
                Arguments.of("{\"process\": {\"user\": {\"uid\": 1e3}}}",
                        "process.user.uid: expected a number, got 1000.0",
                        "process.user.uid: expected a number, got 1e3"),
                Arguments.of("{\"hostname\": -0}", "hostname: expected a string, got 0",
                        "hostname: expected a string, got -0"),
                // databind names the outer map's value type, and loses the path of an overflow.
                Arguments.of("{\"linux\": {\"resources\": {\"rdma\": {\"mlx5_1\": {\"hcaHandles\": null}}}}}",
                        "linux.resources.rdma[\"mlx5_1\"][\"hcaHandles\"]: expected an object, got null",
                        "linux.resources.rdma[\"mlx5_1\"][\"hcaHandles\"]: expected a number, got null"),
                Arguments.of("{\"linux\": {\"resources\": {\"rdma\": {\"mlx5_1\": {\"hcaHandles\": 99999999999999999999}}}}}",
                        "linux.resources.rdma: expected a 64-bit integer, got 99999999999999999999",
                        "linux.resources.rdma[\"mlx5_1\"][\"hcaHandles\"]: expected a 64-bit integer, "
                                + "got 99999999999999999999"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedByBothWordedDifferently")
    void rejectsWhatDatabindRejects(String json, String databindMessage, String message) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> databind(bytes)).hasMessage("config.json: " + databindMessage);
        assertThatThrownBy(() -> OciJson.readSpec(bytes)).hasMessage("config.json: " + message);
    }

    @Test
    void rejectsContentAfterTheDocumentAsRuncDoes() throws Exception {
        // databind stops after the first value and would read these.
        assertThatThrownBy(() -> read("{\"ociVersion\": \"1.0.2\"} {}")).hasMessage(
                "config.json: malformed JSON at line 1 column 25: unexpected content after the top-level value");
        assertThatThrownBy(() -> read("{\"ociVersion\": \"1.0.2\"}}"))
                .hasMessageStartingWith("config.json: malformed JSON at line 1 column 24: unexpected close marker '}'");
        assertThatThrownBy(() -> read("{\"ociVersion\": \"1.0.2\"}\nx"))
                .hasMessageStartingWith("config.json: malformed JSON at line 2 column 2: unrecognized token 'x'");
        assertThat(read("{\"ociVersion\": \"1.0.2\"}\n\t ").ociVersion()).isEqualTo("1.0.2");
    }

    @Test
    void rejectsANullDocument() {
        // databind would return a null Spec, for the caller to trip over later.
        assertThatThrownBy(() -> read("null")).hasMessage("config.json: expected an object, got null");
    }

    @Test
    void aRepeatedFieldKeepsItsLastValue() throws Exception {
        // databind fails on a repeat once every component has been seen ("no fallback setter");
        // Go's encoding/json, and so runc, keep the last value, as the reader does.
        assertThat(read("{\"root\": {\"path\": \"a\", \"readonly\": true, \"path\": \"b\"}}").root())
                .isEqualTo(new Spec.Root("b", true));
    }

    @Test
    void namesTheProcessDocumentAndPathsWithinIt() {
        assertThatThrownBy(() -> OciJson.readProcess("{\"user\": {\"uid\": \"x\"}}".getBytes(StandardCharsets.UTF_8),
                "process.json")).hasMessage("process.json: user.uid: expected a number, got \"x\"");
        assertThatThrownBy(() -> OciJson.readProcess("{\"args\": [\"sh\", 1]}".getBytes(StandardCharsets.UTF_8),
                "/tmp/p.json")).hasMessage("/tmp/p.json: args[1]: expected a string, got 1");
    }

    @Test
    void needsNoDatabindClass() throws Throwable {
        URL[] withoutDatabind = {
                location(OciJson.class), location(JsonParser.class), location(JsonInclude.class)};
        byte[] json = resource("every-field.json");

        try (URLClassLoader loader = new URLClassLoader(withoutDatabind, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> ociJson = loader.loadClass(OciJson.class.getName());
            // A method handle, not getMethod(): reflection would resolve the types of every
            // method of OciJson, mapper()'s ObjectMapper included; a call site resolves one.
            MethodHandle readSpec = MethodHandles.publicLookup().findStatic(ociJson, "readSpec",
                    MethodType.methodType(loader.loadClass(Spec.class.getName()), byte[].class));

            Object spec = readSpec.invoke(json);
            assertThat(spec.getClass().getClassLoader()).isSameAs(loader);
            assertThat(spec.toString()).isEqualTo(OciJson.readSpec(json).toString());
            byte[] bad = "{\"process\": {\"user\": {\"uid\": \"x\"}}}".getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> readSpec.invoke(bad))
                    .hasMessage("config.json: process.user.uid: expected a number, got \"x\"")
                    .satisfies(e -> assertThat(e.getClass().getClassLoader()).isSameAs(loader));
            // The control: a document still read by databind cannot be read in this loader.
            MethodHandle readState = MethodHandles.publicLookup().findStatic(ociJson, "readState",
                    MethodType.methodType(loader.loadClass(State.class.getName()), byte[].class));
            assertThatThrownBy(() -> readState.invoke(json)).isInstanceOf(NoClassDefFoundError.class);
        }
    }

    private static Spec databind(byte[] json) throws InvalidSpecException {
        return OciJson.read(json, Spec.class, "config.json");
    }

    private static Spec read(String json) throws InvalidSpecException {
        return OciJson.readSpec(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments bad(String pointer, String value, String message) {
        return Arguments.of(pointer + " = " + value, bytes(edit(tree("every-field.json"), pointer, value)), message);
    }

    private static Arguments malformed(String json, String message) {
        return Arguments.of(json.isEmpty() ? "(empty)" : json, json.getBytes(StandardCharsets.UTF_8), message);
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** Adds {@code Record.component} for every component of every record reachable from {@code type}. */
    private static void components(Type type, Set<String> into) {
        if (type instanceof ParameterizedType generic) {
            for (Type argument : generic.getActualTypeArguments()) {
                components(argument, into);
            }
        } else if (type instanceof Class<?> c && c.isRecord()) {
            for (RecordComponent component : c.getRecordComponents()) {
                if (into.add(c.getSimpleName() + "." + component.getName())) {
                    components(component.getGenericType(), into);
                }
            }
        }
    }

    /** Removes from {@code unset} every component that {@code value} sets (a primitive to other than 0 or false). */
    private static void forget(Object value, Set<String> unset) throws ReflectiveOperationException {
        switch (value) {
            case Collection<?> list -> {
                for (Object element : list) {
                    forget(element, unset);
                }
            }
            case Map<?, ?> map -> {
                for (Object element : map.values()) {
                    forget(element, unset);
                }
            }
            case Record record -> {
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    Object v = component.getAccessor().invoke(record);
                    boolean zero = component.getType().isPrimitive() && List.of(0, 0L, false).contains(v);
                    if (v != null && !zero) {
                        unset.remove(record.getClass().getSimpleName() + "." + component.getName());
                        forget(v, unset);
                    }
                }
            }
            default -> { }
        }
    }
}
