/*
 * The two processes of a launch (PLAN.md, "Sync points"): the shim, which talks to Java and
 * stays as the monitor in monitor mode, and the child it clones, which runs the child-phase
 * steps and becomes the container process. They talk over a socketpair with the control
 * socket's framing (control.h).
 */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"
#include "steps.h"

/* The signals a monitoring shim passes on to the container process. */
#define FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH

struct shim {
    int ctl;               /* control socket; -1 once Java went away (monitor mode only) */
    int sync;              /* socketpair to the child; -1 once it reached EOF (the exec) */
    int sigfd;             /* signalfd of FORWARDED_SIGNALS and SIGCHLD (monitor mode) */
    pid_t child;
    int master;            /* pty master to copy to and from stdio, or -1 */
    bool monitor;
    const char *exit_file; /* "" for none; the path, for messages */
    int exit_dir;          /* the exit file's directory (O_PATH), opened by MONITOR */
    const char *exit_name; /* the exit file's name in exit_dir */
};

/* child.c: runs the child-phase steps after GO; ends in the exec or _exit. */
_Noreturn void child_main(const struct plan *plan, struct step_ctx *ctx);

/* monitor.c: after READY in monitor mode; exits with the container's exit code. */
_Noreturn void monitor_run(struct shim *s);

/* SIGKILL the child and wait for it; returns its wait status. */
int kill_and_reap(pid_t child);

#endif
