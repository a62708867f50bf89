/*
 * The cloned child: it waits for GO, runs the child-phase steps in order and ends in EXEC.
 * Any failure is sent to the shim as ERROR (step index, errno, detail), and the child exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "control.h"
#include "shim.h"

/* Reports a failed step. Once a detached shim has gone (after READY) nobody listens on the
 * socketpair, so the message goes to stderr, which is the container's. */
static _Noreturn void fail(struct step_ctx *ctx, uint32_t step, int err, uint16_t op)
{
    const char *detail = ctx->detail;
    if (msg_send_error(ctx->sync, step, err, detail) < 0) {
        const char *name = plan_op_name(op);
        dprintf(2, "berth-shim: step %u (%s): %s\n", step, name ? name : "?",
                *detail ? detail : strerror(err));
    }
    /* An exec that failed exits as a shell's would: 127 not found, 126 not runnable. */
    _exit(op != OP_EXEC ? 1 : err == ENOENT ? 127 : 126);
}

static void reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL); /* the dispositions main() sets */
    signal(SIGCHLD, SIG_DFL);
}

void child_main(const struct plan *plan, struct step_ctx *ctx)
{
    reset_signals();
    /* Die with the shim until READY: a launch given up half-way leaves nothing behind. (The
     * kernel also clears this on a change of credentials; the socketpair's EOF covers that.) */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

    struct msg go;
    if (msg_recv(ctx->sync, &go, MSG_MAX_BYTES) != 1 || go.type != MSG_GO)
        _exit(1); /* the shim went away, or gave up */
    void *mem;
    if (plan_decode_states(go.data, go.len, &ctx->states, &ctx->nstates, &mem) < 0) {
        snprintf(ctx->detail, sizeof ctx->detail, "malformed GO message");
        fail(ctx, PLAN_NO_STEP, errno, 0);
    }
    msg_free(&go);

    for (uint32_t i = plan->clone + 1; i < plan->nsteps; i++) {
        const struct step *s = &plan->steps[i];
        ctx->detail[0] = 0;
        if (step_run(s, ctx) < 0)
            fail(ctx, i, errno, s->op);
    }
    _exit(1); /* not reached: the decoder makes EXEC the last step */
}
