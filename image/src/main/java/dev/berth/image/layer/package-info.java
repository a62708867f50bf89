/**
 * Layers: OCI image layer changesets (tar, gzip or zstd) applied onto directories, and written
 * back from them.
 *
 * <ul>
 *   <li>{@link dev.berth.image.layer.LayerApplier} applies one layer onto a directory, in one of
 *       two {@link dev.berth.image.layer.WhiteoutMode}s, and never writes outside it;</li>
 *   <li>{@link dev.berth.image.layer.SnapshotUnpacker} does that inside a snapshotter;</li>
 *   <li>{@link dev.berth.image.layer.LayerDiff} writes an overlay upper directory as a layer,
 *       and {@link dev.berth.image.layer.Changes} lists it the way {@code docker diff} does.</li>
 * </ul>
 *
 * <p>One layer, as the tar says it and as it lands in an overlay layer directory:
 * <pre>
 * tar entry                 OVERLAY form (snapshot fs/)          REMOVE form (whole tree)
 * etc/passwd                etc/passwd                           etc/passwd
 * etc/.wh.shadow            etc/shadow    (char device 0/0)      etc/shadow deleted
 * var/cache/.wh..wh..opq    var/cache/    trusted.overlay.opaque=y   var/cache/* deleted
 *                                                                 (except this layer's own)
 * </pre>
 * Both directions are byte-exact for xattrs, which Commons Compress alone is not: see
 * {@code LayerTarInputStream} and {@code LayerTarWriter}.
 */
package dev.berth.image.layer;
