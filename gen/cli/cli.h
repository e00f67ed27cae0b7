/* gen/cli/cli.h — the `yoe` command line: the command table, global options
 * and the services every subcommand shares (finding the project and the
 * helpers).  Each subcommand lives in its own file gen/cli/cmd_<name>.c and
 * exports one `const struct command`; gen/cli/commands.c lists them. */
#ifndef YOE_CLI_H
#define YOE_CLI_H

struct command {
	const char *name;     /* as typed: `yoe <name>` */
	const char *summary;  /* one line for `yoe --help` */
	const char *usage;    /* full text for `yoe help <name>` / `<name> --help` */
	/* run gets argv with argv[0] = the command name; returns the exit status
	 * (0 ok, 1 failure, 2 usage error). */
	int (*run)(int argc, char **argv);
};

extern const struct command *const commands[]; /* NULL-terminated */
const struct command *command_find(const char *name);

/* Global options, set by main() before a command runs. */
struct cli_globals {
	const char *chdir;    /* -C DIR, or NULL */
	int verbose;          /* -v count */
};
extern struct cli_globals cli;

/* project_find walks up from -C DIR, $YOE_PROJECT or the current directory to
 * the first directory holding PROJECT.star.  Returns a malloc'd absolute path
 * of that directory, or NULL after printing an error that names where the
 * search started. */
char *project_find(void);

/* libexec_dir returns the directory holding the helpers: $YOE_LIBEXEC, else
 * <dir of yoe>/../libexec/yoe when it exists (installed), else the directory
 * of the yoe binary itself (the build tree's bin/).  Never NULL. */
const char *libexec_dir(void);

/* usage_error prints `yoe <cmd>: <msg>` and the hint to --help; returns 2. */
int usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* wants_help is true when argv has -h/--help before any `--`. */
int wants_help(int argc, char **argv);

struct yoe_load_opts;
/* unit_args parses `CMD [--machine M] [--distro D] UNIT` (the commands that
 * inspect one unit): 0 with *name set, or the usage error's exit status. */
int unit_args(const struct command *cmd, int argc, char **argv, struct yoe_load_opts *o,
              const char **name);

struct yoe_session;
/* open_session finds the project and evaluates and resolves it (errors
 * printed).  0 ok; 1 on failure, with the session already closed. */
int open_session(struct yoe_session *s, const struct yoe_load_opts *o);

#define YOE_VERSION "0.1.0"

#endif
