/* quick.c - see quick.h. */
#include "quick.h"

#include <stdlib.h>
#include <string.h>

size_t quick_area_len(const char *id)
{
    const char *first = strchr(id, '/');
    const char *second = first ? strchr(first + 1, '/') : NULL;
    return second ? (size_t)(second - id) : strlen(id);
}

static bool same_area(const job *a, const job *b)
{
    size_t n = quick_area_len(a->id);
    return a->harness_role == b->harness_role && quick_area_len(b->id) == n &&
           memcmp(a->id, b->id, n) == 0;
}

/* Does job b come before job a in its (area, role) group's ranking?
 * Runnable before skipped, then by id, then by position (ia, ib). */
static bool ranks_before(const job *b, size_t ib, const job *a, size_t ia)
{
    if (a->skip != b->skip)
        return !b->skip;
    int c = strcmp(b->id, a->id);
    return c < 0 || (c == 0 && ib < ia);
}

int jobs_select_quick(job_list *l)
{
    bool *keep = malloc((l->n ? l->n : 1) * sizeof *keep);
    if (keep == NULL)
        return -1;
    for (size_t i = 0; i < l->n; i++) {
        const job *a = &l->v[i];
        keep[i] = true;
        for (size_t k = 0; keep[i] && a->tmpl != NULL && k < l->n; k++) {
            const job *b = &l->v[k];
            if (k != i && b->tmpl != NULL && same_area(a, b) && ranks_before(b, k, a, i))
                keep[i] = false;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++)
        if (keep[i])
            l->v[kept++] = l->v[i];
    l->n = kept;
    free(keep);
    return 0;
}
