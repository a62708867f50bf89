/*
 * HOOK: a program the container process runs itself (createContainer, startContainer), with
 * the container's state on its stdin, which must exit 0 within its timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "steps.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static _Noreturn void exec_hook(int in, const char *path, char **args, char **env)
{
    if (dup2(in, 0) < 0)
        _exit(127);
    if (in == 0)
        fcntl(0, F_SETFD, 0); /* dup2 onto itself keeps FD_CLOEXEC */
    signal(SIGPIPE, SIG_DFL);
    execve(path, args, env);
    _exit(127);
}

/* Waits for the hook while feeding it the state. The pipe is non-blocking and watched with the
 * hook's pidfd, so a hook that never reads its stdin cannot stall us past the timeout. Returns
 * 0 with its wait status, or -1 with errno (ETIMEDOUT: killed at the deadline). */
static int wait_hook(pid_t pid, int out, const char *state, uint32_t timeout_s, int *status)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    size_t left = strlen(state);
    if (!left)
        close(out);
    long long deadline = timeout_s ? now_ms() + timeout_s * 1000LL : 0;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            kill(pid, SIGKILL);
            if (left)
                close(out);
            if (pidfd >= 0)
                close(pidfd);
            return -1;
        }
        int wait_ms = -1;
        if (deadline) {
            long long rest = deadline - now_ms();
            if (rest <= 0) {
                kill(pid, SIGKILL);
                while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                    ;
                if (left)
                    close(out);
                if (pidfd >= 0)
                    close(pidfd);
                errno = ETIMEDOUT;
                return -1;
            }
            wait_ms = (int)(rest > 1000000 ? 1000000 : rest);
        }
        if (pidfd < 0 && (wait_ms < 0 || wait_ms > 10))
            wait_ms = 10; /* no pidfd_open (before Linux 5.3): poll waitpid */
        struct pollfd p[2] = {{pidfd, POLLIN, 0}, {left ? out : -1, POLLOUT, 0}};
        poll(p, 2, wait_ms); /* on EINTR the revents stay 0 */
        if (left && p[1].revents) {
            ssize_t n = write(out, state, left);
            if (n > 0) {
                state += n;
                left -= (size_t)n;
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                left = 0; /* the hook closed its stdin: it does not want the rest */
            }
            if (!left)
                close(out);
        }
    }
    if (left)
        close(out);
    if (pidfd >= 0)
        close(pidfd);
    return 0;
}

int hook_run(const char *path, char **args, char **env, uint32_t timeout_s, const char *state,
             char *detail, size_t detail_size)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(detail, detail_size, "pipe: %s", strerror(errno));
        return -1;
    }
    /* A hook that exits without reading its stdin must not kill us with SIGPIPE. */
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
    pid_t pid = fork();
    if (pid == 0)
        exec_hook(pipefd[0], path, args, env);
    int fork_errno = errno;
    close(pipefd[0]);
    int status = 0, r = -1;
    if (pid < 0) {
        close(pipefd[1]);
        snprintf(detail, detail_size, "fork: %s", strerror(fork_errno));
        errno = fork_errno;
    } else {
        fcntl(pipefd[1], F_SETFL, O_NONBLOCK);
        r = wait_hook(pid, pipefd[1], state, timeout_s, &status);
        if (r < 0 && errno == ETIMEDOUT)
            snprintf(detail, detail_size, "hook %s timed out after %us", path, timeout_s);
        else if (r < 0)
            snprintf(detail, detail_size, "wait for hook %s: %s", path, strerror(errno));
    }
    signal(SIGPIPE, old_pipe);
    if (r < 0)
        return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        snprintf(detail, detail_size, "hook %s killed by signal %d", path, WTERMSIG(status));
    else
        snprintf(detail, detail_size, "hook %s exited with status %d", path, WEXITSTATUS(status));
    errno = ECANCELED;
    return -1;
}
