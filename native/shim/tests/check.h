/* The tests' one assertion: on failure it says where and why, counts, and carries on. */
#ifndef BERTH_CHECK_H
#define BERTH_CHECK_H

#include <stdio.h>

extern int failures;

#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            failures++;                                                                       \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                              \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
        }                                                                                     \
    } while (0)

#define NOARGS ((const char *const[]){NULL})

#endif
