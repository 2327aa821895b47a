/* free_port.c - see free_port.h. */
#include "free_port.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp.h"

int tr_ephemeral_low(void)
{
    int low = 32768, high = 0;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f != NULL) {
        if (fscanf(f, "%d %d", &low, &high) != 2 || low < 1024 || low > 65535)
            low = 32768;
        fclose(f);
    }
    return low;
}

/* Can a socket of type bind a at port? */
static bool bindable(const tr_addr *a, int type, int port)
{
    struct sockaddr_storage sa = a->sa;
    if (sa.ss_family == AF_INET)
        ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
    else if (sa.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
    else
        return false;
    int fd = socket(sa.ss_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = bind(fd, (struct sockaddr *)&sa, a->len) == 0;
    close(fd);
    return ok;
}

bool tr_port_taken(const char *host, int port)
{
    tr_addr a;
    if (tr_addr_resolve(host, 0, &a) != EH_OK)
        return false;
    return !bindable(&a, SOCK_DGRAM, port) || !bindable(&a, SOCK_STREAM, port);
}

int tr_free_port(const char *host)
{
    tr_addr a;
    if (tr_addr_resolve(host, 0, &a) != EH_OK)
        return -1;
    int high = tr_ephemeral_low() - 1;
    if (high > TR_FREE_PORT_LOW) {
        for (int i = 0; i < 64; i++) {
            uint32_t r = 0;
            if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
                break;
            int port = TR_FREE_PORT_LOW + (int)(r % (uint32_t)(high - TR_FREE_PORT_LOW + 1));
            if (bindable(&a, SOCK_DGRAM, port) && bindable(&a, SOCK_STREAM, port))
                return port;
        }
    }
    tr_udp u; /* the kernel's choice, as before */
    if (tr_udp_bind(&u, host, 0) != EH_OK)
        return -1;
    int port = tr_udp_local_port(&u);
    tr_udp_close(&u);
    return port;
}
