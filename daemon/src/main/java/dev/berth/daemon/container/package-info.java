/**
 * Containers as the Docker Engine API describes them, and their translation into an OCI runtime
 * spec. {@link ContainerService} is the daemon's container manager behind the Container routes:
 * it keeps each container's record in the {@link ContainerStore} (names unique, ids as Docker
 * makes them, see {@link ContainerNames}) and its writable layer as a snapshot on the image's
 * top layer. Starting, stopping, logs and attach come with the lifecycle.
 *
 * <p>The request side mirrors {@code POST /containers/create}: {@link CreateRequest} holds a
 * {@link ContainerConfig} and a {@link HostConfig} in Docker's field names, read as Go reads
 * them. {@link SpecGenerator} composes the spec from small parts, each with one job:
 *
 * <pre>
 *   CreateChecks          restart policy, --rm, --oom-score-adj, --add-host, namespace conflicts
 *   ImageDefaults         request + image config → the effective ContainerConfig (args, env, user, …)
 *     Environment, Signals   PATH/HOSTNAME/TERM defaults; StopSignal names
 *   UserLookup            "uid[:gid]" or names → uid, gid, groups from the rootfs's /etc files
 *   ContainerCapabilities Docker's 14 defaults ± CapAdd/CapDrop, or all the daemon holds
 *   SecurityOptions       SecurityOpt → no-new-privileges, seccomp profile, systempaths
 *   Rlimits               Ulimits → process.rlimits
 *   ContainerNamespaces   Pid/Ipc/UTS/Network/CgroupnsMode → linux.namespaces
 *   ContainerDevices      --device, --device-cgroup-rule, --privileged → nodes and cgroup rules
 *   ContainerResources    memory, cpu, pids, blkio → linux.resources, checked as dockerd checks
 *   Sysctls               Docker's network defaults + Sysctls, only those a namespace isolates
 *   MountPoints           Binds, Mounts, Tmpfs, Config.Volumes → MountPoint
 *   ContainerMounts       Docker's default mounts + mount points + network files + init
 *     TmpfsOptions           tmpfs option merging
 * </pre>
 *
 * <p>What the generator needs from elsewhere comes in through narrow types: {@link HostProfile}
 * (the host, read once), {@link VolumeResolver} (the volume manager), {@link ContainerPids}
 * (other containers' init pids) and {@link NetworkFiles} (the files the daemon writes).
 *
 * <p>A container's layers, bottom up: the image's, its {@link InitLayer} ({@code <id>-init}: the
 * mount points every container needs, so that they are not the container's changes) and its
 * writable layer. Files move in and out through {@link ContainerArchive} ({@code docker cp},
 * {@code export}, {@code diff}), which resolves paths through a {@link ContainerView} of the root
 * filesystem and its binds; {@link ContainerCommit} makes the writable layer an image.
 *
 * <p>While a container runs, each concern has a class of its own beside the lifecycle:
 *
 * <pre>
 *   RestartPolicy, RestartBackoff   whether an ended container starts again, and after how long
 *   RestartSupervisor               the pending restarts, which stop and rm cancel
 *   LogSettings, JsonFileLog        json-file (max-size, max-file rotation, compress) or none
 *   RunningContainers               top (ContainerTop), stats (StatsSample), update (ContainerUpdate)
 *   Healthcheck, Health             the health check's command and timing; the status it gives
 *   HealthChecks                    a monitor per container probing through ExecService (ProbeOutput)
 * </pre>
 *
 * <p>Bad input is refused with an {@link InvalidContainerConfigException} whose message is one
 * line in dockerd's words; the API answers it with 400.
 */
package dev.berth.daemon.container;
