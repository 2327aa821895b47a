/* lazylib.c - see lazylib.h. */
#include "lazylib.h"

#include <dlfcn.h>
#include <stdio.h>

int lazylib_load(lazylib *lib)
{
    if (lib->state != 0)
        return lib->state > 0 ? 0 : -1;
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *why = dlerror();
        snprintf(lib->err, sizeof lib->err, "cannot load %s: %s", lib->soname,
                 why ? why : "unknown error");
        lib->state = -1;
        return -1;
    }
    for (size_t i = 0; i < lib->n_syms; i++) {
        dlerror();
        void *p = dlsym(h, lib->syms[i].name);
        if (p == NULL) {
            snprintf(lib->err, sizeof lib->err, "%s has no %s", lib->soname,
                     lib->syms[i].name);
            lib->state = -1;
            return -1; /* h stays open: harmless, and the answer stays -1 */
        }
        *lib->syms[i].slot = p;
    }
    lib->state = 1;
    return 0;
}
