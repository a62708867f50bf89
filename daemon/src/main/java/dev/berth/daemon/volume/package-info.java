/**
 * Volumes: the {@code local} driver's named and anonymous volumes under
 * {@code <data-root>/volumes/<name>/_data}, and what containers mount of them.
 *
 * <pre>
 * &lt;data-root&gt;/
 *   volumes/&lt;name&gt;/volume.json     the volume's record ({@link dev.berth.daemon.volume.Volume})
 *   volumes/&lt;name&gt;/_data/          its data
 *   containers/&lt;id&gt;/mounts.json    the container's mount points, volumes named (AttachedMounts)
 *   containers/&lt;id&gt;/held-volumes.json  the volumes it holds mounted while it runs (VolumeMounts)
 * </pre>
 *
 * A volume created with the local driver's options ({@code type}, {@code device}, {@code o}:
 * a tmpfs, a bind of a host directory) has that filesystem mounted over its {@code _data} while
 * containers that use it run ({@link dev.berth.daemon.volume.VolumeMounts}).
 *
 * {@link dev.berth.daemon.volume.VolumeService} is the one entry: the API's Volume tag, the
 * containers' {@link dev.berth.daemon.container.VolumeResolver}, and the volumes of
 * {@code /system/df}.
 */
package dev.berth.daemon.volume;
