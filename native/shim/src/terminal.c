/*
 * TERMINAL: a new pty for the container process. The master goes to whoever copies the
 * terminal; the slave becomes the process's controlling terminal and its stdio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "control.h"
#include "steps.h"

/* A new session, unless this process already leads one (an earlier SETSID). */
static int new_session(void)
{
    if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
        return -1;
    return 0;
}

static int open_pty_slave(int master)
{
    /* TIOCGPTPEER opens the slave through the master's own devpts mount, not by a path that
     * the container's /dev could redirect. */
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave >= 0 || (errno != EINVAL && errno != ENOTTY))
        return slave;
    char name[64];
    if (ptsname_r(master, name, sizeof name) != 0)
        return -1;
    return open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
}

int terminal_setup(struct step_ctx *ctx, uint16_t rows, uint16_t cols, uint32_t uid,
                       uint32_t gid)
{
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return step_fail(ctx, "open /dev/ptmx");
    int slave = -1;
    if (unlockpt(master) < 0) {
        step_fail(ctx, "unlockpt");
        goto out;
    }
    slave = open_pty_slave(master);
    if (slave < 0) {
        step_fail(ctx, "open pty slave");
        goto out;
    }
    if (fchown(slave, uid, gid) < 0) {
        step_fail(ctx, "chown pty slave");
        goto out;
    }
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    if ((rows || cols) && ioctl(master, TIOCSWINSZ, &ws) < 0) {
        step_fail(ctx, "set window size");
        goto out;
    }
    /* The master goes to whoever copies the terminal: the console socket's owner, or else the
     * shim in monitor mode. This process keeps no copy of it. */
    int r = ctx->console >= 0 ? fd_send_named(ctx->console, "/dev/ptmx", master)
                              : msg_send_fd(ctx->sync, MSG_MASTER, NULL, 0, master);
    if (r < 0) {
        step_fail(ctx, ctx->console >= 0 ? "send pty master to console socket"
                                    : "send pty master to the shim");
        goto out;
    }
    close(master);
    master = -1;
    if (ctx->console >= 0) {
        close(ctx->console);
        ctx->console = -1;
    }
    if (new_session() < 0) {
        step_fail(ctx, "setsid");
        goto out;
    }
    if (ioctl(slave, TIOCSCTTY, 0) < 0) {
        step_fail(ctx, "make pty the controlling terminal");
        goto out;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (dup2(slave, fd) < 0) {
            step_fail(ctx, "dup2 pty slave");
            goto out;
        }
    }
    if (slave > 2)
        close(slave);
    return 0;
out:
    if (master >= 0)
        close_keep_errno(master);
    if (slave > 2)
        close_keep_errno(slave);
    return -1;
}
