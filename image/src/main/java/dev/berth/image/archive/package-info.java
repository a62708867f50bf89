/**
 * Images in and out of files: {@code docker save} ({@link dev.berth.image.archive.ImageSaver}),
 * {@code docker load} ({@link dev.berth.image.archive.ImageLoader}) and {@code docker import}
 * ({@link dev.berth.image.archive.ImageImporter}).
 *
 * <p>Archives in every layout that real tools write load:
 * <pre>
 * Docker 25+ save           older Docker save            skopeo docker-archive:       OCI layout
 * blobs/sha256/&lt;hex&gt;        &lt;hex&gt;.json                   &lt;hex&gt;.json                   blobs/sha256/&lt;hex&gt;
 * index.json                &lt;id&gt;/layer.tar (or symlink)   &lt;diffid-hex&gt;.tar             index.json
 * oci-layout                &lt;id&gt;/json, &lt;id&gt;/VERSION       &lt;id&gt;/layer.tar -&gt; ../….tar    oci-layout
 * manifest.json             manifest.json                manifest.json
 * repositories              repositories                 repositories
 * </pre>
 * {@code manifest.json} wins where present; otherwise {@code index.json} is read as an OCI
 * layout. Layers may be plain tar, gzip or zstd, told by their magic bytes.
 *
 * <p>Loading never extracts: names are normalized and refused if they climb out, links are
 * followed inside the archive only, digests and diffIDs are checked before anything is
 * committed, and a failure leaves no blob or image behind. Unpacking layers is not done here;
 * each stored layer goes to a {@link dev.berth.image.archive.LayerHandler}, which the daemon
 * connects to its snapshotter.
 */
package dev.berth.image.archive;
