/*
 * Decoder tests: a plan with every op decodes to the right fields; every malformed case of
 * PLAN.md is rejected with the right step index; and a few thousand random and mutated inputs
 * decode or are rejected without a crash (built with ASan and UBSan when available), so that
 * `make check` exercises the decoder even where the libFuzzer target cannot be built.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "check.h"
#include "plan.h"
#include "planbuild.h"

int failures;

static void ready_exec(struct pb *b)
{
    pb_step(b, OP_READY);
    pb_step(b, OP_EXEC);
    pb_str(b, "/bin/true");
    pb_strv(b, ARGV("true"));
    pb_strv(b, ARGV("PATH=/bin"));
}

/* A plan that uses every op once (UNSHARE and WRITE_FILE in both phases). */
static void build_full(struct pb *b)
{
    static const uint8_t bpf[16] = {0x06, 0, 0, 0, 0, 0, 0xff, 0x7f}; /* RET ALLOW, twice */
    static const uint32_t gids[] = {10, 20, 30};
    pb_init(b);
    pb_step(b, OP_SETNS), pb_str(b, "/proc/1/ns/uts"), pb_u32(b, CLONE_NEWUTS);
    pb_step(b, OP_UNSHARE), pb_u32(b, 0x80);
    pb_step(b, OP_WRITE_FILE), pb_str(b, "/proc/self/timens_offsets"), pb_bytes(b, "x\0y", 3);
    pb_step(b, OP_MKFIFO), pb_str(b, "/run/exec.fifo"), pb_u32(b, 0622);
    pb_step(b, OP_CONSOLE_SOCKET), pb_str(b, "/run/console.sock");
    pb_step(b, OP_MONITOR), pb_str(b, "/run/exit"), pb_u32(b, MONITOR_SETSID | MONITOR_HOLD_OUTPUT);
    pb_step(b, OP_CLONE), pb_u64(b, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER);
    pb_step(b, OP_UNSHARE), pb_u32(b, CLONE_NEWCGROUP);
    pb_step(b, OP_WRITE_FILE), pb_str(b, "/proc/self/oom_score_adj"), pb_bytes(b, "100", 3);
    pb_step(b, OP_SETHOSTNAME), pb_str(b, "box");
    pb_step(b, OP_SETDOMAINNAME), pb_str(b, "example.org");
    pb_step(b, OP_MOUNT), pb_str(b, "proc"), pb_str(b, "/proc"), pb_str(b, "proc"),
        pb_u64(b, MS_NOSUID | MS_NODEV), pb_str(b, "");
    pb_step(b, OP_MKDIR), pb_str(b, "/dev/pts"), pb_u32(b, 0755);
    pb_step(b, OP_MKFILE), pb_str(b, "/etc/hosts"), pb_u32(b, 0644);
    pb_step(b, OP_MKNOD), pb_str(b, "/dev/null"), pb_u32(b, 020666), pb_u64(b, 0x103),
        pb_u32(b, 0), pb_u32(b, 5);
    pb_step(b, OP_SYMLINK), pb_str(b, "/proc/self/fd"), pb_str(b, "/dev/fd");
    pb_step(b, OP_PIVOT_ROOT), pb_str(b, "/rootfs");
    pb_step(b, OP_CHROOT), pb_str(b, "/rootfs");
    pb_step(b, OP_MASK), pb_str(b, "/proc/kcore");
    pb_step(b, OP_READONLY), pb_str(b, "/proc/sys");
    pb_step(b, OP_REMOUNT), pb_str(b, "/"), pb_u64(b, MS_BIND | MS_RDONLY);
    pb_step(b, OP_SETRLIMIT), pb_u32(b, 7), pb_u64(b, 1024), pb_u64(b, UINT64_MAX);
    pb_step(b, OP_NO_NEW_PRIVS);
    pb_step(b, OP_PERSONALITY), pb_u32(b, 8);
    pb_step(b, OP_UMASK), pb_u32(b, 022);
    pb_step(b, OP_KEEPCAPS), pb_u32(b, 1);
    pb_step(b, OP_CAPBSET), pb_u64(b, 0x3ff), pb_u32(b, 40);
    pb_step(b, OP_SETGROUPS), pb_u32v(b, gids, 3);
    pb_step(b, OP_SETGID), pb_u32(b, 1000);
    pb_step(b, OP_SETUID), pb_u32(b, 1001);
    pb_step(b, OP_CAPSET), pb_u64(b, 1), pb_u64(b, 2), pb_u64(b, 1ull << 40);
    pb_step(b, OP_AMBIENT), pb_u64(b, 1ull << 33);
    pb_step(b, OP_SECCOMP), pb_u32(b, 0), pb_bytes(b, bpf, sizeof bpf);
    pb_step(b, OP_CHDIR), pb_str(b, "/home");
    pb_step(b, OP_SETSID);
    pb_step(b, OP_TERMINAL), pb_u16(b, 24), pb_u16(b, 80), pb_u32(b, 1000), pb_u32(b, 1000);
    pb_step(b, OP_HOOK), pb_str(b, "/bin/hook"), pb_strv(b, ARGV("hook", "a", "")),
        pb_strv(b, NOARGS), pb_u32(b, 5), pb_u32(b, 1);
    pb_step(b, OP_OPEN_FIFO), pb_str(b, "/run/exec.fifo");
    pb_step(b, OP_READY);
    pb_step(b, OP_WAIT_FIFO);
    pb_step(b, OP_CLOSE_FDS), pb_u32(b, 3);
    pb_step(b, OP_EXEC), pb_str(b, "sh"), pb_strv(b, ARGV("sh", "-c", "echo hi")),
        pb_strv(b, ARGV("PATH=/bin", "TERM=xterm"));
    pb_finish(b);
}

static const struct step *find(const struct plan *p, unsigned op, int nth)
{
    for (uint32_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].op == op && nth-- == 0)
            return &p->steps[i];
    return NULL;
}

static void test_full_plan(void)
{
    struct pb b;
    build_full(&b);
    struct plan p;
    struct plan_error e = {0, ""};
    int r = plan_decode(b.buf, b.len, &p, &e);
    CHECK(r == 0, "full plan rejected at step %u: %s", e.step, e.detail);
    if (r < 0) {
        pb_free(&b);
        return;
    }
    CHECK(p.nsteps == 42, "nsteps %u", p.nsteps);
    CHECK(p.clone == 6, "clone at %u", p.clone);
    for (unsigned op = 1; op <= OP_MAX; op++)
        if (plan_op_name(op))
            CHECK(find(&p, op, 0) != NULL, "op %s missing", plan_op_name(op));

    const struct step *s = find(&p, OP_SETNS, 0);
    CHECK(!strcmp(s->f[0].s, "/proc/1/ns/uts") && s->f[1].u == CLONE_NEWUTS, "SETNS fields");
    s = find(&p, OP_WRITE_FILE, 0);
    CHECK(s->f[1].b.n == 3 && !memcmp(s->f[1].b.p, "x\0y", 3), "WRITE_FILE keeps NUL in bytes");
    s = find(&p, OP_MONITOR, 0);
    CHECK(!strcmp(s->f[0].s, "/run/exit") && s->f[1].u == (MONITOR_SETSID | MONITOR_HOLD_OUTPUT),
          "MONITOR fields");
    s = find(&p, OP_CLONE, 0);
    CHECK(s->f[0].u == (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER), "CLONE flags");
    s = find(&p, OP_MOUNT, 0);
    CHECK(!strcmp(s->f[0].s, "proc") && !strcmp(s->f[1].s, "/proc") && !strcmp(s->f[2].s, "proc") &&
              s->f[3].u == (MS_NOSUID | MS_NODEV) && !strcmp(s->f[4].s, ""),
          "MOUNT fields");
    s = find(&p, OP_MKNOD, 0);
    CHECK(s->f[1].u == 020666 && s->f[2].u == 0x103 && s->f[3].u == 0 && s->f[4].u == 5,
          "MKNOD fields");
    s = find(&p, OP_SETRLIMIT, 0);
    CHECK(s->f[0].u == 7 && s->f[1].u == 1024 && s->f[2].u == UINT64_MAX, "SETRLIMIT fields");
    s = find(&p, OP_SETGROUPS, 0);
    CHECK(s->f[0].g.n == 3 && s->f[0].g.p[0] == 10 && s->f[0].g.p[2] == 30, "SETGROUPS fields");
    s = find(&p, OP_CAPSET, 0);
    CHECK(s->f[0].u == 1 && s->f[1].u == 2 && s->f[2].u == 1ull << 40, "CAPSET fields");
    s = find(&p, OP_SECCOMP, 0);
    CHECK(s->f[1].b.n == 16 && ((uintptr_t)s->f[1].b.p & 7) == 0, "SECCOMP program aligned");
    s = find(&p, OP_TERMINAL, 0);
    CHECK(s->f[0].u == 24 && s->f[1].u == 80 && s->f[2].u == 1000, "TERMINAL fields");
    s = find(&p, OP_HOOK, 0);
    CHECK(!strcmp(s->f[1].v[0], "hook") && !strcmp(s->f[1].v[2], "") && !s->f[1].v[3] &&
              !s->f[2].v[0] && s->f[3].u == 5 && s->f[4].u == 1,
          "HOOK fields");
    s = find(&p, OP_EXEC, 0);
    CHECK(!strcmp(s->f[0].s, "sh") && !strcmp(s->f[1].v[2], "echo hi") && !s->f[1].v[3] &&
              !strcmp(s->f[2].v[1], "TERM=xterm") && !s->f[2].v[2],
          "EXEC fields");
    CHECK(find(&p, OP_UNSHARE, 1) && find(&p, OP_WRITE_FILE, 1), "B ops in both phases");
    plan_free(&p);
    pb_free(&b);
}

static void expect_reject(const char *name, struct pb *b, uint32_t step)
{
    struct plan p;
    struct plan_error e = {12345, ""};
    errno = 0;
    int r = plan_decode(b->buf, b->len, &p, &e);
    CHECK(r < 0, "%s: decoded, want rejection at step %u", name, step);
    if (r == 0) {
        plan_free(&p);
        return;
    }
    CHECK(errno == EINVAL, "%s: errno %d, want EINVAL", name, errno);
    CHECK(e.step == step, "%s: rejected at step %u, want %u (%s)", name, e.step, step, e.detail);
    CHECK(e.detail[0] != 0, "%s: no detail", name);
    if (getenv("VERBOSE"))
        fprintf(stderr, "%-40s step %-10u %s\n", name, e.step, e.detail);
}

/* Starts a plan with a CLONE as step 0. */
static void cloned(struct pb *b)
{
    pb_init(b);
    pb_step(b, OP_CLONE), pb_u64(b, 0);
}

static void test_header(void)
{
    struct pb b;
    cloned(&b), ready_exec(&b), pb_finish(&b);
    b.buf[0] ^= 1;
    expect_reject("bad magic", &b, PLAN_NO_STEP);
    b.buf[0] ^= 1;
    b.buf[4] = 2;
    expect_reject("bad version", &b, PLAN_NO_STEP);
    b.buf[4] = 1;
    size_t len = b.len;
    b.len = 11;
    expect_reject("short header", &b, PLAN_NO_STEP);
    b.len = len;
    pb_raw(&b, "x", 1);
    expect_reject("trailing byte", &b, PLAN_NO_STEP);
    pb_free(&b);

    pb_init(&b), pb_finish(&b);
    expect_reject("empty plan (no CLONE)", &b, PLAN_NO_STEP);
    pb_free(&b);

    cloned(&b), ready_exec(&b), pb_finish(&b);
    b.buf[8] = 0x01, b.buf[9] = 0x10; /* 4097 steps claimed */
    expect_reject("more than 4096 steps", &b, PLAN_NO_STEP);
    pb_free(&b);

    /* 4096 steps is the limit, 4097 is over it */
    cloned(&b);
    for (int i = 0; i < 4093; i++)
        pb_step(&b, OP_UMASK), pb_u32(&b, 022);
    ready_exec(&b), pb_finish(&b);
    struct plan p;
    struct plan_error e;
    CHECK(plan_decode(b.buf, b.len, &p, &e) == 0 && p.nsteps == 4096, "4096 steps: %s", e.detail);
    if (p.steps)
        plan_free(&p);
    pb_free(&b);
    cloned(&b);
    for (int i = 0; i < 4094; i++)
        pb_step(&b, OP_UMASK), pb_u32(&b, 022);
    ready_exec(&b), pb_finish(&b);
    expect_reject("4097 real steps", &b, PLAN_NO_STEP);
    pb_free(&b);

    /* over 16 MiB: one WRITE_FILE with a big payload */
    pb_init(&b);
    pb_step(&b, OP_WRITE_FILE), pb_str(&b, "/x");
    uint8_t *big = calloc(1, PLAN_MAX_BYTES);
    pb_bytes(&b, big, PLAN_MAX_BYTES);
    free(big);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    ready_exec(&b), pb_finish(&b);
    expect_reject("plan over 16 MiB", &b, PLAN_NO_STEP);
    pb_free(&b);
}

static void test_steps(void)
{
    struct pb b;
    static const unsigned unknown[] = {0, 8, 19, 53, 100, 0xffff};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        cloned(&b);
        pb_step(&b, unknown[i]), pb_u32(&b, 0);
        ready_exec(&b), pb_finish(&b);
        char name[32];
        snprintf(name, sizeof name, "unknown op %u", unknown[i]);
        expect_reject(name, &b, 1);
        pb_free(&b);
    }

    pb_init(&b);
    pb_step(&b, OP_CLONE), pb_u32(&b, 0); /* u64 field, 4 bytes */
    ready_exec(&b), pb_finish(&b);
    expect_reject("short payload", &b, 0);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_SETHOSTNAME), pb_u32(&b, 10), pb_raw(&b, "abc", 3); /* str cut short */
    ready_exec(&b), pb_finish(&b);
    expect_reject("str longer than the payload", &b, 1);
    pb_free(&b);

    pb_init(&b);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0), pb_raw(&b, "", 1);
    ready_exec(&b), pb_finish(&b);
    expect_reject("long payload", &b, 0);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_READY), pb_u32(&b, 0);
    pb_step(&b, OP_EXEC), pb_str(&b, "/bin/true"), pb_strv(&b, NOARGS), pb_strv(&b, NOARGS);
    pb_finish(&b);
    expect_reject("payload on a field-less op", &b, 1);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_CHDIR), pb_bytes(&b, "a\0b", 3);
    ready_exec(&b), pb_finish(&b);
    expect_reject("NUL in str", &b, 1);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_READY);
    pb_step(&b, OP_EXEC), pb_str(&b, "/bin/true"), pb_u32(&b, 2), pb_str(&b, "a"),
        pb_bytes(&b, "b\0", 2), pb_strv(&b, NOARGS);
    pb_finish(&b);
    expect_reject("NUL in a strv entry", &b, 2);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_READY);
    pb_step(&b, OP_EXEC), pb_str(&b, "/bin/true"), pb_u32(&b, 1000), pb_str(&b, "a");
    pb_finish(&b);
    expect_reject("strv count overruns", &b, 2);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_SETGROUPS), pb_u32(&b, 5), pb_u32(&b, 1), pb_u32(&b, 2);
    ready_exec(&b), pb_finish(&b);
    expect_reject("u32v count overruns", &b, 1);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_CHDIR), pb_str(&b, "/");
    b.buf[b.step_at + 2] = 1; /* reserved */
    ready_exec(&b), pb_finish(&b);
    expect_reject("reserved not 0", &b, 1);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_CHDIR), pb_str(&b, "/");
    size_t at = b.step_at;
    pb_finish(&b);
    b.buf[at + 4] = 6; /* the last step's length: 6 bytes where 5 are left */
    expect_reject("step overruns the plan", &b, 1);
    pb_free(&b);

    cloned(&b), pb_finish(&b);
    pb_raw(&b, "\x31\x00\x00", 3);
    b.buf[8] = 2;
    expect_reject("truncated step header", &b, 1);
    pb_free(&b);
}

static void test_phases(void)
{
    struct pb b;
    pb_init(&b);
    pb_step(&b, OP_CHDIR), pb_str(&b, "/");
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    ready_exec(&b), pb_finish(&b);
    expect_reject("child op before CLONE", &b, 0);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_SETNS), pb_str(&b, "/proc/1/ns/net"), pb_u32(&b, 0);
    ready_exec(&b), pb_finish(&b);
    expect_reject("parent op after CLONE", &b, 1);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    ready_exec(&b), pb_finish(&b);
    expect_reject("two CLONEs", &b, 1);
    pb_free(&b);

    pb_init(&b);
    pb_step(&b, OP_UNSHARE), pb_u32(&b, 0);
    pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 0);
    pb_finish(&b);
    expect_reject("no CLONE", &b, PLAN_NO_STEP);
    pb_free(&b);

    /* Rules the shim adds beyond PLAN.md's list: a plan that would leave the launch hanging or
     * half-done, or that the kernel would refuse anyway, is refused before anything runs. */
    cloned(&b);
    pb_step(&b, OP_EXEC), pb_str(&b, "/bin/true"), pb_strv(&b, NOARGS), pb_strv(&b, NOARGS);
    pb_finish(&b);
    expect_reject("no READY", &b, PLAN_NO_STEP);
    pb_free(&b);

    cloned(&b), pb_step(&b, OP_READY), pb_finish(&b);
    expect_reject("no EXEC", &b, PLAN_NO_STEP);
    pb_free(&b);

    cloned(&b), ready_exec(&b);
    pb_step(&b, OP_CHDIR), pb_str(&b, "/");
    pb_finish(&b);
    expect_reject("step after EXEC", &b, 3);
    pb_free(&b);

    cloned(&b), pb_step(&b, OP_READY), ready_exec(&b), pb_finish(&b);
    expect_reject("two READYs", &b, 2);
    pb_free(&b);

    cloned(&b), pb_step(&b, OP_WAIT_FIFO), ready_exec(&b), pb_finish(&b);
    expect_reject("WAIT_FIFO without OPEN_FIFO", &b, 1);
    pb_free(&b);

    pb_init(&b);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0x100 /* CLONE_VM */);
    ready_exec(&b), pb_finish(&b);
    expect_reject("CLONE_VM", &b, 0);
    pb_free(&b);

    pb_init(&b);
    pb_step(&b, OP_MONITOR), pb_str(&b, ""), pb_u32(&b, 8);
    pb_step(&b, OP_CLONE), pb_u64(&b, 0);
    ready_exec(&b), pb_finish(&b);
    expect_reject("unknown MONITOR flags", &b, 0);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_SECCOMP), pb_u32(&b, 0), pb_bytes(&b, "1234567", 7);
    ready_exec(&b), pb_finish(&b);
    expect_reject("seccomp program not a multiple of 8", &b, 1);
    pb_free(&b);

    cloned(&b);
    pb_step(&b, OP_CAPBSET), pb_u64(&b, 0), pb_u32(&b, 64);
    ready_exec(&b), pb_finish(&b);
    expect_reject("CAPBSET last_cap 64", &b, 1);
    pb_free(&b);
}

static void test_states(void)
{
    struct pb b;
    pb_states(&b, ARGV("creating", "", "created"));
    char **states;
    uint32_t n;
    void *mem;
    CHECK(plan_decode_states(b.buf, b.len, &states, &n, &mem) == 0 && n == 3 &&
              !strcmp(states[0], "creating") && !strcmp(states[1], "") && !states[3],
          "GO states");
    free(mem);
    pb_raw(&b, "x", 1);
    CHECK(plan_decode_states(b.buf, b.len, &states, &n, &mem) < 0 && errno == EINVAL,
          "GO with a trailing byte");
    pb_free(&b);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* The decoder's promises on any input: a decoded plan is well formed, a rejection names a step
 * that the header announced (or none), and nothing crashes or leaks (under ASan). */
static void decode_any(const uint8_t *buf, size_t len)
{
    struct plan p;
    struct plan_error e = {0, ""};
    if (plan_decode(buf, len, &p, &e) == 0) {
        CHECK(p.nsteps >= 3 && p.nsteps <= PLAN_MAX_STEPS && p.clone < p.nsteps &&
                  p.steps[p.clone].op == OP_CLONE && p.steps[p.nsteps - 1].op == OP_EXEC,
              "random input decoded to a malformed plan");
        plan_free(&p);
    } else {
        uint32_t announced = len >= 12 ? (uint32_t)(buf[8] | buf[9] << 8 | buf[10] << 16 |
                                                    (uint32_t)buf[11] << 24)
                                       : 0;
        CHECK(errno == EINVAL || errno == ENOMEM, "errno %d", errno);
        CHECK(e.step == PLAN_NO_STEP || e.step < announced, "step %u of %u", e.step, announced);
    }
}

static void test_random(void)
{
    struct pb full;
    build_full(&full);
    for (size_t cut = 0; cut < full.len; cut++)
        decode_any(full.buf, cut);
    uint8_t *buf = malloc(full.len + 64);
    for (int round = 0; round < 6000; round++) {
        size_t len;
        if (round < 1000) { /* noise behind a valid header */
            len = 12 + next() % 256;
            for (size_t i = 0; i < len; i++)
                buf[i] = (uint8_t)next();
            memcpy(buf, full.buf, 8);
            buf[8] = (uint8_t)(next() % 8), buf[9] = buf[10] = buf[11] = 0;
        } else { /* a few mutations of the full plan */
            len = full.len;
            memcpy(buf, full.buf, len);
            for (int k = 1 + next() % 4; k > 0; k--) {
                switch (next() % 4) {
                case 0:
                    buf[next() % len] ^= (uint8_t)(1u << (next() % 8));
                    break;
                case 1:
                    buf[next() % len] = (uint8_t)next();
                    break;
                case 2:
                    len -= next() % (len - 12);
                    break;
                case 3:
                    buf[12 + next() % (len - 12)] = (uint8_t)(0xff * (next() & 1));
                    break;
                }
            }
        }
        decode_any(buf, len);
    }
    free(buf);
    pb_free(&full);
}

/* With PLAN_SEED_DIR set, leaves the full plan there as a seed for the fuzzer. */
static void write_seed(void)
{
    const char *dir = getenv("PLAN_SEED_DIR");
    if (!dir)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/full-plan", dir);
    struct pb b;
    build_full(&b);
    FILE *f = fopen(path, "w");
    CHECK(f && fwrite(b.buf, 1, b.len, f) == b.len, "write %s", path);
    if (f)
        fclose(f);
    pb_free(&b);
}

int main(void)
{
    write_seed();
    test_full_plan();
    test_header();
    test_steps();
    test_phases();
    test_states();
    test_random();
    if (failures)
        fprintf(stderr, "plan_test: %d failures\n", failures);
    return failures ? 1 : 0;
}
