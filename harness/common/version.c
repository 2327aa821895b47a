/* version.c - see version.h. */
#include "version.h"

/* eh_version.inc: one string literal, written by the Makefile from git
 * describe (rewritten only when it changes, so only this file recompiles). */
#if defined(__has_include)
#if __has_include("eh_version.inc")
#define EH_HAVE_VERSION_INC 1
#endif
#endif

const char *eh_version(void)
{
#ifdef EH_HAVE_VERSION_INC
    return
#include "eh_version.inc"
        ;
#else
    return "unknown";
#endif
}
