/*
 * One function per step of PLAN.md's table, dispatched by step_run. The functions do what the
 * table says and nothing more: every decision was made in Java. The filesystem steps are in
 * fs.c, TERMINAL in terminal.c and HOOK in hook.c.
 */
#define _GNU_SOURCE
#include "steps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Records which part of a multi-syscall step failed ("umount2 .: Device or resource busy"),
 * keeping errno for the caller. */
int step_fail(struct step_ctx *ctx, const char *what)
{
    int e = errno;
    snprintf(ctx->detail, sizeof ctx->detail, "%s: %s", what, strerror(e));
    errno = e;
    return -1;
}

void close_keep_errno(int fd)
{
    int e = errno;
    close(fd);
    errno = e;
}

static const char *or_null(const char *s)
{
    return *s ? s : NULL;
}

int copy_path(char *buf, const char *path)
{
    if (strlen(path) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(buf, path);
    return 0;
}

/* ---- parent phase ---------------------------------------------------------------------- */

static int do_setns(const char *path, uint32_t nstype)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = setns(fd, (int)nstype);
    close_keep_errno(fd);
    return r;
}

static int do_write_file(const char *path, const uint8_t *data, uint32_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* One write: files like uid_map and timens_offsets must get their content in one go. */
    ssize_t n = write(fd, data, len);
    if (n >= 0 && (size_t)n != len)
        errno = EIO;
    close_keep_errno(fd);
    return n >= 0 && (size_t)n == len ? 0 : -1;
}

static int do_mkfifo(const char *path, uint32_t mode)
{
    if (mkfifo(path, mode) < 0)
        return -1;
    return chmod(path, mode); /* the umask must not narrow it */
}

static int do_console_socket(struct step_ctx *ctx, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close_keep_errno(fd);
        return -1;
    }
    ctx->console = fd;
    return 0;
}

static int open_parent(const char *path, const char **name);

/*
 * A fifo as stdout or stderr is read by a daemon that may go away (a restart, a crash) while
 * the container runs on. With no reader left, the container's next write would get EPIPE and,
 * by default, die of SIGPIPE (pipe(7)). A read end of our own, never read, keeps the fifo
 * readable: writers then block once the pipe buffer is full, and what they wrote waits in the
 * pipe until the daemon reopens the fifo (containerd's shim does the same). Opened through
 * /proc/self/fd because that reaches the fifo itself, even when it has no name any more. The
 * descriptor stays open for the shim's life; O_CLOEXEC keeps it out of the container.
 */
static int hold_fifo_open(int fd, int mode)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return errno == EBADF ? 0 : -1; /* no stdout at all: nothing to keep open */
    if (!S_ISFIFO(st.st_mode))
        return 0;
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return open(path, mode | O_NONBLOCK | O_CLOEXEC) < 0 ? -1 : 0;
}

static int do_monitor(struct step_ctx *ctx, const char *exit_file, uint32_t flags)
{
    ctx->monitor = true;
    ctx->exit_file = exit_file;
    if (*exit_file && (ctx->exit_dir = open_parent(exit_file, &ctx->exit_name)) < 0)
        return -1;
    if ((flags & MONITOR_SETSID) && setsid() < 0)
        return -1;
    if (flags & MONITOR_HOLD_OUTPUT)
        for (int fd = 1; fd <= 2; fd++)
            if (hold_fifo_open(fd, O_RDONLY) < 0)
                return step_fail(ctx, fd == 1 ? "hold stdout open" : "hold stderr open");
    /* The other way round for a fifo stdin whose writer (the daemon) may go away: a write end of
     * our own, never written, means the container never reads an end of input it was not meant
     * to see (with a terminal that end would be a VEOF, which ends a shell). */
    if ((flags & MONITOR_HOLD_INPUT) && hold_fifo_open(0, O_WRONLY) < 0)
        return step_fail(ctx, "hold stdin open");
    return 0;
}

/* ---- process attributes ---------------------------------------------------------------- */

static int do_setrlimit(uint32_t resource, uint64_t soft, uint64_t hard)
{
    struct rlimit rl = {soft, hard};
    return prlimit(0, (__rlimit_resource_t)resource, &rl, NULL);
}

static int do_capbset(uint64_t keep, uint32_t last_cap)
{
    for (uint32_t cap = 0; cap <= last_cap; cap++)
        if (!(keep & (1ull << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return -1;
    return 0;
}

static int do_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable)
{
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {
        {(uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable},
        {(uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32)},
    };
    return (int)syscall(SYS_capset, &header, data);
}

static int do_ambient(uint64_t raise)
{
    for (unsigned cap = 0; cap < 64; cap++)
        if ((raise & (1ull << cap)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return -1;
    return 0;
}

static int do_seccomp(uint32_t flags, const uint8_t *program, uint32_t len)
{
    /* The decoder checked len is a multiple of 8 and kept the program 8-aligned. */
    struct sock_fprog prog = {(unsigned short)(len / 8), (struct sock_filter *)(void *)program};
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0 ? -1 : 0;
}

/* ---- exec fifo, readiness, fds, exec ---------------------------------------------------- */

/* Opens the directory of `path` as O_PATH and returns its fd, with *name set to the base name
 * inside `path`: a file named this way stays reachable after PIVOT_ROOT or a SETNS into another
 * mount namespace hides the path. */
static int open_parent(const char *path, const char **name)
{
    char dir[PATH_MAX];
    if (copy_path(dir, path) < 0)
        return -1;
    char *slash = strrchr(dir, '/');
    *name = slash ? path + (slash - dir) + 1 : path;
    if (!**name) {
        errno = EINVAL;
        return -1;
    }
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
    return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static int do_open_fifo(struct step_ctx *ctx, const char *path)
{
    int fd = open_parent(path, &ctx->fifo_name);
    if (fd < 0)
        return -1;
    ctx->fifo_dir = fd;
    return 0;
}

static int do_wait_fifo(struct step_ctx *ctx)
{
    /* Blocks until `start` opens the fifo for reading; the byte tells it we are past the open. */
    int fd = openat(ctx->fifo_dir, ctx->fifo_name, O_WRONLY | O_CLOEXEC);
    int r = -1;
    if (fd >= 0) {
        r = write(fd, "", 1) == 1 ? 0 : -1;
        close_keep_errno(fd);
    }
    close_keep_errno(ctx->fifo_dir);
    ctx->fifo_dir = -1;
    return r;
}

static int do_ready(struct step_ctx *ctx)
{
    /* Until now the child dies with the shim. A detached shim exits right after relaying READY,
     * and the container must outlive it. */
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    return msg_send(ctx->sync, MSG_READY, NULL, 0);
}

int cloexec_from_proc(unsigned first)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || end == e->d_name || fd < (long)first || fd == self)
            continue;
        int flags = fcntl((int)fd, F_GETFD);
        if (flags >= 0)
            fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC);
    }
    closedir(d);
    return 0;
}

static int do_close_fds(uint32_t first)
{
    /* CVE-2024-21626: no descriptor of the runtime (an open directory of the host in
     * particular) may survive into the container. Marked, not closed, so the shim's own
     * descriptors keep working until the exec. */
    if (close_range(first, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL) /* EINVAL: a kernel without CLOSE_RANGE_CLOEXEC */
        return -1;
    return cloexec_from_proc(first);
}

/* execvpe(3), but searching the PATH of the new environment rather than the shim's own. */
static int do_exec(const char *path, char **argv, char **envp)
{
    if (strchr(path, '/')) {
        execve(path, argv, envp);
        return -1;
    }
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    const char *search = DEFAULT_PATH;
    for (char **e = envp; *e; e++) {
        if (strncmp(*e, "PATH=", 5) == 0) {
            search = *e + 5;
            break;
        }
    }
    bool denied = false;
    for (const char *p = search;; p++) {
        const char *end = strchrnul(p, ':');
        char file[PATH_MAX];
        int n = end == p ? snprintf(file, sizeof file, "%s", path)
                         : snprintf(file, sizeof file, "%.*s/%s", (int)(end - p), p, path);
        if (n > 0 && (size_t)n < sizeof file) {
            execve(file, argv, envp);
            switch (errno) {
            case EACCES:
                denied = true;
                break;
            case ENOENT:
            case ENOTDIR:
            case ENAMETOOLONG:
            case ESTALE:
            case ENODEV:
            case ETIMEDOUT:
                break;
            default:
                return -1; /* found, but cannot be run: stop, as execvpe does */
            }
        }
        if (!*end)
            break;
        p = end;
    }
    errno = denied ? EACCES : ENOENT;
    return -1;
}

static int do_hook(struct step_ctx *ctx, const struct step *s)
{
    uint64_t state = s->f[4].u;
    if (state >= ctx->nstates) {
        snprintf(ctx->detail, sizeof ctx->detail, "no state string %llu (GO sent %u)",
                 (unsigned long long)state, ctx->nstates);
        errno = EINVAL;
        return -1;
    }
    return hook_run(s->f[0].s, s->f[1].v, s->f[2].v, (uint32_t)s->f[3].u, ctx->states[state],
                    ctx->detail, sizeof ctx->detail);
}

int step_run(const struct step *s, struct step_ctx *ctx)
{
    const union field *f = s->f;
    switch ((enum op)s->op) {
    case OP_SETNS:
        return do_setns(f[0].s, (uint32_t)f[1].u);
    case OP_UNSHARE:
        return unshare((int)f[0].u);
    case OP_WRITE_FILE:
        return do_write_file(f[0].s, f[1].b.p, f[1].b.n);
    case OP_MKFIFO:
        return do_mkfifo(f[0].s, (uint32_t)f[1].u);
    case OP_CONSOLE_SOCKET:
        return do_console_socket(ctx, f[0].s);
    case OP_MONITOR:
        return do_monitor(ctx, f[0].s, (uint32_t)f[1].u);
    case OP_SETHOSTNAME:
        return sethostname(f[0].s, strlen(f[0].s));
    case OP_SETDOMAINNAME:
        return setdomainname(f[0].s, strlen(f[0].s));
    case OP_MOUNT:
        return mount(or_null(f[0].s), f[1].s, or_null(f[2].s), f[3].u, or_null(f[4].s));
    case OP_MKDIR:
        return fs_mkdir_p(f[0].s, (mode_t)f[1].u);
    case OP_MKFILE:
        return fs_mkfile(f[0].s, (uint32_t)f[1].u);
    case OP_MKNOD:
        return fs_mknod(ctx, f[0].s, (uint32_t)f[1].u, f[2].u, (uint32_t)f[3].u, (uint32_t)f[4].u);
    case OP_SYMLINK:
        return fs_symlink(f[0].s, f[1].s);
    case OP_PIVOT_ROOT:
        return fs_pivot_root(ctx, f[0].s);
    case OP_CHROOT:
        return fs_chroot(ctx, f[0].s);
    case OP_MASK:
        return fs_mask(f[0].s);
    case OP_READONLY:
        return fs_readonly(ctx, f[0].s);
    case OP_REMOUNT:
        return fs_remount(ctx, f[0].s, f[1].u);
    case OP_SETRLIMIT:
        return do_setrlimit((uint32_t)f[0].u, f[1].u, f[2].u);
    case OP_NO_NEW_PRIVS:
        return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    case OP_PERSONALITY:
        return personality((unsigned long)f[0].u) < 0 ? -1 : 0;
    case OP_UMASK:
        umask((mode_t)f[0].u);
        return 0;
    case OP_KEEPCAPS:
        return prctl(PR_SET_KEEPCAPS, (unsigned long)f[0].u, 0, 0, 0);
    case OP_CAPBSET:
        return do_capbset(f[0].u, (uint32_t)f[1].u);
    case OP_SETGROUPS:
        return setgroups(f[0].g.n, (const gid_t *)f[0].g.p);
    case OP_SETGID:
        return setresgid((gid_t)f[0].u, (gid_t)f[0].u, (gid_t)f[0].u);
    case OP_SETUID:
        return setresuid((uid_t)f[0].u, (uid_t)f[0].u, (uid_t)f[0].u);
    case OP_CAPSET:
        return do_capset(f[0].u, f[1].u, f[2].u);
    case OP_AMBIENT:
        return do_ambient(f[0].u);
    case OP_SECCOMP:
        return do_seccomp((uint32_t)f[0].u, f[1].b.p, f[1].b.n);
    case OP_CHDIR:
        return chdir(f[0].s);
    case OP_SETSID:
        return setsid() < 0 ? -1 : 0;
    case OP_TERMINAL:
        return terminal_setup(ctx, (uint16_t)f[0].u, (uint16_t)f[1].u, (uint32_t)f[2].u,
                           (uint32_t)f[3].u);
    case OP_HOOK:
        return do_hook(ctx, s);
    case OP_OPEN_FIFO:
        return do_open_fifo(ctx, f[0].s);
    case OP_READY:
        return do_ready(ctx);
    case OP_WAIT_FIFO:
        return do_wait_fifo(ctx);
    case OP_CLOSE_FDS:
        return do_close_fds((uint32_t)f[0].u);
    case OP_EXEC:
        return do_exec(f[0].s, f[1].v, f[2].v);
    case OP_CLONE: /* the shim's own business, see main.c */
        break;
    }
    errno = EINVAL;
    return -1;
}
