/*
 * The filesystem steps: creating what the container's root needs (MKDIR, MKFILE, MKNOD,
 * SYMLINK), switching to it (PIVOT_ROOT, CHROOT), and hiding or locking parts of it (MASK,
 * READONLY, REMOUNT).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "steps.h"

/* mkdir -p: every missing component is made with mode; existing directories are fine. */
int fs_mkdir_p(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    if (copy_path(buf, path) < 0)
        return -1;
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != 0)
            continue;
        char c = *p;
        *p = 0;
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return -1;
        *p = c;
        if (!c)
            break;
    }
    struct stat st;
    if (stat(buf, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int fs_mkfile(const char *path, uint32_t mode)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return 0;
    if (errno != ENOENT)
        return -1;
    char parent[PATH_MAX];
    if (copy_path(parent, path) < 0)
        return -1;
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = 0;
        if (fs_mkdir_p(parent, 0755) < 0)
            return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int fs_mknod(struct step_ctx *ctx, const char *path, uint32_t mode, uint64_t dev,
                    uint32_t uid, uint32_t gid)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return 0; /* runc leaves an existing node as it is */
    if (mknod(path, mode, dev) < 0)
        return step_fail(ctx, "mknod");
    if (chown(path, uid, gid) < 0)
        return step_fail(ctx, "chown");
    if (chmod(path, mode & 07777) < 0)
        return step_fail(ctx, "chmod");
    return 0;
}

int fs_symlink(const char *target, const char *linkpath)
{
    if (symlink(target, linkpath) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int fs_pivot_root(struct step_ctx *ctx, const char *newroot)
{
    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching it then leaves
     * the new root alone, without needing a directory to put the old root in. */
    if (chdir(newroot) < 0)
        return step_fail(ctx, "chdir");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return step_fail(ctx, "pivot_root");
    /* Slave, so that the unmount below does not propagate back to the host. */
    if (mount("", ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return step_fail(ctx, "make old root rslave");
    if (umount2(".", MNT_DETACH) < 0)
        return step_fail(ctx, "unmount old root");
    if (chdir("/") < 0)
        return step_fail(ctx, "chdir /");
    return 0;
}

int fs_chroot(struct step_ctx *ctx, const char *newroot)
{
    if (chdir(newroot) < 0)
        return step_fail(ctx, "chdir");
    if (mount(newroot, "/", NULL, MS_MOVE, NULL) < 0)
        return step_fail(ctx, "move mount to /");
    if (chroot(".") < 0)
        return step_fail(ctx, "chroot");
    if (chdir("/") < 0)
        return step_fail(ctx, "chdir /");
    return 0;
}

int fs_mask(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode))
        return mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL);
    return mount("/dev/null", path, NULL, MS_BIND, NULL);
}

/*
 * A bind remount must repeat the flags the kernel has locked on the mount (in a user namespace
 * it refuses to clear them), so they are read back from statvfs(3) first.
 */
static int locked_flags(const char *path, unsigned long *flags)
{
    static const struct {
        unsigned long st, ms;
    } map[] = {
        {ST_NOSUID, MS_NOSUID}, {ST_NODEV, MS_NODEV}, {ST_NOEXEC, MS_NOEXEC},
        {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
    };
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        return -1;
    *flags = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (sv.f_flag & map[i].st)
            *flags |= map[i].ms;
    return 0;
}

int fs_readonly(struct step_ctx *ctx, const char *path)
{
    struct stat st;
    unsigned long locked;
    if (stat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return step_fail(ctx, "bind");
    if (locked_flags(path, &locked) < 0)
        return step_fail(ctx, "statvfs");
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked, NULL) < 0)
        return step_fail(ctx, "remount read-only");
    return 0;
}

int fs_remount(struct step_ctx *ctx, const char *target, uint64_t flags)
{
    unsigned long locked;
    if (locked_flags(target, &locked) < 0)
        return step_fail(ctx, "statvfs");
    return mount(NULL, target, NULL, flags | MS_REMOUNT | locked, NULL);
}
