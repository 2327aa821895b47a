/* cli.h - subcommands of edhoc-harness; each returns the process exit code. */
#ifndef EH_CLI_H
#define EH_CLI_H

/* `vectors check FILE...` (argv starts after "vectors"). */
int cli_vectors(int argc, char **argv);
/* `vectors generate ...` (argv starts after "generate"). */
int cli_vectors_generate(int argc, char **argv);
/* `vectors render FILE ...` (argv starts after "render"). */
int cli_vectors_render(int argc, char **argv);
/* `peer initiator|responder ...` (argv starts at the role). */
int cli_peer(int argc, char **argv);
/* `run ...` (argv starts after "run"). */
int cli_run(int argc, char **argv);
/* `matrix ...` (argv starts after "matrix"). */
int cli_matrix(int argc, char **argv);
/* `serve ...` (argv starts after "serve"). */
int cli_serve(int argc, char **argv);
/* `coverage ...` (argv starts after "coverage"). */
int cli_coverage(int argc, char **argv);
/* `explore ...` (argv starts after "explore"). */
int cli_explore(int argc, char **argv);
/* `diff OLD.json NEW.json ...` (argv starts after "diff"). */
int cli_diff(int argc, char **argv);
/* `merge OUT_DIR PART...` (argv starts after "merge"): a sharded run's parts. */
int cli_merge(int argc, char **argv);
int cli_dissector(int argc, char **argv);
/* The absolute path of wireshark/edhoc.lua as `dissector` finds it, in out;
 * NULL when it is not found or does not fit. */
const char *cli_dissector_path(char *out, size_t cap);

#endif
