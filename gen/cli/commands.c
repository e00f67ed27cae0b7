/* gen/cli/commands.c — the table of `yoe` subcommands, in `--help` order.
 * Add a command by writing gen/cli/cmd_<name>.c and listing it here. */
#include "cli/cli.h"

#include <stddef.h>

extern const struct command cmd_help, cmd_info;

const struct command *const commands[] = {
	&cmd_info,
	&cmd_help,
	NULL,
};
