/**
 * The image store: which images Berth has, by Docker's image ID (the config digest), and the
 * names that point at them, with Docker's rules for tagging, deleting, listing and pruning.
 *
 * <pre>
 * &lt;root&gt;/images/
 * ├── images.json           the whole state: images and references, replaced atomically
 * └── .tmp-images.json-…    only after a crash mid-write; deleted on open
 * </pre>
 *
 * <p>{@code images.json}:
 * <pre>
 * {"version": 1,
 *  "images": [{"id": "sha256:…", "target": {descriptor of manifest or index},
 *              "manifest": "sha256:…", "layers": ["sha256:…"], "created": "…",
 *              "labels": {…}, "lastTagTime": "…", "size": 1982263}],
 *  "references": {"docker.io/library/busybox:latest": "sha256:…",
 *                 "docker.io/library/busybox@sha256:…": "sha256:…"}}
 * </pre>
 *
 * <p>{@link dev.berth.image.store.ImageStore} holds the state;
 * {@link dev.berth.image.store.ImageDeleter}, {@link dev.berth.image.store.ImageLister} and
 * {@link dev.berth.image.store.ImagePruner} are the verbs. Blobs are in the content store and
 * unpacked layers in the snapshotter, named by chain ID;
 * {@link dev.berth.image.store.ImageStore#collectGarbage()} removes the blobs no image needs, and
 * the {@link dev.berth.image.store.SnapshotCollector} the layer snapshots. {@code size} is the
 * unpacked size (the layers' snapshot usage, as Docker reports it), recorded at registration.
 */
package dev.berth.image.store;
