/*
 * A tiny plan builder for the tests: writes plans in PLAN.md's encoding, step by step, so that
 * no test carries hand-typed bytes.
 *
 *   struct pb b;
 *   pb_init(&b);
 *   pb_step(&b, OP_CLONE); pb_u64(&b, 0);
 *   pb_step(&b, OP_READY);
 *   pb_step(&b, OP_EXEC); pb_str(&b, "/bin/true"); pb_strv(&b, ARGV("true")); pb_strv(&b, ARGV());
 *   pb_finish(&b);   // b.buf, b.len
 */
#ifndef BERTH_PLANBUILD_H
#define BERTH_PLANBUILD_H

#include <stddef.h>
#include <stdint.h>

struct pb {
    uint8_t *buf;
    size_t len, cap;
    size_t step_at;  /* offset of the open step's header, 0 if none */
    uint32_t nsteps;
};

/* A NULL-terminated string list literal. */
#define ARGV(...) ((const char *const[]){__VA_ARGS__ __VA_OPT__(, ) NULL})

void pb_init(struct pb *b);              /* header with magic and version */
void pb_step(struct pb *b, unsigned op); /* closes the open step, opens a new one */
void pb_finish(struct pb *b);            /* closes the last step, writes nsteps */
void pb_free(struct pb *b);

void pb_u16(struct pb *b, uint16_t v);
void pb_u32(struct pb *b, uint32_t v);
void pb_u64(struct pb *b, uint64_t v);
void pb_raw(struct pb *b, const void *p, size_t n);
void pb_bytes(struct pb *b, const void *p, uint32_t n);
void pb_str(struct pb *b, const char *s);
void pb_strv(struct pb *b, const char *const *v);
void pb_u32v(struct pb *b, const uint32_t *v, uint32_t n);

/* A GO payload (strv of states). */
void pb_states(struct pb *b, const char *const *states);

#endif
