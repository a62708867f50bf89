/**
 * The content store: every blob of every image (layers, configs, manifests, indexes) stored
 * once, by digest, and visible only after it has been verified.
 *
 * <pre>
 * &lt;root&gt;/content/
 * ├── blobs/
 * │   └── sha256/
 * │       └── 3f5ef9003cef…     read-only; the name is the sha256 of the content
 * └── ingest/
 *     └── 0b6c…-random/        one per write in progress
 *         ├── data             the bytes so far
 *         └── ref              "sha256:… &lt;size&gt; &lt;started&gt;" if the blob is named in advance
 * </pre>
 *
 * <p>A write ({@link dev.berth.image.content.ContentWriter}) fills {@code ingest/&lt;random&gt;/data};
 * commit checks digest and size, fsyncs, renames into {@code blobs/} and fsyncs the directory.
 * A crash leaves at worst an ingest, which the next writer of the same digest resumes or the
 * next open deletes. {@link dev.berth.image.content.Lease}s keep the blobs of an image being
 * assembled safe from the garbage collector's {@link dev.berth.image.content.ContentStore#sweep}.
 */
package dev.berth.image.content;
