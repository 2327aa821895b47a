/* dissector_cmd.c - `edhoc-harness dissector`: the path of the EDHOC dissector
 * for Wireshark shipped with the harness (wireshark/edhoc.lua), found as every
 * data file is (common/datapath.h), so that
 *   tshark -X lua_script:$(edhoc-harness dissector) ...
 * works from the source tree and from an installed copy. */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/datapath.h"
#include "cli.h"

#define DISSECTOR "wireshark/edhoc.lua"

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: edhoc-harness dissector\n"
               "\n"
               "Prints the absolute path of the EDHOC dissector for Wireshark and tshark\n"
               "(a Lua plugin; wireshark/README.md): load it with\n"
               "  tshark -X lua_script:$(edhoc-harness dissector) -o edhoc.keylog_file:KEYS -r PCAP -V\n"
               "or copy it into Wireshark's personal Lua plugins folder. Every transcript\n"
               "of `run` names the whole command for its capture.\n"
               "\n"
               "  -h, --help   this text\n"
               "\n"
               "exit codes: 0 printed, 2 usage error or the file is not found\n");
    return rc;
}

const char *cli_dissector_path(char *out, size_t cap)
{
    char found[PATH_MAX];
    const char *p = eh_data_path(DISSECTOR, found, sizeof found);
    if (access(p, R_OK) != 0)
        return NULL;
    char abs[PATH_MAX];
    if (realpath(p, abs) == NULL)
        return NULL;
    return (size_t)snprintf(out, cap, "%s", abs) < cap ? out : NULL;
}

int cli_dissector(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return usage(stdout, 0);
        fprintf(stderr, "dissector: unexpected argument %s\n", argv[i]);
        return usage(stderr, 2);
    }
    char path[PATH_MAX];
    if (cli_dissector_path(path, sizeof path) == NULL) {
        fprintf(stderr, "dissector: %s not found (in the working directory, $%s, or "
                        "<bin>/%s)\n",
                DISSECTOR, EH_DATA_ENV, EH_DATA_SHARE);
        return 2;
    }
    printf("%s\n", path);
    return 0;
}
