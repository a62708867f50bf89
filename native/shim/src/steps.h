/*
 * Performing the steps of a plan (PLAN.md, "Steps"). Parent-phase steps run in the shim,
 * child-phase steps in the cloned child; each is one small function around the syscalls the
 * table names, and reports failure as errno, plus a detail where errno alone would mislead
 * (which of several syscalls failed, how a hook ended).
 */
#ifndef BERTH_STEPS_H
#define BERTH_STEPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "plan.h"

/* What steps leave behind for later steps and for the shim. */
struct step_ctx {
    int sync;              /* child: the socketpair to the shim (READY, MASTER) */
    int console;           /* CONSOLE_SOCKET, kept for TERMINAL; -1 if none */
    bool monitor;          /* MONITOR seen */
    const char *exit_file; /* MONITOR's exit file ("" for none), for messages */
    int exit_dir;          /* its directory, O_PATH; -1 if none */
    const char *exit_name; /* and its base name */
    int fifo_dir;          /* OPEN_FIFO: the fifo's directory, O_PATH; -1 if none */
    const char *fifo_name; /* and its base name */
    char **states;         /* GO's state strings, for HOOK */
    uint32_t nstates;
    char detail[256];      /* set by a failing step when errno alone would mislead */
};

#define STEP_CTX_INIT {.sync = -1, .console = -1, .exit_file = "", .exit_dir = -1, .fifo_dir = -1}

/* Performs one step (not CLONE, which the shim itself handles). Returns 0, or -1 with errno set
 * and maybe ctx->detail. A successful EXEC does not return. */
int step_run(const struct step *s, struct step_ctx *ctx);

/* fs.c */
int fs_mkdir_p(const char *path, mode_t mode);
int fs_mkfile(const char *path, uint32_t mode);
int fs_mknod(struct step_ctx *ctx, const char *path, uint32_t mode, uint64_t dev, uint32_t uid,
             uint32_t gid);
int fs_symlink(const char *target, const char *linkpath);
int fs_pivot_root(struct step_ctx *ctx, const char *newroot);
int fs_chroot(struct step_ctx *ctx, const char *newroot);
int fs_mask(const char *path);
int fs_readonly(struct step_ctx *ctx, const char *path);
int fs_remount(struct step_ctx *ctx, const char *target, uint64_t flags);

/* terminal.c */
int terminal_setup(struct step_ctx *ctx, uint16_t rows, uint16_t cols, uint32_t uid, uint32_t gid);

/* Shared by the step files. step_fail records "<what>: <strerror>" as the detail and returns -1
 * with errno kept; copy_path fails with ENAMETOOLONG past PATH_MAX. */
int step_fail(struct step_ctx *ctx, const char *what);
void close_keep_errno(int fd);
int copy_path(char *buf, const char *path);

/* CLOSE_FDS without close_range(2): marks every fd >= first listed in /proc/self/fd
 * close-on-exec. Exposed for the tests. */
int cloexec_from_proc(unsigned first);

/* HOOK (hook.c): runs path with args and env, state on its stdin, within timeout_s seconds
 * (0: no limit). Returns 0 if it exited 0, else -1 with errno and a detail. */
int hook_run(const char *path, char **args, char **env, uint32_t timeout_s, const char *state,
             char *detail, size_t detail_size);

#endif
