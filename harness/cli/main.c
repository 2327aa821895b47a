/*
 * edhoc-harness - command-line entry point: dispatches subcommands.
 * Exit codes: 0 success, 1 a check failed, 2 usage or input error.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../crypto/crypto.h"
#include "../common/version.h"
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: edhoc-harness <command> [options]\n"
               "\n"
               "commands:\n"
               "  vectors check FILE...   recompute every value of EDHOC vector files\n"
               "                          (format: vectors/README.md) in both roles\n"
               "  vectors generate ...    write vector files (--help for options)\n"
               "  vectors render FILE     a vector file as RFC 9529 presents a trace (--help)\n"
               "  peer initiator|responder [options]\n"
               "                          the reference peer over CoAP or UDP (--help)\n"
               "  run [PATH...] --peer FILE [options]\n"
               "                          the conformance scenarios against an IUT (--help)\n"
               "  matrix --peers A.yaml B.yaml ... --out DIR [options]\n"
               "                          every IUT against the harness and every ordered pair\n"
               "                          of IUTs through a relay; matrix.json, index.html (--help)\n"
               "  serve [PATH...] [--host H] [--port N] [--out DIR] ...\n"
               "                          a reference Responder that IUT Initiators connect to;\n"
               "                          the test is picked by the request's path (--help)\n"
               "  coverage [PATH...] [--format md|json]\n"
               "                          requirement -> scenarios -> last result (--help)\n"
               "  explore --peer FILE --role initiator|responder [--depth N] ...\n"
               "                          every message sequence up to a depth, judged against\n"
               "                          the state model of RFC 9528 (--help)\n"
               "  diff OLD.json NEW.json  what changed between two runs (--help)\n"
               "  merge OUT_DIR PART...   the parts of a run made with run --shard K/N, one\n"
               "                          run's reports again (--help)\n"
               "  dissector               the path of the EDHOC dissector for Wireshark (--help)\n"
               "  --version               the harness's version (git describe of its tree)\n"
               "  help, -h, --help        this text\n"
               "\n"
               "Every command takes --help. Relative input paths not found in the working\n"
               "directory are looked up in $EDHOC_HARNESS_DATA, then in\n"
               "<bin>/../share/edhoc-harness (installed); see edhoc-harness(1).\n"
               "exit codes: 0 success, 1 a check failed, 2 usage or input error\n");
}

int main(int argc, char **argv)
{
    /* A reader that goes away (`run ... | head -1`) must not kill the run
     * before it has stopped its IUTs and written its reports: writes to it
     * fail with EPIPE instead. Launched IUTs get the default back
     * (runner/iut.c resets every signal before exec). */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("edhoc-harness %s\n", eh_version());
        return 0;
    }
    if (eh_crypto_init() != EH_OK) {
        fprintf(stderr, "edhoc-harness: crypto library initialisation failed\n");
        return 2;
    }
    if (strcmp(argv[1], "vectors") == 0)
        return cli_vectors(argc - 2, argv + 2);
    if (strcmp(argv[1], "peer") == 0)
        return cli_peer(argc - 2, argv + 2);
    if (strcmp(argv[1], "run") == 0)
        return cli_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "matrix") == 0)
        return cli_matrix(argc - 2, argv + 2);
    if (strcmp(argv[1], "serve") == 0)
        return cli_serve(argc - 2, argv + 2);
    if (strcmp(argv[1], "coverage") == 0)
        return cli_coverage(argc - 2, argv + 2);
    if (strcmp(argv[1], "explore") == 0)
        return cli_explore(argc - 2, argv + 2);
    if (strcmp(argv[1], "diff") == 0)
        return cli_diff(argc - 2, argv + 2);
    if (strcmp(argv[1], "merge") == 0)
        return cli_merge(argc - 2, argv + 2);
    if (strcmp(argv[1], "dissector") == 0)
        return cli_dissector(argc - 2, argv + 2);
    fprintf(stderr, "edhoc-harness: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
