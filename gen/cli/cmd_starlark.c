/* gen/cli/cmd_starlark.c — `yoe starlark [-o OPTION]... FILE|-`: run one
 * Starlark file with the standard universe.  print() writes to stdout;
 * an error is printed to stderr as `path:line:col: error: message` with
 * one `  at ...` line per frame, and the exit status is 1.  load("x.star")
 * reads x.star relative to the directory of the file that loads it. */
#include "cli/cli.h"
#include "starlark/starlark.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loaded modules by path; a NULL module marks a load in progress (cycle). */
struct loaded {
	char *path;
	struct sl_module *m;
	struct loaded *next;
};
static struct loaded *loaded;
static const char *current_file;

static struct sl_module *load_module(sl_thread *th, const char *name, void *ud)
{
	char dir[4096], path[8192];
	snprintf(dir, sizeof dir, "%s", current_file);
	if (name[0] == '/' || strcmp(current_file, "-") == 0)
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/%s", dirname(dir), name);
	for (struct loaded *l = loaded; l; l = l->next)
		if (strcmp(l->path, path) == 0) {
			if (!l->m)
				sl_error(th, "cannot load %s: cycle in load graph", name);
			return l->m;
		}
	/* interpreter memory, so the collector sees the cached modules */
	struct loaded *l = sl_alloc(sizeof *l);
	l->path = sl_strdup(path);
	l->next = loaded;
	loaded = l;
	const char *saved = current_file;
	current_file = l->path;
	l->m = sl_exec_file(th, path, NULL, 0, NULL);
	current_file = saved;
	return l->m;
}

extern const struct command cmd_starlark;

static int run(int argc, char **argv)
{
	unsigned opts = 0;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-o") == 0 || strncmp(a, "-o", 2) == 0) {
			const char *name = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
			if (!name)
				return usage_error(&cmd_starlark, "-o needs an option name");
			unsigned f = sl_option_parse(name);
			if (!f)
				return usage_error(&cmd_starlark, "unknown option '%s' (want set, while, recursion, "
				                   "globalreassign, toplevelcontrol or loadbindsglobally)", name);
			opts |= f;
		} else if (strcmp(a, "--") == 0 && i + 1 < argc && !file) {
			file = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return usage_error(&cmd_starlark, "unknown flag '%s'", a);
		} else if (!file) {
			file = a;
		} else {
			return usage_error(&cmd_starlark, "unexpected argument '%s'", a);
		}
	}
	if (!file)
		return usage_error(&cmd_starlark, "missing FILE (or - for stdin)");
	/* everything this command keeps lives in the interpreter: collect */
	sl_gc_enable(true);
	sl_thread *th = sl_thread_new();
	sl_thread_set_options(th, opts);
	sl_thread_set_load(th, load_module, NULL);
	current_file = file;
	struct sl_module *m = sl_exec_file(th, file, NULL, 0, NULL);
	fflush(stdout);
	int status = 0;
	if (!m) {
		struct sl_buf b = SL_BUF_INIT;
		sl_error_format(th, &b);
		fputs(b.data ? b.data : "error\n", stderr);
		sl_buf_free(&b);
		status = 1;
	}
	sl_thread_free(th);
	return status;
}

const struct command cmd_starlark = {
	"starlark", "run a Starlark file",
	"usage: yoe starlark [-o OPTION]... FILE|-\n"
	"\n"
	"Runs FILE (or standard input for -) with the standard Starlark universe.\n"
	"print() writes to standard output; an error is reported on standard error\n"
	"as `path:line:col: error: message` followed by one `  at path:line:col in fn`\n"
	"line per call frame, and the exit status is 1.  load(\"x.star\", ...) reads\n"
	"x.star relative to the directory of the loading file.\n"
	"\n"
	"Options (-o NAME, repeatable) enable dialect features that are off by default:\n"
	"  set                the set() builtin\n"
	"  while              while loops\n"
	"  recursion          recursive function calls\n"
	"  globalreassign     assigning a global more than once\n"
	"  toplevelcontrol    if/for/while statements at top level\n"
	"  loadbindsglobally  load() binds globals instead of file-local names\n",
	run,
};
