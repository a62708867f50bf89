/*
 * The launch plan decoder (PLAN.md, "Encoding" and "Steps").
 *
 * The whole plan is decoded and checked before the shim acts on any of it, so a malformed plan
 * can never leave a half-made container behind. Decoding does no I/O: it is a pure function of
 * the bytes, which is what lets the fuzzer and the unit tests drive it directly.
 */
#ifndef BERTH_PLAN_H
#define BERTH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#define PLAN_MAGIC 0x50525442u /* "BTRP" */
#define PLAN_VERSION 1u
#define PLAN_MAX_BYTES (16u << 20)
#define PLAN_MAX_STEPS 4096u
#define PLAN_NO_STEP 0xFFFFFFFFu /* ERROR step index of failures not tied to one step */
#define PLAN_MAX_FIELDS 5

enum op {
    OP_SETNS = 1,
    OP_UNSHARE = 2,
    OP_WRITE_FILE = 3,
    OP_MKFIFO = 4,
    OP_CONSOLE_SOCKET = 5,
    OP_MONITOR = 6,
    OP_CLONE = 7,
    OP_SETHOSTNAME = 20,
    OP_SETDOMAINNAME = 21,
    OP_MOUNT = 22,
    OP_MKDIR = 23,
    OP_MKFILE = 24,
    OP_MKNOD = 25,
    OP_SYMLINK = 26,
    OP_PIVOT_ROOT = 27,
    OP_CHROOT = 28,
    OP_MASK = 29,
    OP_READONLY = 30,
    OP_REMOUNT = 31,
    OP_SETRLIMIT = 32,
    OP_NO_NEW_PRIVS = 33,
    OP_PERSONALITY = 34,
    OP_UMASK = 35,
    OP_KEEPCAPS = 36,
    OP_CAPBSET = 37,
    OP_SETGROUPS = 38,
    OP_SETGID = 39,
    OP_SETUID = 40,
    OP_CAPSET = 41,
    OP_AMBIENT = 42,
    OP_SECCOMP = 43,
    OP_CHDIR = 44,
    OP_SETSID = 45,
    OP_TERMINAL = 46,
    OP_HOOK = 47,
    OP_OPEN_FIFO = 48,
    OP_READY = 49,
    OP_WAIT_FIFO = 50,
    OP_CLOSE_FDS = 51,
    OP_EXEC = 52,
    OP_MAX = 52,
};

/* MONITOR flags */
#define MONITOR_SETSID 1u
#define MONITOR_HOLD_OUTPUT 2u
#define MONITOR_HOLD_INPUT 4u

/*
 * One decoded field. Which member is valid follows from the op's field list in plan.c (the
 * same order as the PLAN.md table): integers land in u, str in s (NUL-terminated), bytes in b,
 * strv in v (NULL-terminated, ready for execve) and u32v in g.
 */
union field {
    uint64_t u;
    const char *s;
    struct {
        const uint8_t *p;
        uint32_t n;
    } b;
    char **v;
    struct {
        const uint32_t *p;
        uint32_t n;
    } g;
};

struct step {
    uint16_t op;
    union field f[PLAN_MAX_FIELDS];
};

struct plan {
    uint32_t nsteps;
    uint32_t clone;   /* index of the CLONE step: steps before it are the parent's */
    struct step *steps;
    void *arena;      /* every string and vector of the plan, freed at once */
};

struct plan_error {
    uint32_t step;    /* offending step, or PLAN_NO_STEP for the header and the plan as a whole */
    char detail[160];
};

/*
 * Decodes and validates a whole plan. Returns 0, or -1 with errno EINVAL (and *err filled in)
 * for a malformed plan, or ENOMEM. On success the plan owns its memory; see plan_free.
 */
int plan_decode(const uint8_t *buf, size_t len, struct plan *out, struct plan_error *err);
void plan_free(struct plan *p);

/* The op's name from PLAN.md, or NULL for an unknown op. */
const char *plan_op_name(unsigned op);

/*
 * Decodes the payload of GO (a strv of state strings). *mem owns the strings; free() it.
 * Returns 0 or -1 with errno EINVAL / ENOMEM.
 */
int plan_decode_states(const uint8_t *buf, size_t len, char ***states, uint32_t *count, void **mem);

#endif
