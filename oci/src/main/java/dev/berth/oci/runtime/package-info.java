/**
 * The OCI runtime specification as Java records: the bundle's {@code config.json}
 * ({@link dev.berth.oci.runtime.Spec} with its {@link dev.berth.oci.runtime.Linux} part), the
 * container {@link dev.berth.oci.runtime.State} a runtime reports, and the
 * {@link dev.berth.oci.runtime.Features} it advertises. Record components are named after the
 * JSON fields, so the code reads like the specification; optional fields are {@code null} when
 * absent.
 *
 * <p>A document goes through three stages before the runtime acts on it.
 * {@link dev.berth.oci.runtime.OciJson} reads it, ignoring unknown properties as the spec
 * requires but rejecting values of the wrong JSON type;
 * {@link dev.berth.oci.runtime.SpecValidator} checks it against {@code config.md} and
 * {@code config-linux.md} (and runc's stricter choices where the spec leaves room); and only
 * then does the runtime turn it into a launch plan. Every failure in the first two stages is one
 * {@link dev.berth.oci.runtime.InvalidSpecException} whose message names the field by its JSON
 * path: {@code linux.namespaces[2].type: unknown namespace type "foo"}.
 *
 * <p>{@link dev.berth.oci.runtime.RootfsPath} resolves a path inside an untrusted rootfs without
 * letting symlinks or {@code ..} lead out of it; the runtime uses it for mount destinations,
 * device nodes and the executable lookup. The enums {@link dev.berth.oci.runtime.Capability},
 * {@link dev.berth.oci.runtime.NamespaceType} and {@link dev.berth.oci.runtime.RlimitResource}
 * map the spec's names to the kernel's numbers.
 *
 * <p>Nothing in this package touches the kernel beyond reading files; it needs no privileges.
 */
package dev.berth.oci.runtime;
