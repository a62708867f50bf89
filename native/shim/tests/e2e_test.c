/*
 * End-to-end tests: run the built berth-shim for real, the way the Java runtime does. The
 * harness plays Java: it listens on a unix socket in a temporary directory, spawns the shim,
 * sends PLAN and GO, and checks the messages, the shim's exit status, the container process's
 * output and that no process is left behind. It is a child subreaper, so a process the shim
 * failed to reap would come back to it and be noticed.
 *
 *   e2e_test <path to berth-shim>
 *
 * Tests that need root print SKIP without it (and fail if BERTH_REQUIRE_ROOT=1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "harness.h"

int failures;

/* Monitor mode: PID, READY, EXIT with the wait status, the exit file, and a sealed memfd. */
static void test_monitor_exit(void)
{
    const char *t = "monitor exit";
    const char *exit_file = in_tmp("exit");
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MONITOR), pb_str(&b, exit_file), pb_u32(&b, 0);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_READY);
    exec_sh(&b, "exit 3");
    struct run r;
    if (!spawn(&r, -1, -1))
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (expect(&r, MSG_PID, &m, t)) {
        r.child = (pid_t)le32(m.data);
        /* CVE-2019-5736: the running shim is a memfd copy, not the file on disk */
        char exe[PATH_MAX] = "", link[64];
        snprintf(link, sizeof link, "/proc/%d/exe", r.pid);
        ssize_t n = readlink(link, exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = 0;
        CHECK(!strncmp(exe, "/memfd:berth-shim", 17), "%s: /proc/<shim>/exe is %s", t, exe);
        send_go(&r, NOARGS);
        if (expect(&r, MSG_READY, &m, t)) {
            int status = exit_status(&r, t);
            CHECK(status == 3 << 8, "%s: EXIT %d, want %d", t, status, 3 << 8);
        }
    }
    int st = wait_shim(&r);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "%s: shim exit status 0x%x", t, st);
    CHECK(!strcmp(slurp(exit_file), "768"), "%s: exit file holds '%s'", t, slurp(exit_file));
    CHECK(access(in_tmp("exit.tmp"), F_OK) < 0, "%s: exit.tmp left over", t);
    CHECK(gone(r.child), "%s: child %d still there", t, r.child);
    done(&r);
}

/* A failing child step: ERROR with its index and errno, and nothing left behind. */
static void test_failing_step(void)
{
    const char *t = "failing step";
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_CHDIR), pb_str(&b, "/nonexistent-berth-dir");
    pb_step(&b, OP_READY);
    exec_sh(&b, "exit 0");
    struct run r;
    if (!spawn(&r, -1, -1))
        return;
    send_plan(&r, &b);
    if (pid_then_go(&r, NOARGS, t))
        expect_error(&r, 1, ENOENT, t);
    int st = wait_shim(&r);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: shim exit status 0x%x", t, st);
    CHECK(gone(r.child), "%s: child %d still there", t, r.child);
    done(&r);
}

/* Java gives up before READY: the shim kills and reaps its child and exits 1. */
static void test_eof_before_ready(void)
{
    const char *t = "EOF before READY";
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_READY);
    exec_sh(&b, "sleep 30");
    struct run r;
    if (!spawn(&r, -1, -1))
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (expect(&r, MSG_PID, &m, t))
        r.child = (pid_t)le32(m.data);
    CHECK(r.child > 0 && kill(r.child, 0) == 0, "%s: child not running", t);
    close(r.conn);
    r.conn = -1;
    int st = wait_shim(&r);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: shim exit status 0x%x", t, st);
    CHECK(gone(r.child), "%s: child %d still there", t, r.child);
    done(&r);
}

/* Malformed plans are refused before anything is done: no PID, just ERROR. */
static void test_malformed(void)
{
    const char *t = "malformed plan";
    struct run r;
    if (spawn(&r, -1, -1)) {
        send_msg(&r, MSG_PLAN, "hello, shim", 11);
        expect_error(&r, PLAN_NO_STEP, EINVAL, t);
        int st = wait_shim(&r);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: shim exit status 0x%x", t, st);
        done(&r);
    }
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MKFIFO), pb_str(&b, in_tmp("never.fifo")), pb_u32(&b, 0600);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, 99), pb_u32(&b, 0);
    pb_step(&b, OP_READY);
    exec_sh(&b, "exit 0");
    if (spawn(&r, -1, -1)) {
        send_plan(&r, &b);
        expect_error(&r, 2, EINVAL, t);
        wait_shim(&r);
        CHECK(access(in_tmp("never.fifo"), F_OK) < 0, "%s: a step ran before decoding", t);
        done(&r);
    }
    if (spawn(&r, -1, -1)) {
        send_go(&r, NOARGS);
        expect_error(&r, PLAN_NO_STEP, EPROTO, "GO before PLAN");
        done(&r);
    }
}

/* New pid, mount and uts namespaces; SETHOSTNAME and MOUNT are seen inside only. */
static void test_namespaces(void)
{
    const char *t = "namespaces";
    if (!have_root(t))
        return;
    const char *mnt = in_tmp("mnt");
    mkdir(mnt, 0755);
    char script[PATH_MAX + 128];
    snprintf(script, sizeof script,
             "cat /proc/sys/kernel/hostname; echo $$; grep -c ' %s ' /proc/self/mountinfo", mnt);
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
    pb_step(&b, OP_CLONE), pb_u64(&b, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS);
    pb_step(&b, OP_SETHOSTNAME), pb_str(&b, "berth-e2e");
    pb_step(&b, OP_MOUNT), pb_str(&b, ""), pb_str(&b, "/"), pb_str(&b, ""),
        pb_u64(&b, MS_REC | MS_PRIVATE), pb_str(&b, "");
    pb_step(&b, OP_MOUNT), pb_str(&b, "tmpfs"), pb_str(&b, mnt), pb_str(&b, "tmpfs"),
        pb_u64(&b, 0), pb_str(&b, "size=1m");
    pb_step(&b, OP_READY);
    exec_sh(&b, script);
    int out = out_file("ns.out");
    struct run r;
    bool ok = spawn(&r, out, -1);
    close(out);
    if (!ok)
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t)) {
        int status = exit_status(&r, t);
        CHECK(status == 0, "%s: EXIT %d", t, status);
    }
    done(&r);
    CHECK(!strcmp(slurp(in_tmp("ns.out")), "berth-e2e\n1\n1\n"), "%s: inside saw '%s'", t,
          slurp(in_tmp("ns.out")));
    CHECK(strcmp(slurp("/proc/sys/kernel/hostname"), "berth-e2e\n") != 0,
          "%s: hostname leaked to the host", t);
    char needle[PATH_MAX + 4];
    snprintf(needle, sizeof needle, " %s ", mnt);
    CHECK(!strstr(slurp("/proc/self/mountinfo"), needle), "%s: mount leaked to the host", t);
}

/*
 * A whole container, as SpecPlanner builds one: a root made of bind mounts, proc and a /dev,
 * entered with PIVOT_ROOT (or CHROOT), masked and read-only paths, limits, groups, a non-root
 * user without capabilities, no_new_privs and a seccomp filter. The container reports what it
 * sees, and every line of that is checked.
 */
static void test_container(void)
{
    const char *t = "container";
    if (!have_root(t))
        return;
    /* denies uname(2) with EPERM, allows the rest */
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    uint32_t last_cap = (uint32_t)atoi(slurp("/proc/sys/kernel/cap_last_cap"));
    static const uint32_t groups[] = {2000, 2001};
    const char *script =
        "cat /proc/sys/kernel/hostname; echo $$; pwd; ls /; id -u; id -g; id -G; ulimit -n; umask;"
        "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\\t';"
        "wc -c < /secret.txt; ls /secret | wc -l;"
        "grep -E ' /(usr|proc/sys) ' /proc/self/mountinfo | cut -d' ' -f5,6 | cut -d, -f1;"
        "ls /proc/self/fd | wc -l; uname 2>/dev/null || echo no uname";
    for (int pivot = 1; pivot >= 0; pivot--) {
        char root[PATH_MAX], path[PATH_MAX + 32];
        snprintf(root, sizeof root, "%s/rootfs-%d", tmp, pivot);
        mkdir(root, 0755);
#define AT(sub) (snprintf(path, sizeof path, "%s/%s", root, sub), path)
        mkdir(AT("secret"), 0755); /* to be masked: a directory with a file, and a file */
        close(open(AT("secret/file"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
        int fd = open(AT("secret.txt"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CHECK(write(fd, "xyz", 3) == 3, "%s: write secret", t);
        close(fd);
        struct pb b;
        pb_init(&b);
        pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
        pb_step(&b, OP_CLONE), pb_u64(&b, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC);
        pb_step(&b, OP_MOUNT), pb_str(&b, ""), pb_str(&b, "/"), pb_str(&b, ""),
            pb_u64(&b, MS_REC | MS_PRIVATE), pb_str(&b, "");
        pb_step(&b, OP_MOUNT), pb_str(&b, root), pb_str(&b, root), pb_str(&b, ""),
            pb_u64(&b, MS_BIND | MS_REC), pb_str(&b, "");
        pb_step(&b, OP_MKDIR), pb_str(&b, AT("usr")), pb_u32(&b, 0755);
        pb_step(&b, OP_MOUNT), pb_str(&b, "/usr"), pb_str(&b, AT("usr")), pb_str(&b, ""),
            pb_u64(&b, MS_BIND | MS_REC), pb_str(&b, "");
        pb_step(&b, OP_REMOUNT), pb_str(&b, AT("usr")), pb_u64(&b, MS_BIND | MS_RDONLY);
        static const char *const links[] = {"bin", "lib", "lib64", "sbin"};
        for (int i = 0; i < 4; i++) {
            char target[16];
            snprintf(target, sizeof target, "usr/%s", links[i]);
            pb_step(&b, OP_SYMLINK), pb_str(&b, target), pb_str(&b, AT(links[i]));
        }
        pb_step(&b, OP_MKDIR), pb_str(&b, AT("proc")), pb_u32(&b, 0555);
        pb_step(&b, OP_MOUNT), pb_str(&b, "proc"), pb_str(&b, AT("proc")), pb_str(&b, "proc"),
            pb_u64(&b, MS_NOSUID | MS_NODEV | MS_NOEXEC), pb_str(&b, "");
        pb_step(&b, OP_MKDIR), pb_str(&b, AT("dev")), pb_u32(&b, 0755);
        pb_step(&b, OP_MOUNT), pb_str(&b, "tmpfs"), pb_str(&b, AT("dev")), pb_str(&b, "tmpfs"),
            pb_u64(&b, MS_NOSUID), pb_str(&b, "mode=755");
        pb_step(&b, OP_MKNOD), pb_str(&b, AT("dev/null")), pb_u32(&b, S_IFCHR | 0666),
            pb_u64(&b, makedev(1, 3)), pb_u32(&b, 0), pb_u32(&b, 0);
        pb_step(&b, OP_MKFILE), pb_str(&b, AT("etc/hostname")), pb_u32(&b, 0644);
        if (pivot) {
            pb_step(&b, OP_PIVOT_ROOT), pb_str(&b, root);
        } else {
            pb_step(&b, OP_CHROOT), pb_str(&b, root);
        }
        pb_step(&b, OP_MASK), pb_str(&b, "/secret.txt");
        pb_step(&b, OP_MASK), pb_str(&b, "/secret");
        pb_step(&b, OP_MASK), pb_str(&b, "/proc/no-such-file");
        pb_step(&b, OP_READONLY), pb_str(&b, "/proc/sys");
        pb_step(&b, OP_SETHOSTNAME), pb_str(&b, "box");
        pb_step(&b, OP_SETRLIMIT), pb_u32(&b, RLIMIT_NOFILE), pb_u64(&b, 512), pb_u64(&b, 512);
        pb_step(&b, OP_CAPBSET), pb_u64(&b, 1ull << 5 /* CAP_KILL */), pb_u32(&b, last_cap);
        pb_step(&b, OP_SETGROUPS), pb_u32v(&b, groups, 2);
        pb_step(&b, OP_SETGID), pb_u32(&b, 1000);
        pb_step(&b, OP_SETUID), pb_u32(&b, 1000);
        pb_step(&b, OP_CAPSET), pb_u64(&b, 0), pb_u64(&b, 0), pb_u64(&b, 0);
        pb_step(&b, OP_NO_NEW_PRIVS);
        pb_step(&b, OP_UMASK), pb_u32(&b, 027);
        pb_step(&b, OP_SECCOMP), pb_u32(&b, 0), pb_bytes(&b, filter, sizeof filter);
        pb_step(&b, OP_CHDIR), pb_str(&b, "/proc");
        pb_step(&b, OP_CLOSE_FDS), pb_u32(&b, 3);
        pb_step(&b, OP_READY);
        exec_sh(&b, script);
#undef AT
        int out = out_file("container.out");
        struct run r;
        bool ok = spawn(&r, out, -1);
        close(out);
        if (!ok)
            return;
        send_plan(&r, &b);
        struct tmsg m;
        if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t))
            CHECK(exit_status(&r, t) == 0, "%s: EXIT", t);
        done(&r);
        const char *want =
            "box\n1\n/proc\nbin\ndev\netc\nlib\nlib64\nproc\nsbin\nsecret\nsecret.txt\nusr\n1000\n1000\n"
            "1000 2000 2001\n"
            "512\n0027\nCapEff:0000000000000000\nCapBnd:0000000000000020\nNoNewPrivs:1\n"
            "Seccomp:2\n0\n0\n/usr ro\n/proc/sys ro\n4\nno uname\n";
        const char *got = slurp(in_tmp("container.out"));
        CHECK(!strcmp(got, want), "%s (%s): the container saw\n%s\nwanted\n%s", t,
              pivot ? "PIVOT_ROOT" : "CHROOT", got, want);
    }
}

/* Detached mode and SETNS: a detached container holds a uts namespace that a second launch
 * joins before its clone. */
static void test_detached_and_setns(void)
{
    const char *t = "detached + SETNS";
    if (!have_root(t))
        return;
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_CLONE), pb_u64(&b, CLONE_NEWUTS);
    pb_step(&b, OP_SETHOSTNAME), pb_str(&b, "berth-ns-a");
    pb_step(&b, OP_READY);
    exec_sh(&b, "exec sleep 30");
    struct run a;
    if (!spawn(&a, -1, -1))
        return;
    send_plan(&a, &b);
    struct tmsg m;
    if (pid_then_go(&a, NOARGS, t))
        expect(&a, MSG_READY, &m, t);
    int st = wait_shim(&a);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: detached shim exit status 0x%x", t, st);
    CHECK(a.child > 0 && kill(a.child, 0) == 0, "%s: container gone with its shim", t);
    done(&a);

    char ns[64];
    snprintf(ns, sizeof ns, "/proc/%d/ns/uts", a.child);
    pb_init(&b);
    pb_step(&b, OP_SETNS), pb_str(&b, ns), pb_u32(&b, CLONE_NEWUTS);
    pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_READY);
    exec_sh(&b, "cat /proc/sys/kernel/hostname");
    int out = out_file("setns.out");
    struct run r;
    bool ok = spawn(&r, out, -1);
    close(out);
    if (ok) {
        send_plan(&r, &b);
        if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t))
            CHECK(exit_status(&r, t) == 0, "%s: EXIT", t);
        done(&r);
        CHECK(!strcmp(slurp(in_tmp("setns.out")), "berth-ns-a\n"), "%s: joined uts says '%s'",
              t, slurp(in_tmp("setns.out")));
    }
    if (a.child > 0) {
        kill(a.child, SIGKILL);
        reap_orphan(a.child);
    }
}

/* CLOSE_FDS: an fd the shim inherited (5) does not reach the container. Without the step it
 * does, which shows the test can see it. */
static void test_close_fds(void)
{
    const char *t = "CLOSE_FDS";
    int extra = open("/dev/null", O_RDONLY | O_CLOEXEC); /* dup2'd to 5 in the shim, without */
    for (int with = 0; with < 2; with++) {
        struct pb b;
        pb_init(&b);
        pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
        pb_step(&b, OP_CLONE), pb_u64(&b, 0);
        if (with)
            pb_step(&b, OP_CLOSE_FDS), pb_u32(&b, 3);
        pb_step(&b, OP_READY);
        pb_step(&b, OP_EXEC), pb_str(&b, "ls"), pb_strv(&b, ARGV("ls", "/proc/self/fd")),
            pb_strv(&b, ARGV("PATH=/usr/bin:/bin"));
        int out = out_file("fds.out");
        struct run r;
        bool ok = spawn(&r, out, extra);
        close(out);
        if (!ok)
            break;
        send_plan(&r, &b);
        struct tmsg m;
        if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t))
            CHECK(exit_status(&r, t) == 0, "%s: EXIT", t);
        done(&r);
        const char *fds = slurp(in_tmp("fds.out"));
        if (with)
            CHECK(!strcmp(fds, "0\n1\n2\n3\n"), "%s: container has fds %s", t, fds);
        else
            CHECK(strstr(fds, "\n5\n") != NULL, "%s: without the step, fds %s", t, fds);
    }
    close(extra);
}

/* The exec fails after READY: ERROR for the EXEC step instead of EXIT. */
static void test_exec_failure(void)
{
    const char *t = "EXEC failure";
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MONITOR), pb_str(&b, in_tmp("exec-fail.exit")), pb_u32(&b, 0);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_READY);
    pb_step(&b, OP_EXEC), pb_str(&b, "/nonexistent/program"), pb_strv(&b, ARGV("program")),
        pb_strv(&b, NOARGS);
    struct run r;
    if (!spawn(&r, -1, -1))
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t))
        expect_error(&r, 3, ENOENT, t);
    int st = wait_shim(&r);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: shim exit status 0x%x", t, st);
    CHECK(gone(r.child), "%s: child still there", t);
    done(&r);
}

/* Signals reach the container: a SIGNAL message, and a signal sent to the shim itself. */
static void test_signals(void)
{
    const char *t = "signals";
    for (int via_kill = 0; via_kill < 2; via_kill++) {
        int sig = via_kill ? SIGUSR1 : SIGTERM;
        struct pb b;
        pb_init(&b);
        pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
        pb_step(&b, OP_CLONE), pb_u64(&b, 0);
        pb_step(&b, OP_READY);
        exec_sh(&b, "exec sleep 30");
        struct run r;
        if (!spawn(&r, -1, -1))
            return;
        send_plan(&r, &b);
        struct tmsg m;
        if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t)) {
            if (via_kill)
                kill(r.pid, sig);
            else
                send_u32(&r, MSG_SIGNAL, (uint32_t)sig);
            int status = exit_status(&r, t);
            CHECK(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == sig,
                  "%s: EXIT 0x%x, want death by %d", t, status, sig);
        }
        int st = wait_shim(&r);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 128 + sig, "%s: shim exit status 0x%x", t, st);
        done(&r);
    }
}

/* A HOOK gets the GO state string it names on stdin; a state GO lacks fails at GO. */
static void test_hooks(void)
{
    const char *t = "HOOK";
    for (int bad = 0; bad < 2; bad++) {
        struct pb b;
        pb_init(&b);
        pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
        pb_step(&b, OP_CLONE), pb_u64(&b, 0);
        pb_step(&b, OP_HOOK), pb_str(&b, "/bin/sh"),
            pb_strv(&b, ARGV("sh", "-c", "cat > \"$0\"", in_tmp("hook.state"))),
            pb_strv(&b, NOARGS), pb_u32(&b, 5), pb_u32(&b, bad ? 2 : 1);
        pb_step(&b, OP_READY);
        exec_sh(&b, "exit 0");
        struct run r;
        if (!spawn(&r, -1, -1))
            return;
        send_plan(&r, &b);
        struct tmsg m;
        if (pid_then_go(&r, ARGV("zero", "{\"status\":\"created\"}"), t)) {
            if (bad) {
                expect_error(&r, 2, EINVAL, t);
            } else if (expect(&r, MSG_READY, &m, t)) {
                CHECK(exit_status(&r, t) == 0, "%s: EXIT", t);
                CHECK(!strcmp(slurp(in_tmp("hook.state")), "{\"status\":\"created\"}"),
                      "%s: hook read '%s'", t, slurp(in_tmp("hook.state")));
            }
        }
        done(&r);
        CHECK(gone(r.child), "%s: child still there", t);
    }
}

/* TERMINAL with a console socket: the pty master arrives by SCM_RIGHTS, named as runc does,
 * with the size set, and the container's stdio is the pty. */
static void test_console_socket(void)
{
    const char *t = "console socket";
    const char *path = in_tmp("console.sock");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, path);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0) {
        CHECK(false, "%s: listen: %m", t);
        return;
    }
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_CONSOLE_SOCKET), pb_str(&b, path);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_TERMINAL), pb_u16(&b, 24), pb_u16(&b, 80), pb_u32(&b, getuid()),
        pb_u32(&b, getgid());
    pb_step(&b, OP_READY);
    exec_sh(&b, "stty size; tty");
    struct run r;
    if (!spawn(&r, -1, -1))
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (pid_then_go(&r, NOARGS, t))
        expect(&r, MSG_READY, &m, t);
    done(&r);

    int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    char name[64] = "";
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct iovec iov = {name, sizeof name - 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf};
    int master = -1;
    if (c >= 0 && recvmsg(c, &mh, MSG_CMSG_CLOEXEC) > 0 && CMSG_FIRSTHDR(&mh))
        memcpy(&master, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof master);
    CHECK(master >= 0, "%s: no pty master received", t);
    CHECK(!strcmp(name, "/dev/ptmx"), "%s: named '%s'", t, name);
    char out[512] = "";
    size_t len = 0;
    while (master >= 0 && len < sizeof out - 1) {
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, TIMEOUT_MS) <= 0)
            break;
        ssize_t n = read(master, out + len, sizeof out - 1 - len);
        if (n <= 0)
            break; /* EIO: the container closed the slave */
        len += (size_t)n;
    }
    out[len] = 0;
    CHECK(strstr(out, "24 80") && strstr(out, "/dev/pts/"), "%s: terminal said '%s'", t, out);
    if (master >= 0)
        close(master);
    if (c >= 0)
        close(c);
    close(l);
    if (r.child > 0)
        reap_orphan(r.child);
}

/* TERMINAL in monitor mode without a console socket: the shim copies the pty to its stdout. */
static void test_terminal_monitor(void)
{
    const char *t = "terminal in monitor mode";
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_TERMINAL), pb_u16(&b, 30), pb_u16(&b, 100), pb_u32(&b, getuid()),
        pb_u32(&b, getgid());
    pb_step(&b, OP_READY);
    exec_sh(&b, "stty size; test -t 0 && test -t 1 && echo tty");
    int out = out_file("tty.out");
    struct run r;
    bool ok = spawn(&r, out, -1);
    close(out);
    if (!ok)
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t))
        CHECK(exit_status(&r, t) == 0, "%s: EXIT", t);
    done(&r);
    const char *said = slurp(in_tmp("tty.out"));
    CHECK(strstr(said, "30 100\r\n") && strstr(said, "tty\r\n"), "%s: copied '%s'", t, said);
}

/* A shim whose stdin is a terminal: it puts it in raw mode, copies keys to the container's
 * terminal, applies RESIZE, and restores the mode when done. */
static void test_terminal_stdin(void)
{
    const char *t = "terminal stdin";
    int outer = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (outer < 0 || grantpt(outer) < 0 || unlockpt(outer) < 0) {
        CHECK(false, "%s: openpt: %m", t);
        return;
    }
    int in = open(ptsname(outer), O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios before;
    tcgetattr(in, &before);
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_TERMINAL), pb_u16(&b, 24), pb_u16(&b, 80), pb_u32(&b, getuid()),
        pb_u32(&b, getgid());
    pb_step(&b, OP_READY);
    exec_sh(&b, "read x; stty size; echo got:$x");
    int out = out_file("stdin.out");
    struct run r;
    bool ok = spawn_in(&r, in, out, -1);
    close(out);
    if (!ok)
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t)) {
        uint8_t size[4] = {40, 0, 120, 0};
        send_msg(&r, MSG_RESIZE, size, 4);
        usleep(100000);
        struct termios now;
        CHECK(tcgetattr(in, &now) == 0 && !(now.c_lflag & (ECHO | ICANON)),
              "%s: the shim's terminal is not raw", t);
        CHECK(write(outer, "hello\r", 6) == 6, "%s: write", t);
        CHECK(exit_status(&r, t) == 0, "%s: EXIT", t);
    }
    done(&r);
    const char *said = slurp(in_tmp("stdin.out"));
    CHECK(strstr(said, "40 120\r\n") && strstr(said, "got:hello\r\n"), "%s: copied '%s'", t, said);
    struct termios after;
    CHECK(tcgetattr(in, &after) == 0 && after.c_lflag == before.c_lflag,
          "%s: terminal mode not restored", t);
    close(in);
    close(outer);
}

/* The exec fifo: the detached container waits in WAIT_FIFO until someone reads the fifo. */
static void test_exec_fifo(void)
{
    const char *t = "exec fifo";
    const char *fifo = in_tmp("exec.fifo"), *started = in_tmp("started");
    char script[PATH_MAX + 32];
    snprintf(script, sizeof script, "echo started > %s", started);
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MKFIFO), pb_str(&b, fifo), pb_u32(&b, 0622);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_OPEN_FIFO), pb_str(&b, fifo);
    pb_step(&b, OP_READY);
    pb_step(&b, OP_WAIT_FIFO);
    exec_sh(&b, script);
    struct run r;
    if (!spawn(&r, -1, -1))
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (pid_then_go(&r, NOARGS, t))
        expect(&r, MSG_READY, &m, t);
    int st = wait_shim(&r);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: shim exit status 0x%x", t, st);
    done(&r);
    struct stat sb;
    CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode) && (sb.st_mode & 0777) == 0622,
          "%s: fifo mode", t);
    usleep(100000);
    CHECK(access(started, F_OK) < 0, "%s: started before the fifo was read", t);
    int fd = open(fifo, O_RDONLY | O_CLOEXEC);
    char c = 1;
    CHECK(fd >= 0 && read(fd, &c, 1) == 1 && c == 0, "%s: no 0 byte from the fifo", t);
    if (fd >= 0)
        close(fd);
    if (r.child > 0) {
        int status = reap_orphan(r.child);
        CHECK(status == 0, "%s: container status 0x%x", t, status);
    }
    CHECK(!strcmp(slurp(started), "started\n"), "%s: container did not run", t);
}

/* The memory a monitoring shim costs per container (printed with VERBOSE=1). */
static void test_rss(void)
{
    const char *t = "monitor RSS";
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    pb_step(&b, OP_READY);
    pb_step(&b, OP_EXEC), pb_str(&b, "sleep"), pb_strv(&b, ARGV("sleep", "30")),
        pb_strv(&b, ARGV("PATH=/usr/bin:/bin"));
    struct run r;
    if (!spawn(&r, -1, -1))
        return;
    send_plan(&r, &b);
    struct tmsg m;
    if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t)) {
        usleep(200000);
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/status", r.pid);
        const char *status = slurp(path), *rss = strstr(status, "VmRSS:");
        long kb = rss ? strtol(rss + 6, NULL, 10) : -1;
        if (getenv("VERBOSE")) {
            fprintf(stderr, "monitor shim VmRSS: %ld kB (", kb);
            for (const char *f = strstr(status, "\nRss"); f; f = strstr(f + 1, "\nRss"))
                fprintf(stderr, " %.*s", (int)strcspn(f + 1, "\n"), f + 1);
            fprintf(stderr, " )\n");
        }
        /* A guard against gross regressions, not a benchmark: statically linked it is well
         * under 1 MiB, dynamically linked a little over. */
        CHECK(kb > 0 && kb < 4096, "%s: VmRSS %ld kB", t, kb);
        send_u32(&r, MSG_SIGNAL, SIGKILL);
        int st = exit_status(&r, t);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "%s: EXIT 0x%x", t, st);
    }
    done(&r);
}

/*
 * MONITOR_HOLD_OUTPUT: with the shim's stdout a fifo whose reader has gone (a daemon that
 * restarts), the container's write still succeeds and its output waits in the fifo for the
 * next reader. Without the flag the same write kills the container with SIGPIPE.
 */
static void test_hold_output(void)
{
    const char *fifo = in_tmp("out.fifo");
    for (int hold = 1; hold >= 0; hold--) {
        const char *t = hold ? "hold output" : "output not held";
        char wrote[PATH_MAX], reopened[PATH_MAX], script[3 * PATH_MAX];
        snprintf(wrote, sizeof wrote, "%s", in_tmp(hold ? "hold.wrote" : "nohold.wrote"));
        snprintf(reopened, sizeof reopened, "%s", in_tmp(hold ? "hold.reopened" : "nohold.reopened"));
        snprintf(script, sizeof script,
                 "echo two; touch %s; while [ ! -e %s ]; do sleep 0.05; done", wrote, reopened);
        unlink(fifo);
        CHECK(mkfifo(fifo, 0600) == 0, "%s: mkfifo: %m", t);
        int rd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        int wr = open(fifo, O_WRONLY | O_CLOEXEC);
        struct pb b;
        pb_init(&b);
        pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, hold ? MONITOR_HOLD_OUTPUT : 0);
        pb_step(&b, OP_CLONE), pb_u64(&b, 0);
        pb_step(&b, OP_READY);
        exec_sh(&b, script);
        struct run r;
        bool ok = spawn(&r, wr, -1);
        close(wr);
        close(rd); /* the reader goes away before the container writes anything */
        if (!ok)
            return;
        send_plan(&r, &b);
        struct tmsg m;
        if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t)) {
            if (hold) {
                for (int i = 0; i < 200 && access(wrote, F_OK) < 0; i++)
                    usleep(50000);
                char buf[16] = "";
                rd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                ssize_t n = read(rd, buf, sizeof buf - 1);
                buf[n > 0 ? n : 0] = 0;
                CHECK(!strcmp(buf, "two\n"), "%s: the next reader got '%s'", t, buf);
                close(rd);
            }
            close(open(reopened, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
            int st = exit_status(&r, t);
            if (hold)
                CHECK(st == 0, "%s: EXIT 0x%x", t, st);
            else
                CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "%s: EXIT 0x%x", t, st);
        }
        done(&r);
    }
}

/*
 * MONITOR_HOLD_INPUT: with the shim's stdin a fifo whose writer has gone (a daemon that
 * restarts), the container reads no end of input, and reads what the next writer sends.
 * Without the flag the same read ends at once.
 */
static void test_hold_input(void)
{
    const char *fifo = in_tmp("in.fifo");
    for (int hold = 1; hold >= 0; hold--) {
        const char *t = hold ? "hold input" : "input not held";
        char got[PATH_MAX], script[2 * PATH_MAX];
        snprintf(got, sizeof got, "%s", in_tmp(hold ? "hold.got" : "nohold.got"));
        snprintf(script, sizeof script, "read line; echo \"got:$line\" > %s", got);
        unlink(fifo);
        CHECK(mkfifo(fifo, 0600) == 0, "%s: mkfifo: %m", t);
        int wr = open(fifo, O_RDWR | O_CLOEXEC); /* a writer first, so that the open for reading does not wait */
        int rd = open(fifo, O_RDONLY | O_CLOEXEC);
        struct pb b;
        pb_init(&b);
        pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, hold ? MONITOR_HOLD_INPUT : 0);
        pb_step(&b, OP_CLONE), pb_u64(&b, 0);
        pb_step(&b, OP_READY);
        exec_sh(&b, script);
        struct run r;
        bool ok = spawn_in(&r, rd, -1, -1);
        close(rd);
        close(wr); /* the writer goes away before the container reads */
        if (!ok)
            return;
        send_plan(&r, &b);
        struct tmsg m;
        if (pid_then_go(&r, NOARGS, t) && expect(&r, MSG_READY, &m, t)) {
            if (hold) {
                wr = open(fifo, O_WRONLY | O_CLOEXEC); /* the next writer: the shim's read end is there */
                CHECK(write(wr, "again\n", 6) == 6, "%s: write: %m", t);
                close(wr);
            }
            int st = exit_status(&r, t);
            CHECK(st == 0, "%s: EXIT 0x%x", t, st);
            const char *want = hold ? "got:again\n" : "got:\n";
            CHECK(!strcmp(slurp(got), want), "%s: the container read '%s'", t, slurp(got));
        }
        done(&r);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: e2e_test <berth-shim>\n");
        return 2;
    }
    shim_path = argv[1];
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    strcpy(tmp, "/tmp/berth-e2e-XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    test_monitor_exit();
    test_failing_step();
    test_eof_before_ready();
    test_malformed();
    test_namespaces();
    test_detached_and_setns();
    test_container();
    test_close_fds();
    test_exec_failure();
    test_signals();
    test_hooks();
    test_console_socket();
    test_terminal_monitor();
    test_terminal_stdin();
    test_exec_fifo();
    test_hold_output();
    test_hold_input();
    test_rss();

    /* Nothing of ours may be left: every container process was reaped by a shim or above. */
    pid_t stray;
    while ((stray = waitpid(-1, NULL, WNOHANG)) > 0)
        CHECK(false, "stray process %d", stray);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        failures++;
    if (failures)
        fprintf(stderr, "e2e_test: %d failures\n", failures);
    return failures ? 1 : 0;
}
