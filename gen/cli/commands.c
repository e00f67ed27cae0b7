/* gen/cli/commands.c — the table of `yoe` subcommands, in `--help` order.
 * Add a command by writing gen/cli/cmd_<name>.c and listing it here. */
#include "cli/cli.h"

#include <stddef.h>

extern const struct command cmd_help, cmd_info, cmd_gen, cmd_explain, cmd_init, cmd_module;
extern const struct command cmd_query, cmd_desc, cmd_refs, cmd_graph, cmd_audit;
extern const struct command cmd_key;
extern const struct command cmd_starlark;
extern const struct command cmd_run;

const struct command *const commands[] = {
	&cmd_init,
	&cmd_gen,
	&cmd_module,
	&cmd_run,
	&cmd_explain,
	&cmd_info,
	&cmd_query,
	&cmd_desc,
	&cmd_refs,
	&cmd_graph,
	&cmd_audit,
	&cmd_key,
	&cmd_starlark,
	&cmd_help,
	NULL,
};
