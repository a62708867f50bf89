/* recvtty: the receiving end of --console-socket, for the runtime's Java tests (as runc's
 * contrib/cmd/recvtty). Listens on PATH, takes one pty master by SCM_RIGHTS, prints
 * "master: <name>" and then everything the container writes to its terminal, until the last
 * slave closes.
 *
 *   recvtty PATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive_fd(int conn, char *name, size_t name_len)
{
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {name, name_len - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                         .msg_controllen = sizeof control};
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return -1;
    name[n] = 0;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
        errno = EBADMSG;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: recvtty PATH\n");
        return 2;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof sa.sun_path) {
        fprintf(stderr, "recvtty: %s: path too long\n", argv[1]);
        return 1;
    }
    strcpy(sa.sun_path, argv[1]);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 1) < 0) {
        fprintf(stderr, "recvtty: listen on %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    char name[256];
    int master = conn < 0 ? -1 : receive_fd(conn, name, sizeof name);
    if (master < 0) {
        fprintf(stderr, "recvtty: receive the pty master: %s\n", strerror(errno));
        return 1;
    }
    printf("master: %s\n", name);
    fflush(stdout);
    char buf[4096];
    ssize_t n;
    /* EIO once every slave is closed: the container's terminal is gone. */
    while ((n = read(master, buf, sizeof buf)) > 0)
        if (write(1, buf, (size_t)n) != n)
            return 1;
    unlink(argv[1]);
    return 0;
}
