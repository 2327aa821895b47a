/* diff_cmd.c - `diff OLD.json NEW.json [--html FILE]`: what changed between
 * two runs (report/diff.h). */
#include <stdio.h>
#include <string.h>

#include "../report/diff.h"
#include "cli.h"

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: edhoc-harness diff OLD.json NEW.json [--html FILE]\n"
               "\n"
               "Compares two JSON reports of `run` job by job (scenario id and IUT role):\n"
               "new failures, changed reasons (another step, message, field or reason),\n"
               "fixed, no longer run, newly run.\n"
               "\n"
               "  --html FILE  the same as a static page (written atomically)\n"
               "  -h, --help   this text\n"
               "\n"
               "exit codes: 0 nothing got worse, 1 a new failure or a changed reason,\n"
               "            2 unusable input or a usage error, 3 the page could not be written\n");
    return rc;
}

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    if (doc == NULL)
        fprintf(stderr, "diff: %s: %s (line %d)\n", path, err.text, err.line);
    return doc;
}

int cli_diff(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL}, *html = NULL;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return usage(stdout, 0);
        if (strcmp(argv[i], "--html") == 0 && i + 1 < argc) {
            html = argv[++i];
        } else if (argv[i][0] == '-' || n == 2) {
            fprintf(stderr, "diff: unexpected argument %s\n", argv[i]);
            return usage(stderr, 2);
        } else {
            files[n++] = argv[i];
        }
    }
    if (n != 2)
        return usage(stderr, 2);
    json_t *old_doc = load(files[0]), *new_doc = old_doc ? load(files[1]) : NULL;
    const char *why = "";
    json_t *diff = new_doc ? report_diff(old_doc, new_doc, &why) : NULL;
    if (new_doc != NULL && diff == NULL)
        fprintf(stderr, "diff: %s / %s: %s\n", files[0], files[1], why);
    json_decref(old_doc), json_decref(new_doc);
    if (diff == NULL)
        return 2;
    int rc = report_diff_worse(diff) ? 1 : 0;
    if (report_diff_print(diff, stdout) != 0)
        rc = 3;
    if (html != NULL && report_diff_write_html(diff, html) != 0) {
        perror("diff: cannot write the page");
        rc = 3;
    }
    json_decref(diff);
    return rc;
}
