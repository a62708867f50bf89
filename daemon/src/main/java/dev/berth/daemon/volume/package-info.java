/**
 * Volumes: the {@code local} driver's named and anonymous volumes under
 * {@code <data-root>/volumes/<name>/_data}, and what containers mount of them.
 *
 * <pre>
 * &lt;data-root&gt;/
 *   volumes/&lt;name&gt;/volume.json     the volume's record ({@link dev.berth.daemon.volume.Volume})
 *   volumes/&lt;name&gt;/_data/          its data
 *   containers/&lt;id&gt;/mounts.json    the container's mount points, volumes named (AttachedMounts)
 * </pre>
 *
 * {@link dev.berth.daemon.volume.VolumeService} is the one entry: the API's Volume tag, the
 * containers' {@link dev.berth.daemon.container.VolumeResolver}, and the volumes of
 * {@code /system/df}.
 */
package dev.berth.daemon.volume;
