/**
 * Control groups for containers: one {@link dev.berth.runtime.cgroup.CgroupManager} per
 * container cgroup, implemented by mechanism ({@link dev.berth.runtime.cgroup.CgroupV1Manager},
 * {@link dev.berth.runtime.cgroup.CgroupV2Manager}) and chosen by
 * {@link dev.berth.runtime.cgroup.CgroupLayout} from the host's {@code /proc/self/mountinfo}.
 *
 * <p>A container whose spec names no {@code cgroupsPath} lives at {@code /berth/<id>} in every
 * hierarchy. On a hybrid host, such as Berth's machines:
 *
 * <pre>
 * /sys/fs/cgroup/                  tmpfs
 * ├── blkio/berth/&lt;id&gt;/            blkio.bfq.weight, blkio.throttle.*_device
 * ├── cpu/berth/&lt;id&gt;/              cpu.shares, cpu.cfs_quota_us, cpu.cfs_period_us, cpu.stat
 * ├── cpuacct/berth/&lt;id&gt;/          cpuacct.usage, cpuacct.usage_percpu (separate from cpu here)
 * ├── cpuset/berth/&lt;id&gt;/           cpuset.cpus, cpuset.mems (copied down into berth/ first)
 * ├── devices/berth/&lt;id&gt;/          devices.deny "a", then devices.allow / devices.deny per rule
 * ├── freezer/berth/&lt;id&gt;/          freezer.state; its cgroup.procs is the container's process list
 * ├── memory/berth/&lt;id&gt;/           memory.limit_in_bytes, memory.memsw.limit_in_bytes, memory.oom_control
 * ├── pids/berth/&lt;id&gt;/             pids.max
 * ├── systemd/berth/&lt;id&gt;/          name=systemd: no controller, membership only
 * └── unified/berth/&lt;id&gt;/          cgroup2 with hugetlb only: hugetlb.2MB.max
 *     cgroup.subtree_control       "+hugetlb", here and in unified/berth/
 * </pre>
 *
 * <p>On a pure v2 host one directory holds everything, and each ancestor enables the controllers
 * for its children:
 *
 * <pre>
 * /sys/fs/cgroup/                  cgroup2; cgroup.subtree_control "+cpu +io +memory +pids …"
 * └── berth/                       cgroup.subtree_control "+cpu +io +memory +pids …"
 *     └── &lt;id&gt;/                    memory.max, memory.swap.max, cpu.weight, cpu.max, io.max,
 *                                  pids.max, hugetlb.*.max, cgroup.freeze, cgroup.kill, cgroup.events
 * </pre>
 *
 * <p>Errors are {@link dev.berth.runtime.cgroup.CgroupException}s whose message names the limit,
 * the control file and the kernel's answer. Writes go straight to the control file, never
 * through a temporary file and a rename (see {@code ControlFiles}).
 */
package dev.berth.runtime.cgroup;
