/* runtime/fetch/cli.h — the `fetch-and-verify` command line: parses the
 * subcommand and its options and calls the library (fetch.h). */
#ifndef YOE_FETCH_CLI_H
#define YOE_FETCH_CLI_H

/* fetch_cli runs one command; returns the exit status (0 ok, 1 failed,
 * 2 usage error). */
int fetch_cli(int argc, char **argv);

#endif
