/*
 * Monitor mode (PLAN.md, "Monitor mode"): after READY the shim stays as the container
 * process's parent. It forwards signals, copies the terminal when it holds the pty master,
 * reaps the process, records its wait status in the exit file and reports EXIT. Java may go
 * away at any time: the monitor carries on without it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "control.h"
#include "shim.h"

struct monitor {
    struct shim *s;
    bool failed;       /* the exec failed after READY; ERROR has been relayed */
    bool copy;         /* copying between stdio and the pty master */
    bool stdin_open;
    uint8_t in[4096];  /* from stdin, not yet written to the master */
    size_t in_len, in_off;
    bool raw;          /* stdin is a terminal we put in raw mode */
    struct termios saved;
};

int kill_and_reap(pid_t child)
{
    int status = 0;
    kill(child, SIGKILL);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

/* Writes everything, waiting when fd is non-blocking and full. */
static int write_all(int fd, const uint8_t *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                return -1;
            poll(&(struct pollfd){fd, POLLOUT, 0}, 1, -1);
            continue;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static void copy_winsize(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

/* The exit file is written to a temporary name, synced and renamed, so a reader finds either
 * no file or the whole status, even across a crash. It is named relative to the directory that
 * MONITOR opened: the shim may have joined another mount namespace since. */
static void write_exit_file(const struct shim *s, int status)
{
    char tmp[NAME_MAX + 1], text[16];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", s->exit_name) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        goto fail;
    }
    int n = snprintf(text, sizeof text, "%d", status);
    int fd = openat(s->exit_dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        goto fail;
    if (write_all(fd, (uint8_t *)text, (size_t)n) < 0 || fsync(fd) < 0) {
        close(fd);
        goto fail;
    }
    close(fd);
    if (renameat(s->exit_dir, tmp, s->exit_dir, s->exit_name) == 0)
        return;
fail:
    dprintf(2, "berth-shim: write exit file %s: %s\n", s->exit_file, strerror(errno));
}

static void stop_copying(struct monitor *m)
{
    close(m->s->master);
    m->s->master = -1;
    m->copy = false;
    m->stdin_open = false;
}

/* Moves what the master has to stdout; false once the terminal is gone (EIO: no slave left). */
static bool master_to_stdout(struct monitor *m)
{
    uint8_t buf[4096];
    ssize_t n = read(m->s->master, buf, sizeof buf);
    if (n > 0) {
        write_all(1, buf, (size_t)n); /* a reader that went away loses the output, nothing more */
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    return false;
}

static _Noreturn void finish(struct monitor *m, int status)
{
    struct shim *s = m->s;
    if (m->copy) {
        /* The process is gone; what it wrote last may still sit in the pty. Reading a pty
         * whose slave is closed flushes it first, then fails with EIO. */
        uint8_t buf[4096];
        ssize_t n;
        while ((n = read(s->master, buf, sizeof buf)) > 0)
            write_all(1, buf, (size_t)n);
    }
    if (m->raw)
        tcsetattr(0, TCSANOW, &m->saved);
    if (s->sync >= 0) {
        /* An exec that failed just before the exit: its ERROR is still in the socketpair. */
        struct msg msg;
        if (msg_recv(s->sync, &msg, MSG_MAX_BYTES) == 1 && msg.type == MSG_ERROR) {
            if (s->ctl >= 0)
                msg_send(s->ctl, MSG_ERROR, msg.data, msg.len);
            m->failed = true;
        }
        msg_free(&msg);
    }
    if (s->exit_dir >= 0)
        write_exit_file(s, status);
    if (m->failed)
        exit(1);
    if (s->ctl >= 0)
        msg_send_u32(s->ctl, MSG_EXIT, (uint32_t)status); /* EPIPE: Java has gone, fine */
    exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}

static void on_signals(struct monitor *m)
{
    struct signalfd_siginfo si;
    while (read(m->s->sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD)
            continue; /* reaped at the top of the loop */
        if (si.ssi_signo == SIGWINCH && m->copy && isatty(0))
            copy_winsize(0, m->s->master);
        kill(m->s->child, (int)si.ssi_signo);
    }
}

static void on_control(struct monitor *m)
{
    struct shim *s = m->s;
    struct msg msg;
    if (msg_recv(s->ctl, &msg, MSG_MAX_BYTES) != 1) {
        close(s->ctl); /* Java went away: the container runs on */
        s->ctl = -1;
        return;
    }
    if (msg.type == MSG_SIGNAL && msg.len >= 4) {
        kill(s->child, (int)get_le32(msg.data));
    } else if (msg.type == MSG_RESIZE && msg.len >= 4 && s->master >= 0) {
        struct winsize ws = {.ws_row = (uint16_t)(msg.data[0] | msg.data[1] << 8),
                             .ws_col = (uint16_t)(msg.data[2] | msg.data[3] << 8)};
        ioctl(s->master, TIOCSWINSZ, &ws);
    }
    msg_free(&msg);
}

static void on_sync(struct monitor *m)
{
    struct shim *s = m->s;
    struct msg msg;
    int r = msg_recv(s->sync, &msg, MSG_MAX_BYTES);
    if (r == 1 && msg.type == MSG_ERROR) {
        /* The exec (or a step after READY) failed: report it instead of an exit status. */
        if (s->ctl >= 0)
            msg_send(s->ctl, MSG_ERROR, msg.data, msg.len);
        m->failed = true;
        kill(s->child, SIGKILL);
    }
    msg_free(&msg);
    if (r != 1 || m->failed) {
        close(s->sync); /* EOF: the exec closed the child's end */
        s->sync = -1;
    }
}

static void on_stdin(struct monitor *m)
{
    ssize_t n = read(0, m->in, sizeof m->in);
    if (n > 0) {
        m->in_len = (size_t)n;
        m->in_off = 0;
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        /* A pty has no half-close: end of input is the VEOF character. */
        struct termios t;
        m->in[0] = tcgetattr(m->s->master, &t) == 0 ? t.c_cc[VEOF] : 4;
        m->in_len = 1;
        m->in_off = 0;
        m->stdin_open = false;
    }
}

static void on_master(struct monitor *m, short revents)
{
    if ((revents & POLLOUT) && m->in_len) {
        ssize_t n = write(m->s->master, m->in + m->in_off, m->in_len);
        if (n > 0) {
            m->in_off += (size_t)n;
            m->in_len -= (size_t)n;
        }
    }
    if ((revents & POLLIN) && master_to_stdout(m))
        return;
    if (revents & (POLLIN | POLLHUP | POLLERR))
        stop_copying(m);
}

static void start_copying(struct monitor *m)
{
    int master = m->s->master;
    m->copy = m->stdin_open = true;
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    if (isatty(0) && tcgetattr(0, &m->saved) == 0) {
        /* Keys go to the container's terminal as they are typed (^C included), and it does
         * the echoing, as with runc run -t. Restored in finish(). */
        struct termios raw = m->saved;
        cfmakeraw(&raw);
        m->raw = tcsetattr(0, TCSANOW, &raw) == 0;
        struct winsize ws;
        if (ioctl(master, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 0 && ws.ws_col == 0)
            copy_winsize(0, master);
    }
}

void monitor_run(struct shim *s)
{
    struct monitor m = {.s = s};
    if (s->master >= 0)
        start_copying(&m);
    for (;;) {
        int status;
        if (waitpid(s->child, &status, WNOHANG) == s->child)
            finish(&m, status);
        struct pollfd p[5] = {
            {s->sigfd, POLLIN, 0},
            {s->ctl, POLLIN, 0},
            {s->sync, POLLIN, 0},
            {m.stdin_open && !m.in_len ? 0 : -1, POLLIN, 0},
            {m.copy ? s->master : -1, (short)(POLLIN | (m.in_len ? POLLOUT : 0)), 0},
        };
        if (poll(p, 5, -1) < 0)
            continue; /* EINTR; nothing else can fail here */
        if (p[0].revents)
            on_signals(&m);
        if (p[1].revents)
            on_control(&m);
        if (p[2].revents)
            on_sync(&m);
        if (p[3].revents)
            on_stdin(&m);
        if (p[4].revents && m.copy)
            on_master(&m, p[4].revents);
    }
}
