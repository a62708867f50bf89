/*
 * The launch plan decoder. See plan.h and PLAN.md.
 *
 * Each op is described by a row of OPS: its name, its phase and its field list, one letter a
 * field in PLAN.md's order. The decoder walks the letters, so adding an op is one row here and
 * one case in steps.c; there is no per-op parsing code to get wrong.
 */
#define _GNU_SOURCE
#include "plan.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field letters: h u16, u u32, q u64, s str, b bytes, v strv, g u32v. */
struct opdef {
    const char *name;
    char phase; /* 'P' parent only, 'C' child only, 'B' both */
    const char *fields;
};

static const struct opdef OPS[OP_MAX + 1] = {
    [OP_SETNS] = {"SETNS", 'P', "su"},
    [OP_UNSHARE] = {"UNSHARE", 'B', "u"},
    [OP_WRITE_FILE] = {"WRITE_FILE", 'B', "sb"},
    [OP_MKFIFO] = {"MKFIFO", 'P', "su"},
    [OP_CONSOLE_SOCKET] = {"CONSOLE_SOCKET", 'P', "s"},
    [OP_MONITOR] = {"MONITOR", 'P', "su"},
    [OP_CLONE] = {"CLONE", 'P', "q"},
    [OP_SETHOSTNAME] = {"SETHOSTNAME", 'C', "s"},
    [OP_SETDOMAINNAME] = {"SETDOMAINNAME", 'C', "s"},
    [OP_MOUNT] = {"MOUNT", 'C', "sssqs"},
    [OP_MKDIR] = {"MKDIR", 'C', "su"},
    [OP_MKFILE] = {"MKFILE", 'C', "su"},
    [OP_MKNOD] = {"MKNOD", 'C', "suquu"},
    [OP_SYMLINK] = {"SYMLINK", 'C', "ss"},
    [OP_PIVOT_ROOT] = {"PIVOT_ROOT", 'C', "s"},
    [OP_CHROOT] = {"CHROOT", 'C', "s"},
    [OP_MASK] = {"MASK", 'C', "s"},
    [OP_READONLY] = {"READONLY", 'C', "s"},
    [OP_REMOUNT] = {"REMOUNT", 'C', "sq"},
    [OP_SETRLIMIT] = {"SETRLIMIT", 'C', "uqq"},
    [OP_NO_NEW_PRIVS] = {"NO_NEW_PRIVS", 'C', ""},
    [OP_PERSONALITY] = {"PERSONALITY", 'C', "u"},
    [OP_UMASK] = {"UMASK", 'C', "u"},
    [OP_KEEPCAPS] = {"KEEPCAPS", 'C', "u"},
    [OP_CAPBSET] = {"CAPBSET", 'C', "qu"},
    [OP_SETGROUPS] = {"SETGROUPS", 'C', "g"},
    [OP_SETGID] = {"SETGID", 'C', "u"},
    [OP_SETUID] = {"SETUID", 'C', "u"},
    [OP_CAPSET] = {"CAPSET", 'C', "qqq"},
    [OP_AMBIENT] = {"AMBIENT", 'C', "q"},
    [OP_SECCOMP] = {"SECCOMP", 'C', "ub"},
    [OP_CHDIR] = {"CHDIR", 'C', "s"},
    [OP_SETSID] = {"SETSID", 'C', ""},
    [OP_TERMINAL] = {"TERMINAL", 'C', "hhuu"},
    [OP_HOOK] = {"HOOK", 'C', "svvuu"},
    [OP_OPEN_FIFO] = {"OPEN_FIFO", 'C', "s"},
    [OP_READY] = {"READY", 'C', ""},
    [OP_WAIT_FIFO] = {"WAIT_FIFO", 'C', ""},
    [OP_CLOSE_FDS] = {"CLOSE_FDS", 'C', "u"},
    [OP_EXEC] = {"EXEC", 'C', "svv"},
};

/* The flags CLONE may carry: new namespaces only. CLONE_VM, CLONE_THREAD, ... would break the
 * fork-like raw clone, and the low byte is the exit signal, which the shim sets itself. */
#define CLONE_NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
                        CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

const char *plan_op_name(unsigned op)
{
    return op <= OP_MAX ? OPS[op].name : NULL;
}

/* A bump allocator over one block, sized up front so decoding needs a single malloc. */
struct arena {
    uint8_t *base;
    size_t used, cap;
};

/*
 * Every str of n bytes needs n+1 bytes (wire: 4+n); bytes and u32v need their own size plus
 * alignment; a strv of c entries needs 8(c+1) bytes of pointers (wire: at least 4+4c). So four
 * times the wire size plus a little always suffices.
 */
static size_t arena_size(size_t len)
{
    return 4 * len + 64;
}

static void *arena_alloc(struct arena *a, size_t size, size_t align)
{
    size_t at = (a->used + align - 1) & ~(align - 1);
    if (at > a->cap || size > a->cap - at)
        return NULL;
    a->used = at + size;
    return a->base + at;
}

struct reader {
    const uint8_t *p;
    size_t n;
};

static bool take(struct reader *r, size_t n, const uint8_t **out)
{
    if (r->n < n)
        return false;
    *out = r->p;
    r->p += n;
    r->n -= n;
    return true;
}

static uint64_t le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static bool read_int(struct reader *r, int bytes, uint64_t *v)
{
    const uint8_t *p;
    if (!take(r, bytes, &p))
        return false;
    *v = le(p, bytes);
    return true;
}

/* Why a field failed to decode; the caller adds which step. */
enum fail { OK, SHORT, HAS_NUL, OVERRUN, NOMEM };

static enum fail read_str(struct reader *r, struct arena *a, const char **out)
{
    uint64_t n;
    const uint8_t *p;
    if (!read_int(r, 4, &n) || !take(r, n, &p))
        return SHORT;
    if (memchr(p, 0, n))
        return HAS_NUL;
    char *s = arena_alloc(a, n + 1, 1);
    if (!s)
        return NOMEM;
    memcpy(s, p, n);
    s[n] = 0;
    *out = s;
    return OK;
}

static enum fail read_field(struct reader *r, char type, struct arena *a, union field *f)
{
    uint64_t n;
    const uint8_t *p;
    switch (type) {
    case 'h':
        return read_int(r, 2, &f->u) ? OK : SHORT;
    case 'u':
        return read_int(r, 4, &f->u) ? OK : SHORT;
    case 'q':
        return read_int(r, 8, &f->u) ? OK : SHORT;
    case 's':
        return read_str(r, a, &f->s);
    case 'b': {
        if (!read_int(r, 4, &n) || !take(r, n, &p))
            return SHORT;
        /* 8-aligned: a seccomp program is used in place as struct sock_filter[]. */
        uint8_t *copy = arena_alloc(a, n ? n : 1, 8);
        if (!copy)
            return NOMEM;
        memcpy(copy, p, n);
        f->b.p = copy;
        f->b.n = (uint32_t)n;
        return OK;
    }
    case 'v': {
        if (!read_int(r, 4, &n))
            return SHORT;
        if (n > r->n / 4) /* each str takes at least its 4-byte length */
            return OVERRUN;
        char **v = arena_alloc(a, (n + 1) * sizeof(char *), sizeof(char *));
        if (!v)
            return NOMEM;
        for (uint64_t i = 0; i < n; i++) {
            enum fail e = read_str(r, a, (const char **)&v[i]);
            if (e != OK)
                return e;
        }
        v[n] = NULL;
        f->v = v;
        return OK;
    }
    case 'g': {
        if (!read_int(r, 4, &n))
            return SHORT;
        if (n > r->n / 4)
            return OVERRUN;
        uint32_t *g = arena_alloc(a, n ? n * 4 : 4, 4);
        if (!g)
            return NOMEM;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t x = 0;
            read_int(r, 4, &x); /* cannot fail: n <= r->n / 4 */
            g[i] = (uint32_t)x;
        }
        f->g.p = g;
        f->g.n = (uint32_t)n;
        return OK;
    }
    }
    return SHORT;
}

static int reject(struct plan_error *err, uint32_t step, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int reject(struct plan_error *err, uint32_t step, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->step = step;
    vsnprintf(err->detail, sizeof err->detail, fmt, ap);
    va_end(ap);
    errno = EINVAL;
    return -1;
}

/* Checks of one decoded step that go beyond its shape. */
static const char *check_fields(const struct step *s)
{
    switch (s->op) {
    case OP_CLONE:
        if (s->f[0].u & ~(uint64_t)CLONE_NS_FLAGS)
            return "flags other than CLONE_NEW*";
        break;
    case OP_MONITOR:
        if (s->f[1].u & ~(uint64_t)(MONITOR_SETSID | MONITOR_HOLD_OUTPUT | MONITOR_HOLD_INPUT))
            return "unknown flags";
        break;
    case OP_SECCOMP:
        /* struct sock_fprog counts 8-byte instructions in an unsigned short */
        if (s->f[1].b.n == 0 || s->f[1].b.n % 8 || s->f[1].b.n / 8 > 0xFFFF)
            return "program is not 1 to 65535 8-byte instructions";
        break;
    case OP_CAPBSET:
        if (s->f[1].u > 63)
            return "last_cap over 63";
        break;
    }
    return NULL;
}

/* What the plan has seen so far, for the rules that span steps. */
struct seen {
    bool clone, ready, exec, open_fifo, monitor, console, terminal;
};

static const char *check_order(const struct step *s, struct seen *seen)
{
    const struct opdef *d = &OPS[s->op];
    if (seen->exec)
        return "step after EXEC";
    switch (s->op) {
    case OP_CLONE:
        if (seen->clone)
            return "second CLONE";
        seen->clone = true;
        return NULL;
    case OP_READY:
        if (seen->ready)
            return "second READY";
        seen->ready = true;
        break;
    case OP_EXEC:
        seen->exec = true;
        break;
    case OP_OPEN_FIFO:
        seen->open_fifo = true;
        break;
    case OP_WAIT_FIFO:
        if (!seen->open_fifo)
            return "WAIT_FIFO without OPEN_FIFO";
        break;
    case OP_MONITOR:
        if (seen->monitor)
            return "second MONITOR";
        seen->monitor = true;
        break;
    case OP_CONSOLE_SOCKET:
        if (seen->console)
            return "second CONSOLE_SOCKET";
        seen->console = true;
        break;
    case OP_TERMINAL:
        if (seen->terminal)
            return "second TERMINAL";
        seen->terminal = true;
        break;
    }
    if (d->phase == 'P' && seen->clone)
        return "parent-phase op after CLONE";
    if (d->phase == 'C' && !seen->clone)
        return "child-phase op before CLONE";
    return NULL;
}

static const char *const FAILS[] = {
    [SHORT] = "payload too short",
    [HAS_NUL] = "string contains a NUL byte",
    [OVERRUN] = "count overruns the payload",
};

static int decode_steps(const uint8_t *buf, size_t len, struct plan *out, struct arena *a,
                        struct plan_error *err)
{
    struct seen seen = {0};
    size_t off = 12;
    for (uint32_t i = 0; i < out->nsteps; i++) {
        struct step *s = &out->steps[i];
        if (len - off < 8)
            return reject(err, i, "step header truncated");
        unsigned op = (unsigned)le(buf + off, 2);
        unsigned reserved = (unsigned)le(buf + off + 2, 2);
        uint64_t length = le(buf + off + 4, 4);
        off += 8;
        if (op > OP_MAX || !OPS[op].name)
            return reject(err, i, "unknown op %u", op);
        const struct opdef *d = &OPS[op];
        if (reserved != 0)
            return reject(err, i, "%s: reserved field is %u, not 0", d->name, reserved);
        if (length > len - off)
            return reject(err, i, "%s: payload of %llu bytes overruns the plan", d->name,
                          (unsigned long long)length);
        struct reader r = {buf + off, length};
        s->op = (uint16_t)op;
        for (int k = 0; d->fields[k]; k++) {
            enum fail e = read_field(&r, d->fields[k], a, &s->f[k]);
            if (e == NOMEM) {
                errno = ENOMEM;
                return -1;
            }
            if (e != OK)
                return reject(err, i, "%s: field %d: %s", d->name, k + 1, FAILS[e]);
        }
        if (r.n)
            return reject(err, i, "%s: payload has %zu bytes too many", d->name, r.n);
        const char *why = check_fields(s);
        if (!why)
            why = check_order(s, &seen);
        if (why)
            return reject(err, i, "%s: %s", d->name, why);
        if (op == OP_CLONE)
            out->clone = i;
        off += length;
    }
    if (off != len)
        return reject(err, PLAN_NO_STEP, "%zu bytes after the last step", len - off);
    if (!seen.clone)
        return reject(err, PLAN_NO_STEP, "plan has no CLONE");
    if (!seen.ready)
        return reject(err, PLAN_NO_STEP, "plan has no READY");
    if (!seen.exec)
        return reject(err, PLAN_NO_STEP, "plan does not end with EXEC");
    return 0;
}

int plan_decode(const uint8_t *buf, size_t len, struct plan *out, struct plan_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > PLAN_MAX_BYTES)
        return reject(err, PLAN_NO_STEP, "plan of %zu bytes is over 16 MiB", len);
    if (len < 12)
        return reject(err, PLAN_NO_STEP, "plan is shorter than its header");
    if (le(buf, 4) != PLAN_MAGIC)
        return reject(err, PLAN_NO_STEP, "bad magic 0x%08x", (unsigned)le(buf, 4));
    if (le(buf + 4, 4) != PLAN_VERSION)
        return reject(err, PLAN_NO_STEP, "unsupported version %u", (unsigned)le(buf + 4, 4));
    uint64_t nsteps = le(buf + 8, 4);
    if (nsteps > PLAN_MAX_STEPS)
        return reject(err, PLAN_NO_STEP, "%llu steps, over %u", (unsigned long long)nsteps,
                      PLAN_MAX_STEPS);

    struct arena a = {malloc(arena_size(len)), 0, arena_size(len)};
    out->steps = calloc(nsteps ? nsteps : 1, sizeof *out->steps);
    if (!a.base || !out->steps) {
        free(a.base);
        free(out->steps);
        out->steps = NULL;
        errno = ENOMEM;
        return -1;
    }
    out->nsteps = (uint32_t)nsteps;
    out->arena = a.base;
    if (decode_steps(buf, len, out, &a, err) < 0) {
        int e = errno;
        plan_free(out);
        errno = e;
        return -1;
    }
    return 0;
}

void plan_free(struct plan *p)
{
    free(p->steps);
    free(p->arena);
    memset(p, 0, sizeof *p);
}

int plan_decode_states(const uint8_t *buf, size_t len, char ***states, uint32_t *count, void **mem)
{
    struct arena a = {malloc(arena_size(len)), 0, arena_size(len)};
    if (!a.base) {
        errno = ENOMEM;
        return -1;
    }
    struct reader r = {buf, len};
    union field f;
    enum fail e = read_field(&r, 'v', &a, &f);
    if (e != OK || r.n) {
        free(a.base);
        errno = e == NOMEM ? ENOMEM : EINVAL;
        return -1;
    }
    *states = f.v;
    for (*count = 0; f.v[*count]; ++*count)
        ;
    *mem = a.base;
    return 0;
}
