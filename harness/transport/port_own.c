/* port_own.c - see port_own.h. */
#include "port_own.h"

#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tr_port_unused(const struct sockaddr *a, socklen_t len)
{
    struct sockaddr_storage ss;
    if (a == NULL || len > sizeof ss)
        return -1;
    memcpy(&ss, a, len);
    if (ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&ss)->sin_port = 0;
    else if (ss.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&ss)->sin6_port = 0;
    else
        return -1;
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int port = -1;
    socklen_t sl = sizeof ss;
    if (bind(fd, (struct sockaddr *)&ss, len) == 0 &&
        getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                             : ((struct sockaddr_in6 *)&ss)->sin6_port);
    close(fd);
    return port;
}

/* Same family, address and port? */
static bool same_address(const struct sockaddr *a, const struct sockaddr_storage *b)
{
    if (a->sa_family != b->ss_family)
        return false;
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)a;
        const struct sockaddr_in *y = (const struct sockaddr_in *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
    const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
    return x->sin6_port == y->sin6_port &&
           memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

/* Clear SO_REUSEADDR on this process's UDP sockets bound to a; how many
 * sockets that is (two descriptors of one socket count once), and the inode
 * of one of them (the kernel's table names sockets by inode). */
static int unshare_own(const struct sockaddr *a, unsigned long *inode)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return 0;
    int dfd = dirfd(d), n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end != '\0' || end == e->d_name || fd == dfd)
            continue;
        int type = 0, off = 0;
        socklen_t tl = sizeof type;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        struct stat st;
        if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_DGRAM ||
            getsockname((int)fd, (struct sockaddr *)&ss, &sl) != 0 || !same_address(a, &ss) ||
            fstat((int)fd, &st) != 0)
            continue;
        (void)setsockopt((int)fd, SOL_SOCKET, SO_REUSEADDR, &off, sizeof off);
        if (n == 0 || (unsigned long)st.st_ino != *inode)
            n++;
        *inode = (unsigned long)st.st_ino;
    }
    closedir(d);
    return n;
}

/* The local address as /proc/net/udp{,6} prints it ("0100007F:1F90"):
 * each 32-bit word of the address in host order, %08X, then the port. */
static void proc_address(const struct sockaddr *a, char *buf, size_t cap)
{
    uint32_t w[4];
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)a;
        memcpy(w, &x->sin_addr, 4);
        snprintf(buf, cap, "%08X:%04X", (unsigned)w[0], (unsigned)ntohs(x->sin_port));
    } else {
        const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
        memcpy(w, &x->sin6_addr, 16);
        snprintf(buf, cap, "%08X%08X%08X%08X:%04X", (unsigned)w[0], (unsigned)w[1],
                 (unsigned)w[2], (unsigned)w[3], (unsigned)ntohs(x->sin6_port));
    }
}

/* Is a socket other than inode bound to a, by the kernel's table? The table
 * is read in pieces while other sockets come and go, so a line may show up
 * twice: sockets are told apart by inode. False when it cannot be read. */
static bool other_socket_bound(const struct sockaddr *a, unsigned long inode)
{
    FILE *f = fopen(a->sa_family == AF_INET ? "/proc/net/udp" : "/proc/net/udp6", "r");
    if (f == NULL)
        return false;
    char want[48], line[512], local[64];
    proc_address(a, want, sizeof want);
    bool other = false;
    if (fgets(line, sizeof line, f) != NULL) /* the heading */
        while (!other && fgets(line, sizeof line, f) != NULL) {
            unsigned long ino;
            /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
            if (sscanf(line, "%*d: %63s %*s %*s %*s %*s %*s %*s %*s %lu", local, &ino) == 2 &&
                strcmp(local, want) == 0 && ino != inode)
                other = true;
        }
    fclose(f);
    return other;
}

/*
 * The same question asked of the kernel through sock_diag (what ss uses):
 * a dump of the family's UDP sockets that the kernel filters by local port,
 * so that the answer comes in one piece. Reading /proc/net/udp takes
 * several read() calls, each of which walks the table again from its
 * start: a socket closed meanwhile shifts the rest, and one line can be
 * missed (seen once in make test, with many sockets coming and going).
 * 1 another socket is bound to a, 0 none, -1 the kernel could not be asked.
 */
static int other_socket_bound_diag(const struct sockaddr *a, unsigned long inode)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -1;
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
    } msg;
    memset(&msg, 0, sizeof msg);
    msg.nlh.nlmsg_len = sizeof msg;
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    msg.req.sdiag_family = (uint8_t)a->sa_family;
    msg.req.sdiag_protocol = IPPROTO_UDP;
    msg.req.idiag_states = ~0u;
    msg.req.id.idiag_sport = a->sa_family == AF_INET
                                 ? ((const struct sockaddr_in *)a)->sin_port
                                 : ((const struct sockaddr_in6 *)a)->sin6_port;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    int result = -1;
    if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) !=
        (ssize_t)sizeof msg)
        goto out;
    uint32_t want[4] = {0};
    if (a->sa_family == AF_INET)
        memcpy(want, &((const struct sockaddr_in *)a)->sin_addr, 4);
    else
        memcpy(want, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
    size_t addr_len = a->sa_family == AF_INET ? 4 : 16;
    bool other = false;
    for (;;) {
        /* every wait has a bound: the kernel answers at once */
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 1000) != 1)
            goto out;
        long buf[8192 / sizeof(long)]; /* aligned for nlmsghdr */
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto out;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                result = other ? 1 : 0;
                goto out;
            }
            if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
                goto out;
            const struct inet_diag_msg *m = NLMSG_DATA(h);
            if (m->idiag_family == a->sa_family && memcmp(m->id.idiag_src, want, addr_len) == 0 &&
                m->idiag_inode != inode)
                other = true;
        }
    }
out:
    close(fd);
    return result;
}

bool tr_port_own(const struct sockaddr *a, socklen_t len)
{
    if (a == NULL || (a->sa_family != AF_INET && a->sa_family != AF_INET6) ||
        len < (a->sa_family == AF_INET ? sizeof(struct sockaddr_in)
                                       : sizeof(struct sockaddr_in6)))
        return false;
    unsigned long inode = 0;
    if (unshare_own(a, &inode) != 1) /* none of ours, or two of ours share it */
        return false;
    int diag = other_socket_bound_diag(a, inode);
    if (diag >= 0)
        return diag == 0;
    return !other_socket_bound(a, inode); /* no sock_diag: the /proc table */
}
