/*
 * vectors_generate_cmd.c - option parsing of `vectors generate`, and the
 * `--all` matrix: METHOD 0-3 x the nine suites x the four credential
 * kinds, plus mixed-kind, EAD, message_4 and identifier-length variants;
 * `--creds DIR`: credential files (vectors_creds.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/numparse.h"
#include "../cbor/cbor.h"
#include "../common/datapath.h"
#include "../common/hex.h"
#include "cli.h"
#include "ead_arg.h"
#include "vector_gen.h"

static const int all_suites[] = {0, 1, 2, 3, 4, 5, 6, 24, 25};


/* --ead-N: one EAD item appended to message N's (ead_arg.h). */
static int add_ead(gen_opts *o, int k, const char *arg)
{
    return ead_arg_append(o->ead[k], sizeof o->ead[k], &o->ead_len[k], arg);
}

static void defaults(gen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->c_i[0] = 0x37, o->c_i_len = 1; /* as RFC 9529 trace 2 */
    o->c_r[0] = 0x27, o->c_r_len = 1;
}

/* The variants (--variant, and the --all matrix), each applied on top of
 * the other options: base (nothing more), ead (EAD on every message:
 * padding with and without a value and a non-critical item, and
 * message_4), longcid (C_I of 8 bytes, C_R of 7), emptycid (C_I empty, C_R
 * 0x18). 0, or -1 for an unknown name. */
static const char *const variant_names[] = {"base", "ead", "longcid", "emptycid", NULL};

static int variant_apply(gen_opts *o, const char *name)
{
    if (strcmp(name, "base") == 0) {
        o->variant = NULL;
    } else if (strcmp(name, "ead") == 0) {
        o->variant = "ead", o->message_4 = true;
        for (int k = 1; k <= 4; k++)
            if (add_ead(o, k, "0:e9") || add_ead(o, k, "0") || add_ead(o, k, "100:00"))
                return -1;
    } else if (strcmp(name, "longcid") == 0) {
        o->variant = "longcid";
        o->c_i_len = 8, o->c_r_len = 7;
        memcpy(o->c_i, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
        memcpy(o->c_r, "\xa1\xa2\xa3\xa4\xa5\xa6\xa7", 7);
    } else if (strcmp(name, "emptycid") == 0) {
        o->variant = "emptycid";
        o->c_i_len = 0, o->c_r[0] = 0x18, o->c_r_len = 1; /* C_R 0x18 needs a bstr */
    } else {
        return -1;
    }
    return 0;
}

/* Append token to out (a shell command), quoted when the shell would
 * change it. */
static void put_token(char *out, size_t cap, const char *token)
{
    size_t k = strlen(out);
    bool plain = token[0] != 0;
    for (const char *c = token; *c; c++)
        plain &= strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+-@",
                        *c) != NULL;
    if (plain || strchr(token, '\'') != NULL)
        snprintf(out + k, cap - k, " %s", token);
    else
        snprintf(out + k, cap - k, " '%s'", token);
}

/* The command that writes the same file (_source): `vectors generate`,
 * args (the other options as given), the variant unless base, the seed. */
static void command_of(const gen_opts *o, const char *args, char *out, size_t cap)
{
    char seed[32];
    snprintf(out, cap, "edhoc-harness vectors generate%s", args);
    if (o->variant != NULL && strcmp(o->variant, "mixed") != 0) {
        put_token(out, cap, "--variant");
        put_token(out, cap, o->variant);
    }
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    put_token(out, cap, "--seed");
    put_token(out, cap, seed);
}

static int write_one(const gen_opts *o, const char *path)
{
    json_t *j = gen_vector(o);
    if (j == NULL)
        return 1;
    int rc = gen_write_json(j, path);
    json_decref(j);
    return rc;
}

/* One file of the --all matrix: its options, variant and command. */
static int write_matrix_file(gen_opts *o, const char *variant, const char *path)
{
    char args[256], command[512];
    if (variant != NULL && variant_apply(o, variant) != 0)
        return 2;
    snprintf(args, sizeof args, " --method %d --suite %d --cred-i %s --cred-r %s", o->method,
             o->suite, gen_kind_name(o->kind_i), gen_kind_name(o->kind_r));
    command_of(o, args, command, sizeof command);
    o->command = command;
    return write_one(o, path);
}

static int generate_all(uint64_t seed, const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "vectors generate: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    int written = 0, rc = 0;
    char path[4096];
    gen_opts o;
    for (int method = 0; method < 4; method++)
        for (size_t s = 0; s < sizeof all_suites / sizeof all_suites[0]; s++) {
            int suite = all_suites[s];
            /* every credential kind on both sides */
            for (int k = 0; k < 4; k++) {
                defaults(&o);
                o.method = method, o.suite = suite, o.seed = seed;
                o.kind_i = o.kind_r = (gen_cred_kind)k;
                snprintf(path, sizeof path, "%s/m%d-s%d-%s.json", dir, method, suite,
                         gen_kind_name(o.kind_i));
                if ((rc = write_matrix_file(&o, NULL, path)) != 0)
                    return rc;
                written++;
            }
            defaults(&o);
            o.method = method, o.suite = suite, o.seed = seed;
            snprintf(path, sizeof path, "%s/m%d-s%d-kid-ead-msg4.json", dir, method, suite);
            if ((rc = write_matrix_file(&o, "ead", path)) != 0)
                return rc;
            written++;
        }
    /* Mixed credential kinds and identifier lengths, on the two suites of
     * RFC 9529. */
    static const struct {
        gen_cred_kind i, r;
    } mixed[] = {{GEN_KID, GEN_X5CHAIN}, {GEN_X5T, GEN_KCCS}, {GEN_KCCS, GEN_X5T},
                 {GEN_X5CHAIN, GEN_KID}};
    for (int method = 0; method < 4; method++)
        for (int s = 0; s < 2; s++) {
            int suite = s == 0 ? 0 : 2;
            for (size_t k = 0; k < sizeof mixed / sizeof mixed[0]; k++) {
                defaults(&o);
                o.method = method, o.suite = suite, o.seed = seed;
                o.kind_i = mixed[k].i, o.kind_r = mixed[k].r;
                snprintf(path, sizeof path, "%s/m%d-s%d-%s-%s.json", dir, method, suite,
                         gen_kind_name(o.kind_i), gen_kind_name(o.kind_r));
                if ((rc = write_matrix_file(&o, NULL, path)) != 0)
                    return rc;
                written++;
            }
            static const char *const cid[] = {"longcid", "emptycid"};
            for (size_t v = 0; v < 2; v++) {
                defaults(&o);
                o.method = method, o.suite = suite, o.seed = seed;
                snprintf(path, sizeof path, "%s/m%d-s%d-kid-%s.json", dir, method, suite, cid[v]);
                if ((rc = write_matrix_file(&o, cid[v], path)) != 0)
                    return rc;
                written++;
            }
        }
    printf("vectors generate: wrote %d files to %s\n", written, dir);
    return 0;
}

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: edhoc-harness vectors generate --method M --suite S --cred-i KIND --cred-r KIND\n"
            "           [--ead-1 LABEL[:HEX[*N]]]... [--ead-2 ...] [--ead-3 ...] [--ead-4 ...]\n"
            "           [--c-i HEX] [--c-r HEX] [--message-4] [--variant V[,V...]] --seed N\n"
            "           [--out FILE|DIR]\n"
            "       edhoc-harness vectors generate --all --seed N --out DIR\n"
            "       edhoc-harness vectors generate --negatives BASE.json --out DIR\n"
            "       edhoc-harness vectors generate --creds DIR --seed N\n"
            "       edhoc-harness vectors generate -h|--help\n"
            "KIND: kid | kccs | x5t | x5chain. Without --out, one file goes to stdout.\n"
            "V: base | ead (EAD on every message, message_4) | longcid | emptycid, on top of\n"
            "the other options; several need --out DIR (one file each, mM-sS-KI-KR-V.json).\n"
            "Each file's _source is the command that writes it again.\n"
            "A relative --negatives BASE.json not found in the working directory is looked\n"
            "up in $EDHOC_HARNESS_DATA, then in <bin>/../share/edhoc-harness (installed).\n"
            "exit codes: 0 written, 1 generation failed, 2 usage error or unusable input\n");
    return rc;
}

/* Options that take a value (the rest are flags). */
static bool takes_value(const char *a)
{
    static const char *const names[] = {"--method", "--suite", "--cred-i", "--cred-r",
                                        "--ead-1",  "--ead-2", "--ead-3",  "--ead-4",
                                        "--c-i",    "--c-r",   "--seed",   "--out",
                                        "--negatives", "--creds", "--variant", NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(a, names[i]) == 0)
            return true;
    return false;
}

/* The files of a single-file call, one per --variant (none: one file, at
 * out, or on stdout when out is NULL). args: the options as given, for
 * _source. */
static int generate_variants(gen_opts *user, const char *variants, const char *args,
                             const char *out)
{
    static char command[70000];
    static gen_opts o;
    char list[256], path[4096];
    size_t n = 0;
    if (variants != NULL && strlen(variants) >= sizeof list)
        return 2;
    snprintf(list, sizeof list, "%s", variants ? variants : "base");
    for (const char *c = list; *c; c++)
        n += *c == ',';
    if (n > 0 && out == NULL) {
        fprintf(stderr, "vectors generate: several --variant values need --out DIR\n");
        return 2;
    }
    if (n > 0 && mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "vectors generate: cannot create %s: %s\n", out, strerror(errno));
        return 2;
    }
    char *save = NULL;
    for (char *v = strtok_r(list, ",", &save); v != NULL; v = strtok_r(NULL, ",", &save)) {
        o = *user;
        if (variant_apply(&o, v) != 0) {
            fprintf(stderr, "vectors generate: unknown --variant %s (one of:", v);
            for (size_t i = 0; variant_names[i]; i++)
                fprintf(stderr, " %s", variant_names[i]);
            fprintf(stderr, ")\n");
            return 2;
        }
        command_of(&o, args, command, sizeof command);
        o.command = command;
        int rc;
        if (n > 0) {
            snprintf(path, sizeof path, "%s/m%d-s%d-%s-%s-%s.json", out, o.method, o.suite,
                     gen_kind_name(o.kind_i), gen_kind_name(o.kind_r), v);
            rc = write_one(&o, path);
        } else if (out != NULL) {
            rc = write_one(&o, out);
        } else {
            json_t *j = gen_vector(&o);
            rc = j == NULL;
            if (j != NULL) {
                json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                putchar('\n');
                json_decref(j);
            }
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int cli_vectors_generate(int argc, char **argv)
{
    static gen_opts o;
    static char args[65536]; /* the options as given, for _source */
    defaults(&o);
    args[0] = 0;
    bool all = false, have_method = false, have_suite = false, have_seed = false;
    bool have_ki = false, have_kr = false;
    const char *out = NULL, *negatives = NULL, *creds = NULL, *variants = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return usage(stdout, 0);
        if (strcmp(a, "--all") == 0) {
            all = true;
            continue;
        }
        if (strcmp(a, "--message-4") == 0) {
            o.message_4 = true;
            put_token(args, sizeof args, a);
            continue;
        }
        if (!takes_value(a)) {
            fprintf(stderr, "vectors generate: unknown option %s\n", a);
            return usage(stderr, 2);
        }
        if (v == NULL) {
            fprintf(stderr, "vectors generate: %s needs a value\n", a);
            return usage(stderr, 2);
        }
        i++;
        if (strcmp(a, "--out") != 0 && strcmp(a, "--seed") != 0 && strcmp(a, "--variant") != 0) {
            put_token(args, sizeof args, a);
            put_token(args, sizeof args, v);
        }
        if (strcmp(a, "--method") == 0) {
            if (eh_parse_int(v, 0, 3, &o.method) != 0) {
                fprintf(stderr, "vectors generate: --method must be 0..3\n");
                return 2;
            }
            have_method = true;
        } else if (strcmp(a, "--suite") == 0) {
            if (eh_parse_int(v, 0, 65535, &o.suite) != 0 || eh_suite_by_id(o.suite) == NULL) {
                fprintf(stderr, "vectors generate: --suite must be one of 0 1 2 3 4 5 6 24 25\n");
                return 2;
            }
            have_suite = true;
        } else if (strcmp(a, "--cred-i") == 0 || strcmp(a, "--cred-r") == 0) {
            gen_cred_kind *k = a[7] == 'i' ? &o.kind_i : &o.kind_r;
            if (gen_kind_parse(v, k)) {
                fprintf(stderr, "vectors generate: %s must be kid, kccs, x5t or x5chain\n", a);
                return 2;
            }
            *(a[7] == 'i' ? &have_ki : &have_kr) = true;
        } else if (strncmp(a, "--ead-", 6) == 0 && a[6] >= '1' && a[6] <= '4' && a[7] == 0) {
            if (add_ead(&o, a[6] - '0', v)) {
                fprintf(stderr, "vectors generate: %s: expected LABEL[:HEX[*N]], e.g. 0:e9 or "
                                "0:00*8200\n", a);
                return 2;
            }
        } else if (strcmp(a, "--c-i") == 0 || strcmp(a, "--c-r") == 0) {
            bool ci = a[4] == 'i';
            if (eh_hex_decode(v, ci ? o.c_i : o.c_r, EH_MAX_CONN_ID, ci ? &o.c_i_len : &o.c_r_len)) {
                fprintf(stderr, "vectors generate: %s: expected hex of at most %d bytes\n", a,
                        EH_MAX_CONN_ID);
                return 2;
            }
        } else if (strcmp(a, "--seed") == 0) {
            unsigned long seed;
            if (eh_parse_ulong(v, ULONG_MAX, &seed) != 0) {
                fprintf(stderr, "vectors generate: --seed must be a number 0..%lu\n", ULONG_MAX);
                return 2;
            }
            o.seed = seed;
            have_seed = true;
        } else if (strcmp(a, "--out") == 0) {
            out = v;
        } else if (strcmp(a, "--variant") == 0) {
            variants = v;
        } else if (strcmp(a, "--negatives") == 0) {
            negatives = v;
        } else if (strcmp(a, "--creds") == 0) {
            creds = v;
        } else {
            fprintf(stderr, "vectors generate: unknown option %s\n", a);
            return usage(stderr, 2);
        }
    }
    if (negatives != NULL) {
        json_error_t jerr;
        char path[PATH_MAX];
        json_t *base = json_load_file(eh_data_path(negatives, path, sizeof path),
                                      JSON_PRESERVE_ORDER, &jerr);
        int count = 0;
        if (base == NULL || out == NULL) {
            fprintf(stderr, "vectors generate: --negatives needs a readable vector file and --out DIR\n");
            json_decref(base);
            return 2;
        }
        int rc = gen_negatives(base, out, &count);
        json_decref(base);
        if (rc == 0)
            printf("vectors generate: wrote %d negative files to %s\n", count, out);
        return rc;
    }
    if (!have_seed) {
        fprintf(stderr, "vectors generate: --seed is required (the output is reproducible from it)\n");
        return 2;
    }
    if (creds != NULL) {
        int count = 0, rc = gen_creds(o.seed, creds, &count);
        if (rc == 0)
            printf("vectors generate: wrote %d credential files to %s\n", count, creds);
        return rc;
    }
    if (all) {
        if (out == NULL) {
            fprintf(stderr, "vectors generate: --all needs --out DIR\n");
            return 2;
        }
        return generate_all(o.seed, out);
    }
    if (!have_method || !have_suite || !have_ki || !have_kr) {
        fprintf(stderr, "vectors generate: --method, --suite, --cred-i and --cred-r are required\n");
        return usage(stderr, 2);
    }
    return generate_variants(&o, variants, args, out);
}
