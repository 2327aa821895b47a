/* explore.c - see explore.h. */
#include "explore.h"

#include <stdio.h>

int explore_main(const explore_opts *o)
{
    (void)o;
    fprintf(stderr, "explore: not implemented yet\n");
    return 2;
}
