/*
 * explore_all.c - `explore --all-profiles`: one exploration per
 * configuration of the IUT, reports merged (harness/explore/README.md,
 * "Every profile").
 *
 * A configuration is a profile of the peer file in the run's message flow
 * (scenario/profile.h: its METHOD, suite, credentials, OSCORE), with message_4
 * unused and, where the profile has message_4, used (an IUT with message_4
 * is told {message_4} only when a scenario asks for it, so both are its
 * behaviours), over the run's --transport (a transport is not part of a
 * profile; raw UDP, whose silences cost a timeout each, is a run of its
 * own). Its label is the profile's, with "+m4" and "+udp"
 * (m3-s2-kid+m4+udp); its reports go to DIR/LABEL/.
 * DIR/results.json, junit.xml (and --html) hold every configuration's
 * results, each naming its label as `profile`; DIR/coverage.json says, per
 * requirement and outcome rule, in which configurations it was exercised.
 * The exit code is the worst: a deviation at MUST level 1; a configuration
 * that could not be explored, was interrupted or exercised nothing 3.
 *
 * Each configuration is explored by a child process of its own (its output
 * in DIR/LABEL/explore.log), o->parallel_configs of them at once: an IUT
 * Initiator's exploration mostly waits for timeouts, so configurations side
 * by side cost little CPU. This process reads their reports back, prints a
 * line per configuration, stops them on SIGINT/SIGTERM/SIGHUP and, as a
 * child subreaper (runner/reaper.h), stops whatever they leave behind.
 */
#define _GNU_SOURCE /* strdup */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/mkdirs.h"
#include "../report/report.h"
#include "../report/report_json.h"
#include "../runner/peer_template.h"
#include "../runner/reaper.h"
#include "../runner/run_html.h"
#include "../runner/runner.h"
#include "../scenario/profile.h"
#include "explore_internal.h"

#define MAX_CONFIGS (SC_MAX_PROFILES * 2)

typedef struct config {
    char label[64];   /* m3-s2-kid+m4+udp */
    char profile[64]; /* m3-s2-kid */
    bool message_4, udp;
    char dir[1100];   /* DIR/LABEL */
    pid_t pid;        /* its explorer while it runs, else 0 */
} config;

static void on_signal(int sig)
{
    (void)sig;
    explore_stop = 1;
}

/* A configuration's label: the profile's without a "+m4" that tells it from
 * a profile without message_4 (sc_profiles_label_apart), then "+m4" when
 * the configuration uses message_4, "+udp" over raw UDP. */
static void config_label(const char *profile, bool m4, bool udp, char *out, size_t cap)
{
    char base[64];
    snprintf(base, sizeof base, "%s", profile);
    char *t = strstr(base, "+m4");
    if (t != NULL && (t[3] == 0 || t[3] == '+' || t[3] == '#'))
        memmove(t, t + 3, strlen(t + 3) + 1);
    snprintf(out, cap, "%.50s%s%s", base, m4 ? "+m4" : "", udp ? "+udp" : "");
}

/* The configurations of pf in the flow (reverse or not); their number. A
 * profile with message_4 gives two (without it and with it); one that is
 * another's but for message_4 adds none of its own. */
static size_t list_configs(const peer_file *pf, const explore_opts *o, bool reverse,
                           config *out)
{
    bool udp = false;
    char why[256];
    if (explore_transport_udp(o, pf, &udp, why, sizeof why) != 0)
        udp = o->transport && strcmp(o->transport, "udp") == 0; /* refused by the caller */
    size_t n = 0;
    for (size_t i = 0; i < pf->n_profiles; i++) {
        const sc_profile *p = &pf->profiles[i];
        char label[64];
        if ((p->flow == SC_FLOW_REVERSE) != reverse ||
            sc_profile_label(p, label, sizeof label) != 0)
            continue;
        for (int m4 = 0; m4 <= (p->message_4 ? 1 : 0) && n < MAX_CONFIGS; m4++) {
            config *k = &out[n];
            config_label(label, m4, udp, k->label, sizeof k->label);
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(out[j].label, k->label) == 0;
            if (seen)
                continue;
            snprintf(k->profile, sizeof k->profile, "%s", label);
            k->message_4 = m4, k->udp = udp;
            n++;
        }
    }
    return n;
}

/* Add the classes of one configuration's coverage map (requirements or
 * outcome_rules) to the merged map: sequences summed, the label listed under
 * exercised_in or not_exercised_in. */
static void merge_classes(json_t *into, const json_t *from, const char *label)
{
    const char *name;
    json_t *k;
    json_object_foreach((json_t *)from, name, k) {
        json_t *m = json_object_get(into, name);
        if (m == NULL) {
            m = json_object();
            json_object_set_new(m, "sequences", json_integer(0));
            json_object_set_new(m, "exercised_in", json_array());
            json_object_set_new(m, "not_exercised_in", json_array());
            json_object_set_new(into, name, m);
        }
        json_int_t seq = json_integer_value(json_object_get(k, "sequences"));
        json_object_set_new(m, "sequences",
                            json_integer(json_integer_value(json_object_get(m, "sequences")) +
                                         seq));
        json_array_append_new(json_object_get(m, seq > 0 ? "exercised_in" : "not_exercised_in"),
                              json_string(label));
    }
}

/* An error result for a configuration that produced no verdict of its own. */
static void add_error(run_report *rep, const explore_opts *o, const config *k, const char *text)
{
    sc_result r;
    memset(&r, 0, sizeof r);
    snprintf(r.id, sizeof r.id, "explore/%.16s/configuration", o->role);
    snprintf(r.title, sizeof r.title, "The exploration in configuration %s", k->label);
    snprintf(r.area, sizeof r.area, "explore.%s", o->role);
    snprintf(r.role, sizeof r.role, "%s",
             strcmp(o->role, "responder") == 0 ? "initiator" : "responder");
    snprintf(r.level, sizeof r.level, "MUST");
    snprintf(r.profile, sizeof r.profile, "%s", k->label);
    snprintf(r.transport, sizeof r.transport, "%s", k->udp ? "udp" : "coap");
    snprintf(r.message, sizeof r.message, "configuration %s: %.3900s", k->label, text);
    r.v = V_ERROR;
    r.seed = o->seed;
    for (int m = 0; m < 5; m++)
        r.sizes[m] = -1;
    (void)run_report_add(rep, &r);
}

/* The child: explore one configuration with its output in DIR/LABEL/explore.log
 * and a set-up error's text in DIR/LABEL/setup-error.txt. Never returns. */
static void explore_child(const explore_opts *o, const config *k)
{
    char log[1200], scen[1100], why[512] = "";
    snprintf(log, sizeof log, "%s/explore.log", k->dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(RUN_EXIT_SETUP);
    close(fd);
    explore_opts one = *o;
    one.all_profiles = false;
    one.profile = k->profile;
    one.no_message_4 = !k->message_4;
    one.transport = k->udp ? "udp" : "coap";
    one.config_label = k->label;
    one.out_dir = k->dir;
    one.junit = one.json = one.html = NULL;
    if (o->write_scenarios) {
        snprintf(scen, sizeof scen, "%.1000s/%s", o->write_scenarios, k->label);
        one.write_scenarios = scen;
    }
    int rc = explore_one(&one, why, sizeof why);
    if (why[0]) {
        char path[1200];
        snprintf(path, sizeof path, "%s/setup-error.txt", k->dir);
        FILE *f = fopen(path, "w");
        if (f) {
            fprintf(f, "%s\n", why);
            fclose(f);
        }
    }
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
}

/* Read one configuration's results back into rep. The number added, or -1
 * (no readable report; why filled). */
static long read_results(run_report *rep, const config *k, char *why, size_t cap)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/results.json", k->dir);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    json_t *list = doc ? json_object_get(doc, "results") : NULL;
    if (!json_is_array(list)) {
        snprintf(why, cap, "no readable report %.400s (%.150s)", path, jerr.text);
        json_decref(doc);
        return -1;
    }
    long added = 0;
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) {
        sc_result r;
        char err[256];
        if (report_result_from_json(x, &r, err, sizeof err) != 0) {
            snprintf(why, cap, "%.400s: result %zu: %.150s", path, i, err);
            json_decref(doc);
            return -1;
        }
        if (run_report_add(rep, &r) != 0) {
            free(r.transcript);
            snprintf(why, cap, "out of memory");
            json_decref(doc);
            return -1;
        }
        added++;
    }
    json_decref(doc);
    return added;
}

/* The text of DIR/LABEL/setup-error.txt, or "" . */
static void read_why(const config *k, char *why, size_t cap)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/setup-error.txt", k->dir);
    why[0] = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    if (fgets(why, (int)cap, f) == NULL)
        why[0] = 0;
    why[strcspn(why, "\n")] = 0;
    fclose(f);
}

int explore_all_profiles(const explore_opts *o)
{
    if (o->profile || o->suites || o->message_4) {
        fprintf(stderr, "explore: --all-profiles takes the profiles from the peer file: "
                        "leave out --profile, --suites and --message-4\n");
        return RUN_EXIT_USAGE;
    }
    peer_file *pf = calloc(1, sizeof *pf);
    config *cfg = calloc(MAX_CONFIGS, sizeof *cfg);
    char err[512];
    int rc = RUN_EXIT_USAGE;
    run_report rep;
    run_report_init(&rep);
    json_t *reqs = json_object(), *rules = json_object(), *labels = json_array();
    struct sigaction sa, old_int, old_term, old_hup;
    bool handlers = false;
    if (pf == NULL || cfg == NULL || reqs == NULL || rules == NULL || labels == NULL) {
        fprintf(stderr, "explore: out of memory\n");
        goto out;
    }
    if (peer_file_load(o->peer_file, pf, err, sizeof err) != 0 ||
        peer_template_refused(pf, o->peer_file, o->allow_template, err, sizeof err)) {
        fprintf(stderr, "explore: %s\n", err);
        goto out;
    }
    bool udp_default;
    if (explore_transport_udp(o, pf, &udp_default, err, sizeof err) != 0) {
        fprintf(stderr, "explore: %s\n", err);
        goto out;
    }
    bool reverse = o->flow ? strcmp(o->flow, "reverse") == 0 : !sc_peer_has_forward_flow(pf);
    size_t n = list_configs(pf, o, reverse, cfg);
    if (n == 0) {
        fprintf(stderr, "explore: %s: no profile in the %s message flow\n", o->peer_file,
                reverse ? "reverse" : "forward");
        goto out;
    }
    if (reverse && o->transport && strcmp(o->transport, "udp") == 0) {
        fprintf(stderr, "explore: the reverse message flow is CoAP's (RFC 9528 Appendix "
                        "A.2.2): --transport udp has no client and server\n");
        goto out;
    }
    if (eh_mkdirs(o->out_dir) != 0) {
        fprintf(stderr, "explore: exit %d (set-up error): cannot create %s\n", RUN_EXIT_SETUP,
                o->out_dir);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    int at_once = o->parallel_configs > 0 ? o->parallel_configs : 1;
    printf("edhoc-harness explore --all-profiles: IUT %s (%s %s), %zu configurations, "
           "depth %d, %d at once; each one's reports and log in %s/LABEL/\n", o->role,
           pf->name, pf->version, n, o->depth, at_once, o->out_dir);
    fflush(stdout);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: waitpid returns */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    handlers = true;
    (void)reaper_become();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t deviating = 0, failed = 0, done = 0, next = 0, running = 0;
    bool must = false, setup = false, forwarded = false, cannot_fork = false;
    while (next < n || running > 0) {
        while (next < n && running < (size_t)at_once && !explore_stop && !cannot_fork) {
            config *k = &cfg[next];
            snprintf(k->dir, sizeof k->dir, "%.1000s/%s", o->out_dir, k->label);
            char stale[1200];
            const char *const files[] = {"results.json", "coverage.json", "setup-error.txt"};
            bool made = eh_mkdirs(k->dir) == 0;
            for (size_t f = 0; made && f < 3; f++) {
                snprintf(stale, sizeof stale, "%s/%s", k->dir, files[f]);
                unlink(stale);
            }
            fflush(stdout);
            fflush(stderr);
            pid_t pid = made ? fork() : -1;
            if (pid == 0)
                explore_child(o, k);
            if (pid < 0) {
                fprintf(stderr, "explore: configuration %s: %s\n", k->label,
                        made ? "cannot fork" : "cannot create its directory");
                cannot_fork = true;
                break;
            }
            k->pid = pid;
            next++, running++;
        }
        if (running == 0)
            break;
        if (explore_stop && !forwarded) {
            for (size_t i = 0; i < next; i++)
                if (cfg[i].pid > 0)
                    kill(cfg[i].pid, SIGTERM);
            forwarded = true;
        }
        int status;
        pid_t w = waitpid(-1, &status, 0);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break; /* ECHILD: none left */
        }
        config *k = NULL;
        for (size_t i = 0; i < next && k == NULL; i++)
            if (cfg[i].pid == w)
                k = &cfg[i];
        if (k == NULL)
            continue; /* an orphan of a child's IUT, reaped (reaper.h) */
        k->pid = 0;
        running--, done++;
        int r = WIFEXITED(status) ? WEXITSTATUS(status) : RUN_EXIT_SETUP;
        char why[600] = "";
        size_t before = rep.n;
        long got = read_results(&rep, k, why, sizeof why);
        char path[1200];
        snprintf(path, sizeof path, "%s/coverage.json", k->dir);
        json_t *cov = json_load_file(path, 0, NULL);
        json_array_append_new(labels, json_string(k->label));
        if (cov) {
            merge_classes(reqs, json_object_get(cov, "requirements"), k->label);
            merge_classes(rules, json_object_get(cov, "outcome_rules"), k->label);
            json_decref(cov);
        }
        size_t fails = 0, nonstrict = 0, errors = 0;
        for (size_t i = before; i < rep.n; i++) {
            const sc_result *x = &rep.results[i];
            fails += x->v == V_FAIL, nonstrict += x->v == V_NONSTRICT, errors += x->v == V_ERROR;
            if (x->v != V_PASS)
                printf("  %s %s [%s]\n    %.600s\n", x->v == V_FAIL ? "FAIL     " :
                       x->v == V_ERROR ? "ERROR    " : "NONSTRICT", x->id, x->profile,
                       x->message);
        }
        if (r == RUN_EXIT_FAILED)
            must = true, deviating++;
        else if (r != RUN_EXIT_OK || got < 0) {
            setup = true, failed++;
            char text[2400];
            if (!WIFEXITED(status))
                snprintf(text, sizeof text, "its explorer died of signal %d (log: %s/explore.log)",
                         WTERMSIG(status), k->dir);
            else {
                char setup_why[512];
                read_why(k, setup_why, sizeof setup_why);
                snprintf(text, sizeof text, "%.600s (exit %d; log: %s/explore.log)",
                         setup_why[0] ? setup_why
                         : r == RUN_EXIT_EMPTY ? "no transition was exercised: nothing was tested"
                         : got < 0 ? why : "no verdict", r, k->dir);
            }
            if (got <= 0 || r == RUN_EXIT_USAGE || r == RUN_EXIT_EMPTY || !WIFEXITED(status))
                add_error(&rep, o, k, text);
        }
        printf("[%zu/%zu] %s: exit %d, %ld results (%zu fail, %zu non-strict, %zu error)\n",
               done, n, k->label, r, got < 0 ? 0L : got, fails, nonstrict, errors);
        fflush(stdout);
    }
    (void)reaper_sweep();
    bool interrupted = explore_stop != 0;
    /* the merged reports */
    rep.interrupted = interrupted;
    snprintf(rep.peer, sizeof rep.peer, "%s", pf->name);
    snprintf(rep.peer_version, sizeof rep.peer_version, "%s", pf->version);
    rep.seed = o->seed;
    time_t now = time(NULL);
    strftime(rep.started, sizeof rep.started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    char path[1100];
    size_t unwritten = 0;
    snprintf(path, sizeof path, "%.1000s/junit.xml", o->out_dir);
    unwritten += report_write_junit(&rep, o->junit ? o->junit : path) != 0;
    snprintf(path, sizeof path, "%.1000s/results.json", o->out_dir);
    unwritten += report_write_json(&rep, o->json ? o->json : path) != 0;
    if (o->html)
        unwritten += run_write_html(o->html, pf, &rep, "none", NULL) != 0;
    json_t *doc = json_object();
    json_object_set_new(doc, "format", json_string("edhoc-harness-explore-coverage"));
    json_object_set_new(doc, "schema", json_integer(1));
    json_object_set_new(doc, "role", json_string(o->role));
    json_object_set_new(doc, "depth", json_integer(o->depth));
    json_object_set_new(doc, "configurations", json_incref(labels));
    json_object_set_new(doc, "per_configuration", json_string("LABEL/coverage.json"));
    json_object_set_new(doc, "requirements", json_incref(reqs));
    json_object_set_new(doc, "outcome_rules", json_incref(rules));
    snprintf(path, sizeof path, "%.1000s/coverage.json", o->out_dir);
    unwritten += report_write_json_doc(doc, path) != 0;
    json_decref(doc);
    if (unwritten)
        fprintf(stderr, "explore: cannot write the merged reports in %s\n", o->out_dir);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t counts[V_COUNT_];
    run_report_counts(&rep, counts);
    printf("\nsummary of --all-profiles: %zu of %zu configurations explored, %zu with a MUST-level "
           "deviation, %zu without a verdict; %zu results (%zu fail, %zu non-strict, %zu error); "
           "%.2f s\n", done, n, deviating, failed, rep.n, counts[V_FAIL], counts[V_NONSTRICT],
           counts[V_ERROR],
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    rc = unwritten || interrupted || done < n || cannot_fork ? RUN_EXIT_SETUP
         : must                               ? RUN_EXIT_FAILED
         : setup                              ? RUN_EXIT_SETUP
                                              : RUN_EXIT_OK;
    if (rc == RUN_EXIT_SETUP)
        fprintf(stderr, "explore: exit %d (set-up error or no verdict): %s\n", rc,
                unwritten     ? "a merged report could not be written"
                : interrupted ? "the exploration was interrupted"
                              : "a configuration could not be explored (its error result says "
                                "why)");
out:
    if (handlers) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
    }
    json_decref(reqs);
    json_decref(rules);
    json_decref(labels);
    run_report_free(&rep);
    free(pf);
    free(cfg);
    return rc;
}
