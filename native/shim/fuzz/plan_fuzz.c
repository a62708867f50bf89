/*
 * libFuzzer target for the plan decoder (`make fuzz`, needs clang):
 *
 *   build/plan_fuzz -max_len=65536 -max_total_time=60 [corpus-dir]
 *
 * The plan is the one input the shim takes from outside, and it arrives before anything else
 * is checked, so the decoder must survive every byte string. Besides crashes and leaks
 * (ASan/UBSan), this checks the decoder's promises: a decoded plan is well formed, and a
 * rejection names a step the header announced, or none.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct plan p;
    struct plan_error e;
    if (plan_decode(data, size, &p, &e) == 0) {
        if (p.nsteps > PLAN_MAX_STEPS || p.clone >= p.nsteps || p.steps[p.clone].op != OP_CLONE ||
            p.steps[p.nsteps - 1].op != OP_EXEC)
            abort();
        plan_free(&p);
    } else if (errno == EINVAL) {
        uint32_t announced = size >= 12 ? (uint32_t)data[8] | (uint32_t)data[9] << 8 |
                                              (uint32_t)data[10] << 16 | (uint32_t)data[11] << 24
                                        : 0;
        if (e.step != PLAN_NO_STEP && e.step >= announced)
            abort();
    }
    /* The GO payload goes through the same field decoder. */
    char **states;
    uint32_t count;
    void *mem;
    if (plan_decode_states(data, size, &states, &count, &mem) == 0)
        free(mem);
    return 0;
}
