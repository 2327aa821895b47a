/* shard.c - see shard.h. */
#include "shard.h"

#include "../scenario/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int shard_parse(const char *s, int *k, int *n)
{
    int kk, nn, used = 0;
    if (s == NULL || s[0] < '0' || s[0] > '9' || strchr(s, ' ') != NULL ||
        sscanf(s, "%d/%d%n", &kk, &nn, &used) != 2 || s[used] != '\0' || kk < 1 ||
        nn < 1 || kk > nn || nn > SHARD_MAX)
        return -1;
    *k = kk, *n = nn;
    return 0;
}

typedef struct ranked {
    double cost;
    size_t index;
} ranked;

static int by_cost_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void shard_assign(const double *cost, size_t n, int parts, int *part)
{
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    double *load = calloc((size_t)(parts > 0 ? parts : 1), sizeof *load);
    size_t *count = calloc((size_t)(parts > 0 ? parts : 1), sizeof *count);
    if (r == NULL || load == NULL || count == NULL || parts < 1) { /* still a partition */
        for (size_t i = 0; i < n; i++)
            part[i] = parts > 0 ? (int)(i % (size_t)parts) : 0;
        free(r), free(load), free(count);
        return;
    }
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){cost[i] > 0 ? cost[i] : 0, i};
    qsort(r, n, sizeof *r, by_cost_desc);
    for (size_t i = 0; i < n; i++) {
        int best = 0; /* least time, then fewest jobs, then the lowest index */
        for (int p = 1; p < parts; p++)
            if (load[p] < load[best] || (load[p] == load[best] && count[p] < count[best]))
                best = p;
        part[r[i].index] = best;
        load[best] += r[i].cost;
        count[best]++;
    }
    free(r), free(load), free(count);
}

/* The job's profile label ("m3-s2-kid"), as its result names it; "". */
static const char *profile_name(const job *j, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (j->has_profile && sc_profile_label(&j->profile, buf, cap) != 0)
        buf[0] = '\0';
    return buf;
}

static void fnv(uint64_t *h, const char *s)
{
    for (; *s; s++)
        *h = (*h ^ (uint8_t)*s) * 1099511628211ull;
    *h = (*h ^ 0xff) * 1099511628211ull; /* separator */
}

/* The earlier run's seconds of job j, or -1. */
static double seconds_of(const json_t *results, const job *j)
{
    char buf[64];
    const char *profile = profile_name(j, buf, sizeof buf);
    const char *role = j->harness_role == SC_HARNESS_INITIATOR ? "initiator" : "responder";
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        const char *rr = json_string_value(json_object_get(r, "role"));
        const char *pr = json_string_value(json_object_get(r, "profile"));
        if (id && rr && strcmp(id, j->id) == 0 && strcmp(rr, role) == 0 &&
            strcmp(pr ? pr : "", profile) == 0 &&
            json_is_number(json_object_get(r, "seconds")))
            return json_number_value(json_object_get(r, "seconds"));
    }
    return -1;
}

int jobs_select_shard(job_list *l, int k, int n, const json_t *times, shard_info *info)
{
    double *cost = malloc((l->n ? l->n : 1) * sizeof *cost);
    int *part = malloc((l->n ? l->n : 1) * sizeof *part);
    info->pos = malloc((l->n ? l->n : 1) * sizeof *info->pos);
    if (cost == NULL || part == NULL || info->pos == NULL) {
        free(cost), free(part), free(info->pos);
        info->pos = NULL;
        return -1;
    }
    uint64_t h = 14695981039346656037ull;
    char num[32];
    snprintf(num, sizeof num, "%zu", l->n);
    fnv(&h, num);
    const json_t *results = json_object_get(times, "results");
    double known_s = 0, known_steps = 0;
    for (size_t i = 0; i < l->n; i++) {
        const job *j = &l->v[i];
        fnv(&h, j->file), fnv(&h, j->id);
        fnv(&h, j->harness_role == SC_HARNESS_INITIATOR ? "i" : "r");
        char label[64];
        fnv(&h, profile_name(j, label, sizeof label)), fnv(&h, j->skip ? "skip" : "run");
        bool runs = j->tmpl != NULL && !j->skip;
        cost[i] = runs && json_is_array(results) ? seconds_of(results, j) : -1;
        if (cost[i] >= 0)
            known_s += cost[i], known_steps += (double)j->tmpl->n_steps;
        else if (!runs)
            cost[i] = 0;
    }
    /* jobs without a time: their steps at the earlier run's seconds per step */
    double per_step = known_steps > 0 ? known_s / known_steps : 1.0;
    for (size_t i = 0; i < l->n; i++)
        if (cost[i] < 0)
            cost[i] = per_step * (double)(l->v[i].tmpl->n_steps ? l->v[i].tmpl->n_steps : 1);
    shard_assign(cost, l->n, n, part);
    info->k = k, info->n = n, info->jobs = l->n;
    snprintf(info->digest, sizeof info->digest, "%016llx", (unsigned long long)h);
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++)
        if (part[i] == k - 1) {
            info->pos[kept] = i;
            l->v[kept++] = l->v[i];
        }
    l->n = kept;
    free(cost), free(part);
    return 0;
}

void shard_info_free(shard_info *info)
{
    free(info->pos);
    info->pos = NULL;
}
