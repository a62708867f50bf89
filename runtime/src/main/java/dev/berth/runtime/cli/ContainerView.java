package dev.berth.runtime.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.container.Container;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A container as {@code runc state} and {@code runc list --format json} print it, in runc's
 * field order, written field by field on Jackson's streaming API (callers poll {@code state},
 * and databind's start-up would be most of each call).
 */
record ContainerView(
        String ociVersion, String id, int pid, String status, String bundle, String rootfs,
        String created, Map<String, String> annotations, String owner) {

    static final String OCI_VERSION = "1.2.1";

    static ContainerView of(Container c) {
        var r = c.record();
        return new ContainerView(OCI_VERSION, r.id(), c.reportedPid(), c.status().json(), r.bundle(),
                r.rootfs(), r.created(), r.annotations(), r.owner() == null ? "" : r.owner());
    }

    /** Indented as runc's {@code state} prints it, without a trailing newline. */
    String toPrettyJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = OciJson.prettyGenerator(out)) {
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("write a state in memory", e);
        }
        return out.toString();
    }

    /** On one line, as {@code list --format json} prints them. */
    static String toJson(List<ContainerView> views) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            g.writeStartArray();
            for (ContainerView v : views) {
                v.write(g);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("write states in memory", e);
        }
        return out.toString();
    }

    private void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("ociVersion", ociVersion);
        g.writeStringField("id", id);
        g.writeNumberField("pid", pid);
        g.writeStringField("status", status);
        g.writeStringField("bundle", bundle);
        g.writeStringField("rootfs", rootfs);
        g.writeStringField("created", created);
        if (annotations != null && !annotations.isEmpty()) {
            g.writeObjectFieldStart("annotations");
            for (Map.Entry<String, String> e : annotations.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeStringField("owner", owner);
        g.writeEndObject();
    }
}
