package dev.berth.runtime.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.runtime.container.Container;
import java.util.Map;

/** A container as {@code runc state} and {@code runc list --format json} print it. */
@JsonPropertyOrder({"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"})
record ContainerView(
        String ociVersion, String id, int pid, String status, String bundle, String rootfs,
        String created, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations,
        String owner) {

    static final String OCI_VERSION = "1.2.1";

    static ContainerView of(Container c) {
        var r = c.record();
        return new ContainerView(OCI_VERSION, r.id(), c.reportedPid(), c.status().json(), r.bundle(),
                r.rootfs(), r.created(), r.annotations(), r.owner() == null ? "" : r.owner());
    }
}
