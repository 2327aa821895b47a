/*
 * bench_main.c - edhoc-bench: options, the rounds of measurements, the
 * table on stdout and the JSON report (written to a temporary file, then
 * renamed). See bench.h for what is measured and docs/robustness-and-performance.md, "Performance".
 *
 * Noise: other processes can only make a measurement slower, so every
 * figure of the in-memory part is the fastest of 30 short rounds (a batch of
 * about 1 ms per operation, 10 ms of handshakes: a short batch is more often
 * left alone by the scheduler than a long one), the rows interleaved within
 * a round. On a 2-core machine with a load of 4 the ratios of two runs then
 * agree within about 0.03.
 */
#define _DEFAULT_SOURCE /* readlink */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static const int methods[] = {0, 3};
static const int suites[] = {0, 1, 2, 3, 4, 5, 6, 24, 25};
#define N_ROWS (sizeof methods / sizeof methods[0] * (sizeof suites / sizeof suites[0]))

/* Per operation the faster of kept and fl (the same rows), and the total. */
static void floor_keep_fastest(bench_floor *kept, const bench_floor *fl)
{
    kept->total_us = 0;
    for (size_t k = 0; k < fl->n && k < kept->n; k++) {
        if (fl->op[k].us < kept->op[k].us)
            kept->op[k] = fl->op[k];
        kept->total_us += kept->op[k].count * kept->op[k].us;
    }
}

typedef struct row {
    bench_pair pair;
    bench_sizes sizes;
    bench_floor floor;        /* fastest of the rounds, per operation */
    bench_floor best;         /* the best-primitives floor, the same way */
    double handshake_us;      /* fastest of the rounds */
    double coap_hs_s, udp_hs_s;
    long loopback_n;
} row;

typedef struct opts {
    bool smoke, skip_loopback, skip_memory, skip_suite, skip_table, cpu_clock;
    int only[N_ROWS][2];      /* --row M:S; none = every row */
    size_t n_only;
    const char *harness, *json, *cred_dir, *baseline;
    long sessions;
    char harness_buf[PATH_MAX];
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: edhoc-bench [options]   (run from the source tree: make bench)\n"
            "\n"
            "For METHOD 0 and 3 with every cipher suite: the crypto floor of one handshake\n"
            "(the primitive operations RFC 9528 requires, measured through the crypto\n"
            "provider, and again on the faster of libsodium and OpenSSL with keys imported\n"
            "beforehand), in-memory handshakes (message_1..message_4) and their ratios; the\n"
            "reference Initiator and Responder over loopback CoAP and UDP; the Responder's\n"
            "memory per half-open session; the conformance suite's wall time.\n"
            "\n"
            "  --smoke            a few iterations, 200 sessions, a small suite selection\n"
            "  --json FILE        the report (default reports/bench/bench.json)\n"
            "  --harness PATH     edhoc-harness to run (default: next to this program)\n"
            "  --cred-dir DIR     credential files (default vectors/creds)\n"
            "  --sessions N       half-open sessions for the memory figure (default 10000)\n"
            "  --skip PART        loopback, memory, table or suite (repeatable)\n"
            "  --row M:S          only METHOD M with suite S (repeatable; e.g. for profiling)\n"
            "  --baseline DIR     also time the suite (-j 2) with DIR/build/edhoc-harness in\n"
            "                     DIR (another commit's tree, built; make bench\n"
            "                     BENCH_BASELINE=REV makes one), alternating with this\n"
            "                     tree's, best of 3 each: side by side in one run\n"
            "  --cpu-clock        floor and in-memory handshakes in process CPU time instead\n"
            "                     of CLOCK_MONOTONIC (less disturbed on a busy machine)\n"
            "  -h, --help         this text\n");
}

static int parse(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->json = "reports/bench/bench.json";
    o->cred_dir = "vectors/creds";
    o->sessions = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "--smoke")) {
            o->smoke = true;
        } else if (!strcmp(a, "--cpu-clock")) {
            o->cpu_clock = true;
        } else if (v != NULL && !strcmp(a, "--json")) {
            o->json = argv[++i];
        } else if (v != NULL && !strcmp(a, "--harness")) {
            o->harness = argv[++i];
        } else if (v != NULL && !strcmp(a, "--baseline")) {
            o->baseline = argv[++i];
        } else if (v != NULL && !strcmp(a, "--cred-dir")) {
            o->cred_dir = argv[++i];
        } else if (v != NULL && !strcmp(a, "--sessions")) {
            o->sessions = strtol(argv[++i], NULL, 10);
            if (o->sessions < 1 || o->sessions > 100000) {
                fprintf(stderr, "edhoc-bench: --sessions: 1..100000\n");
                return 2;
            }
        } else if (v != NULL && !strcmp(a, "--row")) {
            int m, su;
            char extra;
            i++;
            if (o->n_only >= N_ROWS || sscanf(v, "%d:%d%c", &m, &su, &extra) != 2) {
                fprintf(stderr, "edhoc-bench: --row METHOD:SUITE\n");
                return 2;
            }
            o->only[o->n_only][0] = m, o->only[o->n_only++][1] = su;
        } else if (v != NULL && !strcmp(a, "--skip")) {
            i++;
            if (!strcmp(v, "loopback"))
                o->skip_loopback = true;
            else if (!strcmp(v, "memory"))
                o->skip_memory = true;
            else if (!strcmp(v, "suite"))
                o->skip_suite = true;
            else if (!strcmp(v, "table"))
                o->skip_table = true;
            else {
                fprintf(stderr, "edhoc-bench: --skip loopback|memory|table|suite\n");
                return 2;
            }
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (o->sessions < 0)
        o->sessions = o->smoke ? 200 : 10000;
    if (o->harness == NULL) { /* edhoc-harness next to this program */
        ssize_t n = readlink("/proc/self/exe", o->harness_buf, sizeof o->harness_buf - 16);
        o->harness_buf[n > 0 ? n : 0] = 0;
        char *slash = strrchr(o->harness_buf, '/');
        if (slash == NULL) {
            fprintf(stderr, "edhoc-bench: cannot find edhoc-harness; use --harness\n");
            return 2;
        }
        strcpy(slash + 1, "edhoc-harness");
        o->harness = o->harness_buf;
    }
    if (access(o->harness, X_OK) != 0) {
        fprintf(stderr, "edhoc-bench: %s: not executable (make first)\n", o->harness);
        return 2;
    }
    return 0;
}

/* ------------------------------------------------------------ machine */

static void cpu_model(char *buf, size_t cap)
{
    char line[512];
    snprintf(buf, cap, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            colon += 2;
            colon[strcspn(colon, "\n")] = 0;
            snprintf(buf, cap, "%s", colon);
            break;
        }
    }
    fclose(f);
}

static double round_to(double v, int decimals)
{
    double k = pow(10.0, decimals);
    return round(v * k) / k;
}

/* ------------------------------------------------------------ the report */

static int mkdirs(const char *file)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return 0;
    *slash = 0;
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(dir, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int write_json(const char *path, json_t *root)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (mkdirs(path) != 0 || json_dump_file(root, tmp, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0 ||
        rename(tmp, path) != 0) {
        fprintf(stderr, "edhoc-bench: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static json_t *num_or_null(double v)
{
    return v > 0 ? json_real(v) : json_null();
}

/* ------------------------------------------------------------------ main */

static bool wanted(const opts *o, int method, int suite)
{
    for (size_t i = 0; i < o->n_only; i++)
        if (o->only[i][0] == method && o->only[i][1] == suite)
            return true;
    return o->n_only == 0;
}

static row rows[N_ROWS];

int main(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (eh_crypto_init() != EH_OK)
        return 1;
    bench_use_cpu_clock(o.cpu_clock);
    bench_budget b = o.smoke ? (bench_budget){1, 0.2, 1.0, 1} : (bench_budget){30, 1.0, 10.0, 2};
    double t_start = bench_now_us();
    setvbuf(stdout, NULL, _IOLBF, 0);

    size_t n = 0;
    for (size_t mi = 0; mi < sizeof methods / sizeof methods[0]; mi++)
        for (size_t si = 0; si < sizeof suites / sizeof suites[0]; si++) {
            if (!wanted(&o, methods[mi], suites[si]))
                continue;
            row *r = &rows[n++];
            if (bench_pair_load(&r->pair, o.cred_dir, methods[mi], suites[si]) != 0 ||
                bench_sizes_measure(&r->pair, &r->sizes) != 0) {
                fprintf(stderr, "edhoc-bench: METHOD %d suite %d: cannot set up\n", methods[mi],
                        suites[si]);
                return 1;
            }
        }

    /* (a), (b): rounds, rows interleaved; the fastest figure counts */
    printf("in-memory: %d round%s of the crypto floor and of handshakes for %zu (METHOD, suite)"
           " rows\n", b.rounds, b.rounds > 1 ? "s" : "", n);
    for (int round = 0; round < b.rounds; round++) {
        for (size_t i = 0; i < n; i++) {
            row *r = &rows[i];
            bench_floor fl, best;
            double hs;
            if (bench_floor_measure(&r->pair, &r->sizes, &b, &fl) != 0 ||
                bench_floor_best_measure(&r->pair, &r->sizes, &b, &best) != 0 ||
                (hs = bench_handshake_us(&r->pair, &b)) < 0) {
                fprintf(stderr, "edhoc-bench: METHOD %d suite %d: measurement failed\n",
                        r->pair.method, r->pair.suite->id);
                return 1;
            }
            if (round == 0) {
                r->floor = fl;
                r->best = best;
                r->handshake_us = hs;
                continue;
            }
            floor_keep_fastest(&r->floor, &fl);
            floor_keep_fastest(&r->best, &best);
            if (hs < r->handshake_us)
                r->handshake_us = hs;
        }
    }

    /* loopback: the reference peer as two processes */
    if (!o.skip_loopback) {
        printf("loopback: peer initiator --repeat N against peer responder, CoAP and UDP, "
               "best of %d\n", o.smoke ? 1 : 3);
        for (size_t i = 0; i < n; i++) {
            row *r = &rows[i];
            double per = r->handshake_us + 400.0; /* + the messages' way through the kernel */
            long k = o.smoke ? 3 : (long)(150000.0 / per); /* about 0.15 s per Initiator */
            int runs = o.smoke ? 1 : 3;
            r->loopback_n = k < 3 ? 3 : k > 1000 ? 1000 : k;
            r->coap_hs_s =
                bench_loopback(o.harness, o.cred_dir, &r->pair, "coap", r->loopback_n, runs);
            r->udp_hs_s =
                bench_loopback(o.harness, o.cred_dir, &r->pair, "udp", r->loopback_n, runs);
            if (r->coap_hs_s < 0 || r->udp_hs_s < 0)
                return 1;
        }
    }

    bench_memory mem;
    memset(&mem, 0, sizeof mem);
    if (!o.skip_memory) {
        printf("memory: %ld half-open sessions at a UDP Responder\n", o.sessions);
        if (bench_memory_measure(o.harness, o.cred_dir, o.sessions, &mem) != 0) {
            fprintf(stderr, "edhoc-bench: the memory measurement failed\n");
            return 1;
        }
    }

    /* the Responder's session table: message_1 cost against the number of sessions */
    static const long table_full[] = {1000, 10000, 100000}, table_smoke[] = {200, 1000};
    const long *table_n = o.smoke ? table_smoke : table_full;
    size_t n_table = o.skip_table ? 0 : o.smoke ? 2 : 3;
    bench_table_row table[3];
    if (n_table > 0) {
        bench_pair tp;
        if (bench_pair_load(&tp, o.cred_dir, 3, 2) != 0)
            return 1;
        printf("session table: the Responder full of half-open sessions (in-process, METHOD 3, "
               "suite 2)\n");
        for (size_t k = 0; k < n_table; k++)
            if (bench_table_measure(&tp, table_n[k], o.smoke ? 20 : 200, &table[k]) != 0) {
                bench_pair_free(&tp);
                return 1;
            }
        bench_pair_free(&tp);
    }

    static const char *const full_j1[] = {"-j", "1", NULL}, *const full_j2[] = {"-j", "2", NULL},
                             *const quick[] = {"--quick", "-j", "2", NULL};
    static const char *const smoke_j1[] = {"scenarios/rfc9528/5.3.3", "-j", "1", NULL},
                             *const smoke_j2[] = {"scenarios/rfc9528/5.3.3", "-j", "2", NULL},
                             *const smoke_quick[] = {"scenarios/rfc9528/5.3.3", "--quick", "-j",
                                                     "2", NULL};
    bench_suite_time st[3] = {{.label = o.smoke ? "scenarios/rfc9528/5.3.3 -j 1" : "full -j 1"},
                              {.label = o.smoke ? "scenarios/rfc9528/5.3.3 -j 2" : "full -j 2"},
                              {.label = o.smoke ? "scenarios/rfc9528/5.3.3 --quick -j 2"
                                                : "--quick -j 2"}};
    const char *const *const suite_args[3] = {o.smoke ? smoke_j1 : full_j1,
                                              o.smoke ? smoke_j2 : full_j2,
                                              o.smoke ? smoke_quick : quick};
    if (!o.skip_suite) {
        for (int k = 0; k < 3; k++) {
            printf("suite: edhoc-harness run --peer peers/reference.yaml --role both (%s)\n",
                   st[k].label);
            if (bench_suite_run(o.harness, NULL, suite_args[k], &st[k]) != 0)
                return 1;
        }
    }
    /* side by side: this tree's suite (-j 2) and the baseline's, alternating,
     * so that the machine's drift hits both alike; best of 3 each */
    bench_suite_time side[2] = {{.label = "this tree"}, {.label = "baseline"}};
    char base_harness[PATH_MAX];
    if (o.baseline != NULL && !o.skip_suite) {
        char base_dir[PATH_MAX];
        if (realpath(o.baseline, base_dir) == NULL) {
            fprintf(stderr, "edhoc-bench: --baseline %s: %s\n", o.baseline, strerror(errno));
            return 1;
        }
        /* absolute: it runs in that folder */
        snprintf(base_harness, sizeof base_harness, "%.*s/build/edhoc-harness",
                 (int)(sizeof base_harness - 32), base_dir);
        printf("suite side by side: this tree and %s, -j 2, alternating, best of 3\n",
               o.baseline);
        for (int round = 0; round < 3; round++)
            for (int k = 0; k < 2; k++) {
                bench_suite_time t = {.label = side[k].label};
                if (bench_suite_run(k == 0 ? o.harness : base_harness,
                                    k == 0 ? NULL : o.baseline, suite_args[1], &t) != 0)
                    return 1;
                if (side[k].seconds == 0 || t.seconds < side[k].seconds)
                    side[k] = t;
            }
    }

    /* ------------------------------------------------------------ table */
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char date[32];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    printf("\nedhoc-bench %s: %s, %ld cores, %s%s\n", date, cpu, cores,
           o.cpu_clock ? "process CPU time" : "CLOCK_MONOTONIC",
           o.smoke ? " (SMOKE RUN: too few iterations to mean anything)" : "");
    printf("handshake = message_1..message_4 (message_4 included), no OSCORE; floor = the\n"
           "crypto operations RFC 9528 requires of both parties (harness/bench/bench_floor.c)\n"
           "through the crypto provider; best = the same operations on the faster of libsodium\n"
           "and OpenSSL, keys imported beforehand (harness/bench/bench_best.c)\n\n");
    printf("%6s %5s %10s %9s %13s %6s %6s %11s %10s %10s\n", "METHOD", "suite", "floor_us",
           "best_us", "handshake_us", "ratio", "/best", "in-mem hs/s", "CoAP hs/s", "UDP hs/s");
    json_t *results = json_array();
    for (size_t i = 0; i < n; i++) {
        row *r = &rows[i];
        double fl = round_to(r->floor.total_us, 2), hs = round_to(r->handshake_us, 2);
        double ratio = round_to(hs / fl, 4), best = round_to(r->best.total_us, 2);
        double ratio_best = round_to(hs / best, 4);
        printf("%6d %5d %10.1f %9.1f %13.1f %6.3f %6.3f %11.0f %10.0f %10.0f\n", r->pair.method,
               r->pair.suite->id, fl, best, hs, ratio, ratio_best, 1e6 / hs, r->coap_hs_s,
               r->udp_hs_s);
        json_t *best_ops = json_array();
        for (size_t k = 0; k < r->best.n; k++)
            json_array_append_new(best_ops,
                                  json_pack("{s:s, s:s, s:i, s:f, s:s}", "op", r->best.op[k].what,
                                            "rfc", r->best.op[k].rfc, "count",
                                            r->best.op[k].count, "us",
                                            round_to(r->best.op[k].us, 3), "impl",
                                            r->best.op[k].impl));
        json_t *ops = json_array();
        for (size_t k = 0; k < r->floor.n; k++)
            json_array_append_new(ops, json_pack("{s:s, s:s, s:i, s:f}", "op", r->floor.op[k].what,
                                                 "rfc", r->floor.op[k].rfc, "count",
                                                 r->floor.op[k].count, "us",
                                                 round_to(r->floor.op[k].us, 3)));
        json_t *obj = json_pack(
            "{s:i, s:i, s:f, s:f, s:f, s:f, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:{s:s, s:s}, "
            "s:o}",
            "method", r->pair.method, "suite", r->pair.suite->id, "floor_us", fl, "handshake_us",
            hs, "ratio", ratio, "handshakes_per_s", round_to(1e6 / hs, 1), "loopback_coap_hs_per_s",
            num_or_null(round_to(r->coap_hs_s, 1)), "loopback_udp_hs_per_s",
            num_or_null(round_to(r->udp_hs_s, 1)), "loopback_handshakes", (json_int_t)r->loopback_n,
            "memory_bytes_per_session", num_or_null(round_to(mem.bytes_per_session, 1)),
            "suite_j1_s", num_or_null(round_to(st[0].seconds, 2)), "suite_j2_s",
            num_or_null(round_to(st[1].seconds, 2)), "suite_quick_s",
            num_or_null(round_to(st[2].seconds, 2)), "credentials", "initiator",
            r->pair.cred_i, "responder", r->pair.cred_r, "floor", ops);
        if (obj != NULL) {
            json_object_set_new(obj, "floor_best_us", json_real(best));
            json_object_set_new(obj, "ratio_best", json_real(ratio_best));
            json_object_set_new(obj, "floor_best", best_ops);
        } else {
            json_decref(best_ops);
        }
        json_array_append_new(results, obj);
    }
    if (!o.skip_memory)
        printf("\nResponder memory: %ld half-open sessions (UDP, METHOD 3, suite 2): VmRSS %ld -> "
               "%ld KiB, %.0f bytes per session (%.2f s to create them)\n",
               mem.sessions, mem.rss_before_kib, mem.rss_after_kib, mem.bytes_per_session,
               mem.seconds);
    json_t *table_json = json_array();
    if (n_table > 0) {
        printf("\nResponder session table (METHOD 3, suite 2, CoAP framing; a flood of "
               "message_1 from many addresses fills it, each new one evicts the oldest "
               "half-open):\n  %9s %14s %10s %16s %12s %8s\n", "sessions", "message_1 us",
               "vs first", "handshake us", "bytes/sess", "fill s");
        for (size_t k = 0; k < n_table; k++) {
            const bench_table_row *t = &table[k];
            double vs = table[0].message_1_us > 0 ? t->message_1_us / table[0].message_1_us : 0;
            printf("  %9ld %14.1f %10.2f %16.1f %12.0f %8.2f\n", t->sessions, t->message_1_us, vs,
                   t->handshake_us, t->bytes_per_session, t->fill_seconds);
            json_array_append_new(
                table_json,
                json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "sessions", (json_int_t)t->sessions,
                          "message_1_us", round_to(t->message_1_us, 1), "message_1_vs_first",
                          round_to(vs, 3), "handshake_during_flood_us",
                          round_to(t->handshake_us, 1), "bytes_per_session",
                          round_to(t->bytes_per_session, 1), "fill_seconds",
                          round_to(t->fill_seconds, 2)));
        }
    }
    json_t *suite_json = json_array(), *phases_json = json_null(), *side_json = json_null();
    if (!o.skip_suite) {
        printf("\nconformance suite against the reference peer, both roles:\n");
        for (int k = 0; k < 3; k++) {
            printf("  %-40s %7.2f s   %s\n", st[k].label, st[k].seconds, st[k].summary);
            json_array_append_new(suite_json,
                                  json_pack("{s:s, s:f, s:s}", "label", st[k].label, "seconds",
                                            round_to(st[k].seconds, 2), "summary", st[k].summary));
        }
        const bench_suite_time *t = &st[1];
        if (t->have_phases) {
            static const char *const what[BENCH_PHASES] = {
                "job set-up (executor, credentials, sockets)", "IUT spawn",
                "IUT readiness (its start-up)", "steps (a client IUT's start-up included)",
                "IUT end and stop", "capture and transcript written",
                "the job, fork to result (the run's view)"};
            printf("\nwhere the time of `run` goes (%s, %zu jobs that ran; the run's report "
                   "timing):\n  %-46s %10s %12s\n",
                   t->label, t->jobs, "phase", "median ms", "sum s");
            phases_json = json_object();
            for (int k = 0; k < BENCH_PHASES; k++) {
                printf("  %-46s %10.2f %12.2f\n", what[k], t->phase_median_ms[k],
                       t->phase_sum_ms[k] / 1e3);
                json_object_set_new(phases_json, bench_phase_names[k],
                                    json_pack("{s:f, s:f}", "median_ms",
                                              round_to(t->phase_median_ms[k], 2), "sum_s",
                                              /* to the millisecond: a smoke run's
                                               * phases sum to a few ms */
                                              round_to(t->phase_sum_ms[k] / 1e3, 3)));
            }
            printf("  run: sanity conversations (and the jobs that hold them) %.2f s, the rest "
                   "of the suite %.2f s, JUnit written in %.3f s\n",
                   t->sanity_s, t->suite_s, t->junit_s);
            json_object_set_new(phases_json, "run",
                                json_pack("{s:f, s:f, s:f, s:I}", "sanity_s",
                                          round_to(t->sanity_s, 2), "suite_s",
                                          round_to(t->suite_s, 2), "junit_s",
                                          round_to(t->junit_s, 3), "jobs", (json_int_t)t->jobs));
        }
        if (o.baseline != NULL) {
            /* the ratio of the figures as written */
            double mine = round_to(side[0].seconds, 3), base = round_to(side[1].seconds, 3);
            double ratio = base > 0 ? mine / base : 0;
            printf("\nside by side (%s, best of 3, alternating):\n  %-40s %7.2f s   %s\n"
                   "  %-40s %7.2f s   %s\n  this tree / baseline: %.3f\n",
                   st[1].label, "this tree", side[0].seconds, side[0].summary, o.baseline,
                   side[1].seconds, side[1].summary, ratio);
            side_json = json_pack("{s:s, s:f, s:f, s:f, s:s, s:s}", "baseline", o.baseline,
                                  "seconds", mine, "baseline_seconds", base, "ratio",
                                  round_to(ratio, 4),
                                  "summary", side[0].summary, "baseline_summary",
                                  side[1].summary);
        }
    }
    double wall = (bench_now_us() - t_start) / 1e6;
    struct utsname un;
    uname(&un);
    json_t *root = json_pack(
        "{s:s, s:s, s:b, s:{s:s, s:I, s:s}, s:s, s:s, s:s, s:o, s:o, s:o, s:f}", "schema",
        "edhoc-bench/1", "date", date, "smoke", o.smoke, "machine", "cpu", cpu, "cores",
        (json_int_t)cores, "kernel", un.release, "clock",
        o.cpu_clock ? "process CPU time" : "CLOCK_MONOTONIC", "handshake",
        "message_1..message_4 (message_4 included), fresh sessions and ephemeral keys, no OSCORE; "
        "in-memory: both parties in one process, no I/O; loopback: peer initiator --repeat N "
        "--message-4 --no-oscore against peer responder --message-4",
        "floor",
        "sum over the operations RFC 9528 requires of both parties (harness/bench/bench_floor.c), "
        "each timed through the crypto provider; fastest of the rounds",
        "results", results, "memory",
        o.skip_memory ? json_null()
                      : json_pack("{s:I, s:I, s:I, s:f, s:f, s:s}", "sessions",
                                  (json_int_t)mem.sessions, "rss_before_kib",
                                  (json_int_t)mem.rss_before_kib, "rss_after_kib",
                                  (json_int_t)mem.rss_after_kib, "bytes_per_session",
                                  round_to(mem.bytes_per_session, 1), "seconds",
                                  round_to(mem.seconds, 2), "setup",
                                  "peer responder --transport udp --max-sessions N, METHOD 3, "
                                  "suite 2; N message_1 with distinct C_I, no message_3"),
        "suite_time", suite_json, "wall_seconds", round_to(wall, 1));
    if (root != NULL) {
        json_object_set_new(root, "suite_phases", phases_json);
        json_object_set_new(root, "suite_side_by_side", side_json);
    } else {
        json_decref(phases_json);
        json_decref(side_json);
    }
    if (root != NULL)
        json_object_set_new(root, "session_table", table_json);
    else
        json_decref(table_json);
    rc = root != NULL && write_json(o.json, root) == 0 ? 0 : 1;
    json_decref(root);
    if (rc == 0)
        printf("\nwrote %s (%.1f s)\n", o.json, wall);
    for (size_t i = 0; i < n; i++)
        bench_pair_free(&rows[i].pair);
    return rc;
}
