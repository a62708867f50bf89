/*
 * The e2e tests' stand-in for Java (ShimProcess): spawn the shim with a control socket, speak
 * PLAN.md's control messages, and look at what is left afterwards.
 */
#ifndef BERTH_HARNESS_H
#define BERTH_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "check.h"
#include "control.h"
#include "plan.h"
#include "planbuild.h"

#define TIMEOUT_MS 10000

extern const char *shim_path; /* the berth-shim under test */
extern char tmp[64];          /* the tests' temporary directory */

struct run {
    pid_t pid;     /* the shim */
    int conn;      /* its control socket */
    pid_t child;   /* from PID, or 0 */
};

struct tmsg {
    uint32_t type, len;
    uint8_t data[4096];
};

/* A path in tmp; the last 8 results stay valid. */
const char *in_tmp(const char *name);
uint32_t le32(const uint8_t *p);

/* Spawns the shim as Java does: stdin `in` (or /dev/null), stdout `out` (or ours), our stderr,
 * and `extra` inherited as fd 5 when >= 0. Returns once it has connected. */
bool spawn_in(struct run *r, int in, int out, int extra);
bool spawn(struct run *r, int out, int extra);
/* Waits for the shim to exit; its wait status, or -1 after killing it on timeout. */
int wait_shim(struct run *r);
/* Closes the control socket and waits for the shim. */
void done(struct run *r);

/* 1: a message; 0: EOF; -1: timeout or error. */
int recv_msg(struct run *r, struct tmsg *m);
void send_msg(struct run *r, uint32_t type, const void *data, size_t len);
void send_plan(struct run *r, struct pb *b); /* finishes and frees b */
void send_go(struct run *r, const char *const *states);
void send_u32(struct run *r, uint32_t type, uint32_t v);
/* Receives one message and checks its type; an unexpected ERROR is shown in full. */
bool expect(struct run *r, uint32_t type, struct tmsg *m, const char *test);
void expect_error(struct run *r, uint32_t step, int err, const char *test);
/* Expects PID (kept in r->child), then sends GO. */
bool pid_then_go(struct run *r, const char *const *states, const char *test);
/* Expects EXIT; its wait status or -1. */
int exit_status(struct run *r, const char *test);

/* The process is gone (not even a zombie of ours). */
bool gone(pid_t pid);
/* Reaps a container process that outlived a detached shim and came back to us (we are a
 * subreaper); its wait status, or -1 after killing it on timeout. */
int reap_orphan(pid_t pid);
/* The first 4 KiB of a file, "" if unreadable; valid until the next call. */
char *slurp(const char *path);
/* A new file in tmp for a shim's stdout. */
int out_file(const char *name);
/* Root, and allowed to make namespaces; otherwise prints SKIP (a failure if
 * BERTH_REQUIRE_ROOT=1). */
bool have_root(const char *test);
/* An EXEC step of /bin/sh -c script. */
void exec_sh(struct pb *b, const char *script);

#endif
