/* vectors_render_cmd.c - `vectors render FILE [--format F]`: a vector file in
 * RFC 9529's presentation (vectors/render.h) on standard output. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../common/datapath.h"
#include "../vectors/render.h"
#include "cli.h"

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: edhoc-harness vectors render FILE [--format rfc9529|markdown|json]\n"
               "\n"
               "The vector file as RFC 9529 presents a trace: one section per message, each\n"
               "value a labelled block (name, Raw Value / CBOR Data Item / CBOR Sequence, its\n"
               "length, lower-case hex 23 bytes a line), CBOR diagnostic notation after the\n"
               "messages, PLAINTEXTs, info and context structures; on standard output.\n"
               "rfc9529 (default): plain text; markdown: headings and ~~~~ blocks, for an\n"
               "Internet-Draft; json: the same blocks as data.\n"
               "\n"
               "  --format F   rfc9529 | markdown | json\n"
               "  -h, --help   this text\n"
               "\n"
               "exit codes: 0 written, 2 unusable input or a usage error, 1 a write error\n");
    return rc;
}

int cli_vectors_render(int argc, char **argv)
{
    const char *file = NULL;
    render_format fmt = RENDER_RFC9529;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return usage(stdout, 0);
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "rfc9529") == 0)
                fmt = RENDER_RFC9529;
            else if (strcmp(f, "markdown") == 0)
                fmt = RENDER_MARKDOWN;
            else if (strcmp(f, "json") == 0)
                fmt = RENDER_JSON;
            else {
                fprintf(stderr, "vectors render: --format must be rfc9529, markdown or json\n");
                return 2;
            }
        } else if (argv[i][0] == '-' || file != NULL) {
            fprintf(stderr, "vectors render: unexpected argument %s\n", argv[i]);
            return usage(stderr, 2);
        } else {
            file = argv[i];
        }
    }
    if (file == NULL)
        return usage(stderr, 2);
    char path[PATH_MAX];
    vfile vf;
    if (vfile_load(&vf, eh_data_path(file, path, sizeof path)) != 0)
        return 2;
    int rc = vector_render(&vf, fmt, stdout);
    if (rc != 0)
        fprintf(stderr, "vectors render: cannot write to standard output\n");
    vfile_free(&vf);
    return rc;
}
