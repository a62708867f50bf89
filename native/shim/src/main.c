/*
 * berth-shim <control-socket-path>
 *
 * Runs one launch plan for the Java runtime (PLAN.md): connect back to Java, take the plan,
 * decode all of it, run the parent-phase steps, clone the child, and hold the sync points:
 *
 *   Java                  shim (this file)                  child (child.c)
 *   PLAN ──────────────▶  decode; P steps; CLONE ─────────▶ born, waits
 *        ◀──────────────  PID
 *   GO ────────────────▶  check, relay ──────────────────▶ C steps … READY
 *        ◀──────────────  READY ◀─────────────────────────
 *                         detached: exit 0                  … EXEC
 *                         monitor: monitor.c
 *
 * Until READY has been relayed, every failure ends the launch completely: Java gets ERROR
 * (when it still listens), the child is killed and reaped, and the shim exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "shim.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static _Noreturn void die(const char *what)
{
    dprintf(2, "berth-shim: %s: %s\n", what, strerror(errno));
    exit(1);
}

/*
 * CVE-2019-5736: a container process that can reach /proc/<shim>/exe must not be able to open
 * the shim's binary and overwrite it for the next container. So the shim runs from a sealed
 * copy in memory: nothing on disk is reachable, and the seals forbid writing to the copy.
 * Checked by its seals rather than by the name of /proc/self/exe, which any path could mimic.
 */
static void run_from_sealed_memfd(char **argv, char **envp)
{
    int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (exe < 0)
        die("open /proc/self/exe");
    int seals = fcntl(exe, F_GET_SEALS);
    if (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS) {
        close(exe);
        return;
    }
    struct stat st;
    if (fstat(exe, &st) < 0)
        die("stat /proc/self/exe");
    int mem = memfd_create("berth-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mem < 0)
        die("memfd_create");
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(mem, exe, NULL, (size_t)(st.st_size - done));
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            die("copy the shim into a memfd");
        }
        done += n;
    }
    if (fcntl(mem, F_ADD_SEALS, REQUIRED_SEALS) < 0)
        die("seal the memfd");
    close(exe);
    fexecve(mem, argv, envp);
    die("exec from the sealed memfd");
}

static int connect_control(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Receives and decodes PLAN; on any failure reports it and exits 1, before anything is done. */
static void read_plan(int ctl, struct plan *plan)
{
    struct msg m;
    int r = msg_recv(ctl, &m, PLAN_MAX_BYTES);
    if (r < 0 && errno == EMSGSIZE)
        msg_send_error(ctl, PLAN_NO_STEP, EINVAL, "plan is over 16 MiB");
    if (r != 1)
        exit(1);
    if (m.type != MSG_PLAN) {
        char detail[64];
        snprintf(detail, sizeof detail, "expected PLAN, got message type %u", m.type);
        msg_send_error(ctl, PLAN_NO_STEP, EPROTO, detail);
        exit(1);
    }
    struct plan_error err = {PLAN_NO_STEP, ""};
    if (plan_decode(m.data, m.len, plan, &err) < 0) {
        msg_send_error(ctl, err.step, errno, errno == EINVAL ? err.detail : "decode plan");
        exit(1);
    }
    msg_free(&m);
}

/* Ends a launch before READY: reports why if Java still listens, kills and reaps the child. */
static _Noreturn void abort_launch(struct shim *s, uint32_t step, int err, const char *detail)
{
    if (s->ctl >= 0)
        msg_send_error(s->ctl, step, err, detail);
    if (s->child > 0)
        kill_and_reap(s->child);
    exit(1);
}

/* GO carries the state strings that HOOK steps refer to by number: check them all now, so a
 * bad number fails the launch before the child runs a single step. */
static void check_go(struct shim *s, const struct plan *plan, const struct msg *go)
{
    char **states;
    uint32_t count;
    void *mem;
    if (plan_decode_states(go->data, go->len, &states, &count, &mem) < 0)
        abort_launch(s, PLAN_NO_STEP, errno, "malformed GO message");
    free(mem);
    for (uint32_t i = plan->clone + 1; i < plan->nsteps; i++) {
        const struct step *h = &plan->steps[i];
        if (h->op == OP_HOOK && h->f[4].u >= count) {
            char detail[96];
            snprintf(detail, sizeof detail, "HOOK: state %llu, but GO has %u",
                     (unsigned long long)h->f[4].u, count);
            abort_launch(s, i, EINVAL, detail);
        }
    }
}

static void from_java(struct shim *s, const struct plan *plan, bool *go_sent)
{
    struct msg m;
    if (msg_recv(s->ctl, &m, MSG_MAX_BYTES) != 1) {
        /* Java gave up (or broke the stream): no process may be left behind. */
        close(s->ctl);
        s->ctl = -1;
        abort_launch(s, PLAN_NO_STEP, EPIPE, "");
    }
    switch (m.type) {
    case MSG_GO:
        if (*go_sent)
            abort_launch(s, PLAN_NO_STEP, EPROTO, "second GO");
        check_go(s, plan, &m);
        /* If the child has died meanwhile this fails; its EOF is handled in from_child. */
        msg_send(s->sync, MSG_GO, m.data, m.len);
        *go_sent = true;
        break;
    case MSG_SIGNAL:
        if (s->monitor && m.len >= 4)
            kill(s->child, (int)get_le32(m.data));
        break;
    case MSG_RESIZE:
        if (s->master >= 0 && m.len >= 4) {
            struct winsize ws = {.ws_row = (uint16_t)(m.data[0] | m.data[1] << 8),
                                 .ws_col = (uint16_t)(m.data[2] | m.data[3] << 8)};
            ioctl(s->master, TIOCSWINSZ, &ws);
        }
        break;
    default: {
        char detail[64];
        snprintf(detail, sizeof detail, "unexpected message type %u", m.type);
        abort_launch(s, PLAN_NO_STEP, EPROTO, detail);
    }
    }
    msg_free(&m);
}

/* Handles one message from the child; true once READY has been relayed. */
static bool from_child(struct shim *s)
{
    struct msg m;
    if (msg_recv(s->sync, &m, MSG_MAX_BYTES) != 1) {
        int status = kill_and_reap(s->child);
        s->child = 0;
        char detail[96];
        snprintf(detail, sizeof detail,
                 "the container process ended before it was ready (wait status %d)", status);
        abort_launch(s, PLAN_NO_STEP, ECHILD, detail);
    }
    bool ready = false;
    switch (m.type) {
    case MSG_READY:
        if (msg_send(s->ctl, MSG_READY, NULL, 0) < 0) {
            s->ctl = -1;
            abort_launch(s, PLAN_NO_STEP, errno, "");
        }
        ready = true;
        break;
    case MSG_ERROR:
        msg_send(s->ctl, MSG_ERROR, m.data, m.len); /* as the child wrote it */
        kill_and_reap(s->child);
        exit(1);
    case MSG_MASTER:
        if (s->master >= 0)
            close(s->master);
        s->master = m.fd; /* TERMINAL without a console socket: ours to copy */
        m.fd = -1;
        break;
    default:
        abort_launch(s, PLAN_NO_STEP, EPROTO, "unexpected message from the container process");
    }
    msg_free(&m);
    return ready;
}

static void forward_signals(struct shim *s)
{
    struct signalfd_siginfo si;
    while (read(s->sigfd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo != SIGCHLD)
            kill(s->child, (int)si.ssi_signo);
}

static void until_ready(struct shim *s, const struct plan *plan)
{
    bool go_sent = false;
    for (;;) {
        struct pollfd p[3] = {{s->ctl, POLLIN, 0}, {s->sync, POLLIN, 0}, {s->sigfd, POLLIN, 0}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            abort_launch(s, PLAN_NO_STEP, errno, "poll");
        }
        if (p[1].revents && from_child(s))
            return;
        if (p[0].revents)
            from_java(s, plan, &go_sent);
        if (p[2].revents)
            forward_signals(s);
    }
}

/*
 * A fork-like clone: no new stack, the child goes on from here with a copy of ours. The child
 * must keep to plain syscalls and malloc (no threads, raise or abort): glibc's thread
 * descriptor still holds the shim's tid.
 */
static pid_t clone_child(uint64_t flags)
{
    return (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, 0);
}

static _Noreturn void launch(struct shim *s, const struct plan *plan, struct step_ctx *ctx)
{
    uint32_t at = plan->clone;
    sigset_t mask;
    sigemptyset(&mask);
    if (s->monitor) {
        /* Blocked from before the clone, so that no signal for the child is lost before the
         * signalfd exists. The child unblocks them first thing. */
        int forwarded[] = {FORWARDED_SIGNALS, SIGCHLD};
        for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
            sigaddset(&mask, forwarded[i]);
        sigprocmask(SIG_BLOCK, &mask, NULL);
    }
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
        abort_launch(s, at, errno, "socketpair");
    pid_t pid = clone_child(plan->steps[at].f[0].u);
    if (pid < 0)
        abort_launch(s, at, errno, "");
    if (pid == 0) {
        close(pair[0]);
        close(s->ctl); /* Java must see EOF when the shim exits, not when the container does */
        ctx->sync = pair[1];
        child_main(plan, ctx);
    }
    close(pair[1]);
    s->child = pid;
    s->sync = pair[0];
    if (ctx->console >= 0)
        close(ctx->console); /* the child's, for TERMINAL */
    if (s->monitor) {
        s->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (s->sigfd < 0)
            abort_launch(s, at, errno, "signalfd");
    }
    if (msg_send_u32(s->ctl, MSG_PID, (uint32_t)pid) < 0) {
        s->ctl = -1;
        abort_launch(s, at, errno, "");
    }
    until_ready(s, plan);
    if (!s->monitor)
        exit(0); /* detached: the container goes on without us (e.g. waiting on its fifo) */
    monitor_run(s);
}

int main(int argc, char **argv, char **envp)
{
    run_from_sealed_memfd(argv, envp);
    if (argc != 2) {
        dprintf(2, "usage: berth-shim <control-socket-path>\n");
        return 2;
    }
    /* The sockets use MSG_NOSIGNAL; this covers writing the terminal's output to stdout. The
     * child puts it back (PLAN.md: it resets the dispositions the shim changed). */
    signal(SIGPIPE, SIG_IGN);
    /* An ignored SIGCHLD survives exec and would make the kernel reap our child for us, leaving
     * nothing for waitpid: whoever spawned us must not be able to blind the monitor. */
    signal(SIGCHLD, SIG_DFL);
    int ctl = connect_control(argv[1]);
    if (ctl < 0) {
        dprintf(2, "berth-shim: connect to %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct plan plan;
    read_plan(ctl, &plan);

    struct step_ctx ctx = STEP_CTX_INIT;
    for (uint32_t i = 0; i < plan.clone; i++) {
        if (step_run(&plan.steps[i], &ctx) < 0) {
            msg_send_error(ctl, i, errno, ctx.detail);
            return 1;
        }
    }
    struct shim s = {.ctl = ctl, .sync = -1, .sigfd = -1, .master = -1,
                     .monitor = ctx.monitor, .exit_file = ctx.exit_file,
                     .exit_dir = ctx.exit_dir, .exit_name = ctx.exit_name};
    launch(&s, &plan, &ctx);
}
