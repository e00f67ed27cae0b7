/* gen/cli/main.c — `yoe` entry point: global options and dispatch to the
 * subcommand table (gen/cli/commands.c). */
#include "cli/cli.h"
#include "lib/log.h"

#include <stdio.h>
#include <string.h>

struct cli_globals cli;

static void print_help(FILE *out)
{
	fprintf(out,
	        "usage: yoe [-C DIR] [-v] COMMAND [ARGS...]\n"
	        "\n"
	        "yoe compiles a Starlark-described embedded Linux product into a Ninja\n"
	        "build: `yoe gen && ninja image-<machine>`.\n"
	        "\n"
	        "Commands:\n");
	for (int i = 0; commands[i]; i++)
		fprintf(out, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
	        "\n"
	        "Options:\n"
	        "  -C DIR       run as if started in DIR (the project is found from there)\n"
	        "  -v           more output (repeat for more)\n"
	        "  -h, --help   this help;  `yoe help COMMAND` for one command\n"
	        "  --version    print the version\n"
	        "\n"
	        "Environment: YOE_PROJECT (project directory), YOE_LIBEXEC (helpers).\n");
}

int main(int argc, char **argv)
{
	log_init("yoe");
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_help(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("yoe %s\n", YOE_VERSION);
			return 0;
		} else if (!strcmp(a, "-C")) {
			if (++i >= argc) {
				fprintf(stderr, "yoe: option -C needs a directory (see 'yoe --help')\n");
				return 2;
			}
			cli.chdir = argv[i];
		} else if (!strncmp(a, "-C", 2)) {
			cli.chdir = a + 2;
		} else if (!strcmp(a, "-v")) {
			cli.verbose++;
		} else {
			fprintf(stderr, "yoe: unknown option '%s' (see 'yoe --help')\n", a);
			return 2;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return 2;
	}
	const struct command *cmd = command_find(argv[i]);
	if (!cmd) {
		fprintf(stderr, "yoe: unknown command '%s' (see 'yoe --help')\n", argv[i]);
		return 2;
	}
	if (wants_help(argc - i, argv + i)) {
		fputs(cmd->usage, stdout);
		return 0;
	}
	return cmd->run(argc - i, argv + i);
}
