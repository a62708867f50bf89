/**
 * Snapshots: filesystem trees stored as chains of layers and handed out as {@link
 * dev.berth.image.snapshot.Mount}s ({@link dev.berth.image.snapshot.Snapshotter} explains the
 * lifecycle). {@link dev.berth.image.snapshot.OverlaySnapshotter} stacks layers with overlayfs;
 * {@link dev.berth.image.snapshot.CopyingSnapshotter} copies them, for filesystems without
 * overlay. Both keep the same layout:
 *
 * <pre>
 * /var/lib/berth/snapshots/        the directory given to open(); mode 0700
 *   metadata.json                  every snapshot: key → id, kind, parent, labels, times, usage;
 *                                  replaced atomically (temp file, fsync, rename, fsync dir)
 *   1/fs/                          a committed layer (base)
 *   2/fs/                          a committed layer whose parent is 1
 *   3/fs/  3/work/                 an active snapshot: overlay upper and work dir
 *   tmp-&lt;uuid&gt;/                    a snapshot being made, or one being removed; deleted on open
 * </pre>
 *
 * <p>Ids are decimal and short on purpose: overlay mount options name every lower layer, and
 * {@code 41/fs} is what keeps a 400-layer chain inside one page ({@link
 * dev.berth.image.snapshot.Mounter}).
 */
package dev.berth.image.snapshot;
