/**
 * Berth's models of the OCI specifications and their JSON mapping. Nothing here touches the
 * kernel or another Berth module, so every other module may depend on it.
 */
module dev.berth.oci {
    // transitive: OciJson.mapper() hands out an ObjectMapper, and the records carry Jackson
    // annotations, so users of this module need Jackson's types too.
    requires transitive com.fasterxml.jackson.databind;

    exports dev.berth.oci.runtime;
    exports dev.berth.oci.image;

    // Jackson reads record components and calls canonical constructors reflectively.
    opens dev.berth.oci.runtime to com.fasterxml.jackson.databind;
    opens dev.berth.oci.image to com.fasterxml.jackson.databind;
}
