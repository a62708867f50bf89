/**
 * The OCI image specification and Docker's image manifest v2 schema 2 as Java records: the
 * {@link dev.berth.oci.image.Descriptor} that points at content by
 * {@link dev.berth.oci.image.Digest}, the {@link dev.berth.oci.image.Index} (Docker: manifest
 * list) that picks a manifest per {@link dev.berth.oci.image.Platform}, the
 * {@link dev.berth.oci.image.Manifest} that lists an image's config and layers, and the
 * {@link dev.berth.oci.image.ImageConfig} whose digest is Docker's image ID. Record components
 * are named after the JSON fields; optional fields are {@code null} when absent.
 *
 * <p>How the documents point at each other:
 * <pre>
 * index (or manifest list)   application/vnd.oci.image.index.v1+json
 *  └─ manifests[i]  ──────▶  manifest   application/vnd.oci.image.manifest.v1+json
 *      platform: linux/amd64  ├─ config ──▶ image config  (digest = image ID)
 *                             │               rootfs.diff_ids[k] = sha256 of layer k uncompressed
 *                             └─ layers[k] ─▶ layer blob (tar, tar+gzip or tar+zstd)
 * </pre>
 *
 * <p>{@link dev.berth.oci.image.ImageJson} reads and writes them with the runtime package's
 * mapper and error convention; {@link dev.berth.oci.image.Digester} computes digests of
 * streams. Nothing here does I/O beyond the bytes it is handed.
 */
package dev.berth.oci.image;
