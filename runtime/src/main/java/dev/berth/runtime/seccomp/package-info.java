/**
 * Seccomp: from a profile to the BPF program the shim loads.
 *
 * <pre>
 *   Docker profile JSON ──DockerSeccompProfile.toOci(caps, arch, kernel)──▶ Linux.Seccomp (OCI)
 *   Linux.Seccomp ──SeccompCompiler.compile(profile, nativeArch)──▶ BpfProgram
 *   BpfProgram.toBytes() + flags ──▶ plan step SECCOMP ──▶ seccomp(SECCOMP_SET_MODE_FILTER, flags, prog)
 * </pre>
 *
 * <p>The compiler reproduces what runc does with libseccomp (the same decisions for every
 * syscall, architecture and argument), not libseccomp's exact instructions. Resources beside
 * the classes: {@code syscalls-<arch>.txt} (name → number, generated from kernel headers by
 * {@code generate-syscall-tables.sh}) and {@code docker-default.json} (moby's default profile).
 */
package dev.berth.runtime.seccomp;
