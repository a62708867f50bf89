/*
 * Step tests that need no root and no clone: the filesystem steps in a temporary directory,
 * the exec fifo, HOOK (state on stdin, exit status, timeout), EXEC's PATH search, and the
 * /proc/self/fd fallback of CLOSE_FDS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "plan.h"
#include "steps.h"

int failures;

static char dir[64];

static const char *in_dir(const char *name)
{
    static char buf[4][PATH_MAX];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static int run(struct step_ctx *ctx, unsigned op, union field a, union field b)
{
    struct step s = {.op = (uint16_t)op, .f = {a, b}};
    ctx->detail[0] = 0;
    return step_run(&s, ctx);
}

#define S(x) ((union field){.s = (x)})
#define U(x) ((union field){.u = (x)})

static void test_filesystem(void)
{
    struct step_ctx ctx = STEP_CTX_INIT;
    struct stat st;
    CHECK(run(&ctx, OP_MKDIR, S(in_dir("a/b/c")), U(0755)) == 0, "MKDIR: %m");
    CHECK(stat(in_dir("a/b/c"), &st) == 0 && S_ISDIR(st.st_mode), "MKDIR made a/b/c");
    CHECK(run(&ctx, OP_MKDIR, S(in_dir("a/b/c/")), U(0755)) == 0, "MKDIR of an existing dir");
    CHECK(run(&ctx, OP_MKFILE, S(in_dir("f/g/file")), U(0600)) == 0, "MKFILE: %m");
    CHECK(stat(in_dir("f/g/file"), &st) == 0 && S_ISREG(st.st_mode) &&
              (st.st_mode & 0777) == 0600 && st.st_size == 0,
          "MKFILE made an empty 0600 file");
    CHECK(run(&ctx, OP_MKDIR, S(in_dir("f/g/file/x")), U(0755)) < 0 && errno == ENOTDIR,
          "MKDIR through a file");
    CHECK(run(&ctx, OP_MKFILE, S(in_dir("f/g/file")), U(0644)) == 0, "MKFILE on an existing file");
    CHECK(run(&ctx, OP_SYMLINK, S("target"), S(in_dir("link"))) == 0, "SYMLINK: %m");
    CHECK(run(&ctx, OP_SYMLINK, S("other"), S(in_dir("link"))) == 0, "SYMLINK: EEXIST is fine");
    char target[16] = "";
    CHECK(readlink(in_dir("link"), target, sizeof target - 1) == 6 && !strcmp(target, "target"),
          "SYMLINK target");

    struct step w = {.op = OP_WRITE_FILE, .f = {S(in_dir("f/g/file"))}};
    w.f[1].b.p = (const uint8_t *)"hello";
    w.f[1].b.n = 5;
    CHECK(step_run(&w, &ctx) == 0, "WRITE_FILE: %m");
    CHECK(stat(in_dir("f/g/file"), &st) == 0 && st.st_size == 5, "WRITE_FILE wrote 5 bytes");
    w.f[0].s = in_dir("missing");
    CHECK(step_run(&w, &ctx) < 0 && errno == ENOENT, "WRITE_FILE does not create");

    CHECK(run(&ctx, OP_CHDIR, S(in_dir("nope")), U(0)) < 0 && errno == ENOENT, "CHDIR ENOENT");
    CHECK(run(&ctx, OP_MASK, S(in_dir("nope")), U(0)) == 0, "MASK of a missing path");
    CHECK(run(&ctx, OP_READONLY, S(in_dir("nope")), U(0)) == 0, "READONLY of a missing path");
}

static void test_fifo(void)
{
    struct step_ctx ctx = STEP_CTX_INIT;
    mode_t old = umask(077);
    CHECK(run(&ctx, OP_MKFIFO, S(in_dir("exec.fifo")), U(0622)) == 0, "MKFIFO: %m");
    umask(old);
    struct stat st;
    CHECK(stat(in_dir("exec.fifo"), &st) == 0 && S_ISFIFO(st.st_mode) &&
              (st.st_mode & 0777) == 0622,
          "MKFIFO mode 0622 despite the umask");
    CHECK(run(&ctx, OP_OPEN_FIFO, S(in_dir("exec.fifo")), U(0)) == 0, "OPEN_FIFO: %m");
    CHECK(ctx.fifo_dir >= 0 && !strcmp(ctx.fifo_name, "exec.fifo"), "OPEN_FIFO remembers");
    CHECK(fcntl(ctx.fifo_dir, F_GETFD) == FD_CLOEXEC, "OPEN_FIFO fd is close-on-exec");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(in_dir("exec.fifo"), O_RDONLY);
        char c = 1;
        _exit(read(fd, &c, 1) == 1 && c == 0 ? 0 : 1);
    }
    CHECK(run(&ctx, OP_WAIT_FIFO, U(0), U(0)) == 0, "WAIT_FIFO: %m");
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader got one 0 byte");
    CHECK(ctx.fifo_dir == -1, "WAIT_FIFO closed the directory");
}

static char *slurp(const char *path)
{
    static char buf[256];
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        buf[fread(buf, 1, sizeof buf - 1, f)] = 0;
        fclose(f);
    }
    return buf;
}

static void test_hooks(void)
{
    char detail[256] = "";
    char *env[] = {"X=1", NULL};
    char script[PATH_MAX + 32];
    snprintf(script, sizeof script, "cat > %s; echo \"$X\" >> %s", in_dir("state"), in_dir("state"));
    char *ok[] = {"sh", "-c", script, NULL};
    CHECK(hook_run("/bin/sh", ok, env, 5, "{\"status\":\"creating\"}", detail, sizeof detail) == 0,
          "hook: %s", detail);
    CHECK(!strcmp(slurp(in_dir("state")), "{\"status\":\"creating\"}1\n"),
          "hook got the state on stdin and its env: %s", slurp(in_dir("state")));

    char *fail[] = {"sh", "-c", "exit 3", NULL};
    CHECK(hook_run("/bin/sh", fail, env, 0, "", detail, sizeof detail) < 0 &&
              strstr(detail, "exited with status 3"),
          "failing hook: %s", detail);

    char *deaf[] = {"sh", "-c", "exec sleep 10", NULL};
    static char big[1 << 20]; /* more than a pipe holds: the timeout must still work */
    memset(big, 'x', sizeof big - 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = hook_run("/bin/sh", deaf, env, 1, big, detail, sizeof detail);
    int e = errno;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(r < 0 && e == ETIMEDOUT && strstr(detail, "timed out"), "hook timeout: %s", detail);
    CHECK(t1.tv_sec - t0.tv_sec < 5, "hook timeout took %lds", (long)(t1.tv_sec - t0.tv_sec));

    char *none[] = {"nope", NULL};
    CHECK(hook_run("/nonexistent/hook", none, env, 0, "x", detail, sizeof detail) < 0 &&
              strstr(detail, "status 127"),
          "missing hook: %s", detail);
}

/* EXEC in a child; returns the child's exit code. */
static int exec_in_child(const char *path, char **envp)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        struct step_ctx ctx = STEP_CTX_INIT;
        char *argv[] = {(char *)path, "-c", "exit 7", NULL};
        struct step s = {.op = OP_EXEC, .f = {{.s = path}, {.v = argv}, {.v = envp}}};
        step_run(&s, &ctx);
        _exit(errno == ENOENT ? 100 : errno == EACCES ? 101 : 102);
    }
    int status;
    waitpid(pid, &status, 0);
    return WEXITSTATUS(status);
}

static void test_exec_search(void)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "PATH=%s:/nonexistent:/bin", dir);
    char *env[] = {path, NULL};
    CHECK(exec_in_child("sh", env) == 7, "EXEC finds sh on PATH");
    char *noenv[] = {NULL};
    CHECK(exec_in_child("sh", noenv) == 7, "EXEC uses the default PATH");
    CHECK(exec_in_child("no-such-program", env) == 100, "EXEC of a missing program: ENOENT");
    CHECK(exec_in_child("/bin/sh", noenv) == 7, "EXEC of a path");
    /* a file that is there but not executable is EACCES, searching on */
    int fd = open(in_dir("noexec"), O_WRONLY | O_CREAT, 0644);
    close(fd);
    CHECK(exec_in_child("noexec", env) == 101, "EXEC of a non-executable: EACCES");
}

static void test_cloexec_fallback(void)
{
    int low = open("/dev/null", O_RDONLY); /* no O_CLOEXEC, on purpose */
    int a = dup2(low, 40), b = dup2(low, 41);
    CHECK(a == 40 && b == 41, "dup2");
    CHECK(cloexec_from_proc(41) == 0, "cloexec_from_proc: %m");
    CHECK(fcntl(40, F_GETFD) == 0, "fd below first untouched");
    CHECK(fcntl(41, F_GETFD) == FD_CLOEXEC, "fd 41 close-on-exec");
    CHECK(fcntl(low, F_GETFD) == 0, "low fd untouched");
    struct step_ctx ctx = STEP_CTX_INIT;
    CHECK(run(&ctx, OP_CLOSE_FDS, U(40), U(0)) == 0, "CLOSE_FDS: %m");
    CHECK(fcntl(40, F_GETFD) == FD_CLOEXEC, "CLOSE_FDS marked fd 40");
    close(low), close(40), close(41);
}

int main(void)
{
    strcpy(dir, "/tmp/berth-steps-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_filesystem();
    test_fifo();
    test_hooks();
    test_exec_search();
    test_cloexec_fallback();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        failures++;
    if (failures)
        fprintf(stderr, "steps_test: %d failures\n", failures);
    return failures ? 1 : 0;
}
