/*
 * The e2e tests' stand-in for Java: the control socket's framing, spawning the shim the way
 * ShimProcess does, and small helpers for what a test checks afterwards. See harness.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

const char *shim_path;
char tmp[64];

const char *in_tmp(const char *name)
{
    static char buf[8][PATH_MAX];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, name);
    return buf[i];
}

uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int read_exact(int fd, uint8_t *buf, size_t n)
{
    for (size_t got = 0; got < n;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, TIMEOUT_MS) <= 0)
            return -1;
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0)
            return got == 0 && r == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

/* 1: a message; 0: EOF; -1: timeout or error. */
int recv_msg(struct run *r, struct tmsg *m)
{
    uint8_t h[8];
    int x = read_exact(r->conn, h, 8);
    if (x <= 0)
        return x;
    m->type = le32(h);
    m->len = le32(h + 4);
    if (m->len > sizeof m->data)
        return -1;
    return m->len == 0 || read_exact(r->conn, m->data, m->len) == 1 ? 1 : -1;
}

void send_msg(struct run *r, uint32_t type, const void *data, size_t len)
{
    uint8_t h[8];
    for (int i = 0; i < 4; i++) {
        h[i] = (uint8_t)(type >> (8 * i));
        h[4 + i] = (uint8_t)(len >> (8 * i));
    }
    if (write(r->conn, h, 8) != 8 || (len && write(r->conn, data, len) != (ssize_t)len))
        fprintf(stderr, "send_msg: %m\n");
}

void send_plan(struct run *r, struct pb *b)
{
    pb_finish(b);
    send_msg(r, MSG_PLAN, b->buf, b->len);
    pb_free(b);
}

void send_go(struct run *r, const char *const *states)
{
    struct pb b;
    pb_states(&b, states);
    send_msg(r, MSG_GO, b.buf, b.len);
    pb_free(&b);
}

void send_u32(struct run *r, uint32_t type, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    send_msg(r, type, b, 4);
}

/* Receives one message and checks its type; an unexpected ERROR is shown in full. */
bool expect(struct run *r, uint32_t type, struct tmsg *m, const char *test)
{
    int x = recv_msg(r, m);
    if (x != 1) {
        CHECK(false, "%s: %s waiting for message %u", test, x == 0 ? "EOF" : "timeout", type);
        return false;
    }
    if (m->type == MSG_ERROR && type != MSG_ERROR) {
        CHECK(false, "%s: ERROR step %u errno %d (%s) %.*s, expected message %u", test,
              le32(m->data), (int)le32(m->data + 4), strerror((int)le32(m->data + 4)),
              (int)m->len - 12, (char *)m->data + 12, type);
        return false;
    }
    CHECK(m->type == type, "%s: message %u, expected %u", test, m->type, type);
    return m->type == type;
}

void expect_error(struct run *r, uint32_t step, int err, const char *test)
{
    struct tmsg m;
    if (!expect(r, MSG_ERROR, &m, test))
        return;
    CHECK(m.len >= 12 && le32(m.data) == step && (int)le32(m.data + 4) == err,
          "%s: ERROR step %u errno %d (%.*s), expected step %u errno %d", test, le32(m.data),
          (int)le32(m.data + 4), (int)m.len - 12, (char *)m.data + 12, step, err);
}

/* Expects PID (remembered in r->child), then sends GO. */
bool pid_then_go(struct run *r, const char *const *states, const char *test)
{
    struct tmsg m;
    if (!expect(r, MSG_PID, &m, test))
        return false;
    r->child = (pid_t)le32(m.data);
    send_go(r, states);
    return true;
}

int exit_status(struct run *r, const char *test)
{
    struct tmsg m;
    if (!expect(r, MSG_EXIT, &m, test))
        return -1;
    return (int)le32(m.data);
}

/*
 * Spawns the shim as Java does: stdin `in` (or /dev/null), stdout `out` (or ours), our
 * stderr, and `extra` inherited as fd 5 when >= 0. Returns once it has connected.
 */
bool spawn_in(struct run *r, int in, int out, int extra)
{
    static int n;
    char sock[PATH_MAX];
    snprintf(sock, sizeof sock, "%s/ctl-%d.sock", tmp, n++);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, sock);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0) {
        CHECK(false, "listen on %s: %m", sock);
        return false;
    }
    memset(r, 0, sizeof *r);
    r->pid = fork();
    if (r->pid == 0) {
        dup2(in >= 0 ? in : open("/dev/null", O_RDONLY), 0);
        if (out >= 0)
            dup2(out, 1);
        if (extra >= 0)
            dup2(extra, 5);
        /* As a careless parent might: an ignored SIGCHLD survives exec. The shim must still
         * see its child's exit status. */
        signal(SIGCHLD, SIG_IGN);
        execl(shim_path, shim_path, sock, (char *)NULL);
        _exit(127);
    }
    struct pollfd p = {l, POLLIN, 0};
    r->conn = poll(&p, 1, TIMEOUT_MS) == 1 ? accept4(l, NULL, NULL, SOCK_CLOEXEC) : -1;
    close(l);
    unlink(sock);
    CHECK(r->conn >= 0, "shim did not connect");
    return r->conn >= 0;
}

bool spawn(struct run *r, int out, int extra)
{
    return spawn_in(r, -1, out, extra);
}

/* Waits for the shim to exit; returns its wait status, or -1 after killing it on timeout. */
int wait_shim(struct run *r)
{
    for (int i = 0; i < TIMEOUT_MS / 10; i++) {
        int status;
        if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
            r->pid = 0;
            return status;
        }
        usleep(10000);
    }
    CHECK(false, "shim %d did not exit", r->pid);
    kill(r->pid, SIGKILL);
    waitpid(r->pid, NULL, 0);
    r->pid = 0;
    return -1;
}

void done(struct run *r)
{
    if (r->conn >= 0)
        close(r->conn);
    r->conn = -1;
    if (r->pid > 0)
        wait_shim(r);
}

bool gone(pid_t pid)
{
    return pid > 0 && kill(pid, 0) < 0 && errno == ESRCH;
}

/* Reaps a container process that outlived a detached shim and came back to us. */
int reap_orphan(pid_t pid)
{
    int status = -1;
    for (int i = 0; i < TIMEOUT_MS / 10; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return status;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

char *slurp(const char *path)
{
    static char buf[4096];
    buf[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        close(fd);
    }
    return buf;
}

int out_file(const char *name)
{
    return open(in_tmp(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* Root, and allowed to make namespaces (not so in every container that runs as root). */
bool have_root(const char *test)
{
    if (geteuid() == 0) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWPID) == 0 ? 0 : 1);
        int status = -1;
        waitpid(pid, &status, 0);
        if (status == 0)
            return true;
    }
    bool required = getenv("BERTH_REQUIRE_ROOT") && !strcmp(getenv("BERTH_REQUIRE_ROOT"), "1");
    fprintf(stderr, "SKIP %s: needs root with CAP_SYS_ADMIN\n", test);
    if (required)
        failures++;
    return false;
}

void exec_sh(struct pb *b, const char *script)
{
    pb_step(b, OP_EXEC), pb_str(b, "/bin/sh"), pb_strv(b, ARGV("sh", "-c", script)),
        pb_strv(b, ARGV("PATH=/usr/bin:/bin"));
}
