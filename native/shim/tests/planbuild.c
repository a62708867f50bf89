/* The tests' plan builder; see planbuild.h. */
#include "planbuild.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"

static void put(struct pb *b, size_t at, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        b->buf[at + i] = (uint8_t)(v >> (8 * i));
}

void pb_raw(struct pb *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->buf = realloc(b->buf, b->cap);
        if (!b->buf)
            abort();
    }
    if (n)
        memcpy(b->buf + b->len, p, n);
    b->len += n;
}

static void put_int(struct pb *b, uint64_t v, int bytes)
{
    uint8_t tmp[8];
    for (int i = 0; i < bytes; i++)
        tmp[i] = (uint8_t)(v >> (8 * i));
    pb_raw(b, tmp, (size_t)bytes);
}

void pb_u16(struct pb *b, uint16_t v) { put_int(b, v, 2); }
void pb_u32(struct pb *b, uint32_t v) { put_int(b, v, 4); }
void pb_u64(struct pb *b, uint64_t v) { put_int(b, v, 8); }

void pb_bytes(struct pb *b, const void *p, uint32_t n)
{
    pb_u32(b, n);
    pb_raw(b, p, n);
}

void pb_str(struct pb *b, const char *s)
{
    pb_bytes(b, s, (uint32_t)strlen(s));
}

void pb_strv(struct pb *b, const char *const *v)
{
    uint32_t n = 0;
    while (v[n])
        n++;
    pb_u32(b, n);
    for (uint32_t i = 0; i < n; i++)
        pb_str(b, v[i]);
}

void pb_u32v(struct pb *b, const uint32_t *v, uint32_t n)
{
    pb_u32(b, n);
    for (uint32_t i = 0; i < n; i++)
        pb_u32(b, v[i]);
}

void pb_init(struct pb *b)
{
    memset(b, 0, sizeof *b);
    pb_u32(b, PLAN_MAGIC);
    pb_u32(b, PLAN_VERSION);
    pb_u32(b, 0);
}

static void close_step(struct pb *b)
{
    if (b->step_at)
        put(b, b->step_at + 4, b->len - b->step_at - 8, 4);
    b->step_at = 0;
}

void pb_step(struct pb *b, unsigned op)
{
    close_step(b);
    b->step_at = b->len;
    pb_u16(b, (uint16_t)op);
    pb_u16(b, 0);
    pb_u32(b, 0);
    b->nsteps++;
}

void pb_finish(struct pb *b)
{
    close_step(b);
    put(b, 8, b->nsteps, 4);
}

void pb_free(struct pb *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

void pb_states(struct pb *b, const char *const *states)
{
    memset(b, 0, sizeof *b);
    pb_strv(b, states);
}
