/**
 * Containers as the Docker Engine API describes them, and their translation into an OCI runtime
 * spec.
 *
 * <p>The request side mirrors {@code POST /containers/create}: {@link CreateRequest} holds a
 * {@link ContainerConfig} and a {@link HostConfig} in Docker's field names. {@link ImageDefaults}
 * merges the image's config into the request as dockerd does at create time.
 * {@link SpecGenerator} then composes the spec from small parts, each with one job:
 *
 * <pre>
 *   ImageDefaults        request + image config  → effective ContainerConfig (args, env, user, …)
 *   UserLookup           "uid[:gid]" / names     → uid, gid, groups from the rootfs's /etc files
 *   ContainerCapabilities  defaults ± CapAdd/CapDrop, or everything the daemon holds
 *   SecurityOptions      SecurityOpt             → no-new-privileges, seccomp choice
 *   MountPoints          Binds, Mounts, Tmpfs, image VOLUMEs → parsed mount points
 *   ContainerMounts      Docker's default mounts + mount points + network files + init
 *   ContainerDevices     device nodes and the device cgroup's rules
 *   ContainerResources   cgroup limits, checked with dockerd's messages
 *   ContainerNamespaces  pid/ipc/uts/net/mount/cgroup from the *Mode fields
 *   Sysctls              the sysctls a container may set, given its namespaces
 * </pre>
 *
 * <p>Bad input is refused with an {@link InvalidContainerConfigException} whose message is one
 * line in dockerd's words; the API answers it with 400.
 */
package dev.berth.daemon.container;
