/* gen/cli/cmd_help.c — `yoe help [COMMAND]`. */
#include "cli/cli.h"

#include <stdio.h>

static int run(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: yoe help COMMAND   (or `yoe --help` for the list)\n", stdout);
		return 0;
	}
	const struct command *c = command_find(argv[1]);
	if (!c) {
		fprintf(stderr, "yoe: unknown command '%s' (see 'yoe --help')\n", argv[1]);
		return 2;
	}
	fputs(c->usage, stdout);
	return 0;
}

const struct command cmd_help = {
	"help", "show help for a command",
	"usage: yoe help COMMAND\n\nShows the full help of one command.\n", run,
};
