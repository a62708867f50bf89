/* Message framing for the control socket and the shim/child socketpair. See control.h. */
#define _GNU_SOURCE
#include "control.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int msg_send_fd(int sock, uint32_t type, const void *data, uint32_t len, int fd)
{
    uint8_t header[8];
    put_le32(header, type);
    put_le32(header + 4, len);
    struct iovec iov[2] = {{header, sizeof header}, {(void *)data, len}};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
    if (fd >= 0) {
        mh.msg_control = control.buf;
        mh.msg_controllen = sizeof control.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    /* A stream socket may take part of it: go on with the rest (the fd went with the first
     * byte). MSG_NOSIGNAL: a peer that went away is an EPIPE to handle, not a death. */
    while (mh.msg_iovlen) {
        ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        mh.msg_control = NULL;
        mh.msg_controllen = 0;
        while (mh.msg_iovlen && (size_t)n >= mh.msg_iov->iov_len) {
            n -= (ssize_t)mh.msg_iov->iov_len;
            mh.msg_iov++;
            mh.msg_iovlen--;
        }
        if (mh.msg_iovlen) {
            mh.msg_iov->iov_base = (uint8_t *)mh.msg_iov->iov_base + n;
            mh.msg_iov->iov_len -= (size_t)n;
        }
    }
    return 0;
}

int msg_send(int sock, uint32_t type, const void *data, uint32_t len)
{
    return msg_send_fd(sock, type, data, len, -1);
}

int msg_send_u32(int sock, uint32_t type, uint32_t value)
{
    uint8_t b[4];
    put_le32(b, value);
    return msg_send(sock, type, b, sizeof b);
}

int msg_send_error(int sock, uint32_t step, int err, const char *detail)
{
    uint8_t b[12 + 512];
    size_t n = detail ? strnlen(detail, sizeof b - 12) : 0;
    put_le32(b, step);
    put_le32(b + 4, (uint32_t)err);
    put_le32(b + 8, (uint32_t)n);
    if (n)
        memcpy(b + 12, detail, n);
    return msg_send(sock, MSG_ERROR, b, (uint32_t)(12 + n));
}

/* Reads exactly n bytes, keeping the first descriptor that arrives with them. Returns n, 0 for
 * EOF before the first byte, or -1 (EPROTO for EOF part-way). */
static ssize_t read_full(int sock, uint8_t *buf, size_t n, int *fd)
{
    size_t got = 0;
    while (got < n) {
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(sizeof(int) * 4)];
        } control;
        struct iovec iov = {buf + got, n - got};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1,
                            .msg_control = control.buf, .msg_controllen = sizeof control.buf};
        ssize_t r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                continue;
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; i++) {
                int got_fd;
                memcpy(&got_fd, CMSG_DATA(c) + i * sizeof(int), sizeof got_fd);
                if (*fd < 0)
                    *fd = got_fd;
                else
                    close(got_fd); /* only one is ever expected */
            }
        }
        if (r == 0) {
            if (got == 0)
                return 0;
            errno = EPROTO;
            return -1;
        }
        got += (size_t)r;
    }
    return (ssize_t)n;
}

int msg_recv(int sock, struct msg *m, uint32_t max)
{
    uint8_t header[8];
    m->data = NULL;
    m->fd = -1;
    ssize_t r = read_full(sock, header, sizeof header, &m->fd);
    if (r <= 0)
        goto fail;
    m->type = get_le32(header);
    m->len = get_le32(header + 4);
    if (m->len > max) {
        errno = EMSGSIZE;
        r = -1;
        goto fail;
    }
    if (m->len) {
        m->data = malloc(m->len);
        if (!m->data) {
            r = -1;
            goto fail;
        }
        r = read_full(sock, m->data, m->len, &m->fd);
        if (r == 0)
            errno = EPROTO;
        if (r <= 0) {
            r = -1;
            goto fail;
        }
    }
    return 1;
fail:
    {
        int e = errno;
        msg_free(m);
        errno = e;
    }
    return (int)r;
}

void msg_free(struct msg *m)
{
    free(m->data);
    m->data = NULL;
    if (m->fd >= 0)
        close(m->fd);
    m->fd = -1;
}

int fd_send_named(int sock, const char *name, int fd)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct iovec iov = {(void *)name, strlen(name)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t n;
    do
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : 0;
}
