/*
 * Messages on the control socket (PLAN.md, "Control messages") and on the socketpair between
 * the shim and its child, which uses the same framing: type u32 | length u32 | payload.
 */
#ifndef BERTH_CONTROL_H
#define BERTH_CONTROL_H

#include <stdint.h>

enum msg_type {
    MSG_PID = 1,     /* shim -> Java: u32 pid */
    MSG_READY = 2,   /* shim -> Java, and child -> shim */
    MSG_ERROR = 3,   /* shim -> Java, and child -> shim: u32 step, i32 errno, str detail */
    MSG_EXIT = 4,    /* shim -> Java: i32 wait status */
    MSG_PLAN = 10,   /* Java -> shim: the plan */
    MSG_GO = 11,     /* Java -> shim, and shim -> child: strv states */
    MSG_SIGNAL = 12, /* Java -> shim: u32 signo */
    MSG_RESIZE = 13, /* Java -> shim: u16 rows, u16 cols */
    MSG_MASTER = 100, /* child -> shim only: the pty master, as SCM_RIGHTS, no payload */
};

/* Messages other than PLAN are small; GO carries the hooks' state JSON. */
#define MSG_MAX_BYTES (16u << 20)

struct msg {
    uint32_t type;
    uint32_t len;
    uint8_t *data; /* malloc'd, len bytes (NULL when len is 0) */
    int fd;        /* a descriptor that came with the message (O_CLOEXEC), or -1 */
};

/* Sends one message; never raises SIGPIPE. Returns 0 or -1 with errno. */
int msg_send(int sock, uint32_t type, const void *data, uint32_t len);
/* Same, with fd passed as SCM_RIGHTS. */
int msg_send_fd(int sock, uint32_t type, const void *data, uint32_t len, int fd);
/* Sends fd as SCM_RIGHTS with name as the data and no framing: what runc sends over a
 * --console-socket, so that tools written for runc can receive our pty master. */
int fd_send_named(int sock, const char *name, int fd);
/* Receives one message: 1, 0 on EOF before its first byte, -1 with errno (EPROTO for a
 * message cut short, EMSGSIZE for one over max bytes, left unread). */
int msg_recv(int sock, struct msg *m, uint32_t max);
void msg_free(struct msg *m);

int msg_send_u32(int sock, uint32_t type, uint32_t value);
/* ERROR: step (PLAN_NO_STEP when not tied to one), errno, and a detail that may be empty. */
int msg_send_error(int sock, uint32_t step, int err, const char *detail);

uint32_t get_le32(const uint8_t *p);
void put_le32(uint8_t *p, uint32_t v);

#endif
