/* gen/cli/common.c — services shared by the subcommands: the command lookup,
 * usage errors, project discovery and the helpers' directory. */
#include "cli/cli.h"
#include "yoe/session.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct command *command_find(const char *name)
{
	for (int i = 0; commands[i]; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "yoe %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'yoe help %s')\n", cmd->name);
	return 2;
}

int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

static int has_project_file(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/PROJECT.star", dir);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *project_find(void)
{
	const char *start = cli.chdir;
	const char *why = "-C";
	if (!start && (start = getenv("YOE_PROJECT")) && *start)
		why = "YOE_PROJECT";
	else if (!cli.chdir)
		start = ".", why = NULL;
	char *dir = realpath(start, NULL);
	if (!dir) {
		fprintf(stderr, "yoe: error: %s%s%s: %s\n", why ? why : "", why ? " " : "",
		        start, strerror(errno));
		return NULL;
	}
	char *searched = strdup(dir);
	for (;;) {
		if (has_project_file(dir)) {
			free(searched);
			return dir;
		}
		if (!strcmp(dir, "/"))
			break;
		char *slash = strrchr(dir, '/');
		slash[slash == dir] = '\0'; /* keep the root's own slash */
	}
	fprintf(stderr,
	        "yoe: error: no PROJECT.star in %s or any parent directory "
	        "(run inside a project, use -C DIR or set YOE_PROJECT; `yoe init DIR` makes one)\n",
	        searched);
	free(searched);
	free(dir);
	return NULL;
}

const char *libexec_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	const char *env = getenv("YOE_LIBEXEC");
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s", env);
		return dir;
	}
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		snprintf(dir, sizeof dir, "/usr/local/libexec/yoe");
		return dir;
	}
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	struct stat st;
	snprintf(dir, sizeof dir, "%s/../libexec/yoe", self);
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *r = realpath(dir, NULL);
		if (r) {
			snprintf(dir, sizeof dir, "%s", r);
			free(r);
		}
		return dir;
	}
	snprintf(dir, sizeof dir, "%s", self);
	return dir;
}

int unit_args(const struct command *cmd, int argc, char **argv, struct yoe_load_opts *o,
              const char **name)
{
	*name = NULL;
	for (int i = 1; i < argc; i++) {
		int r = yoe_model_opt(argc, argv, &i, o);
		if (r < 0)
			return usage_error(cmd, "%s needs a value", argv[i]);
		if (r)
			continue;
		if (argv[i][0] == '-')
			return usage_error(cmd, "unknown option '%s'", argv[i]);
		if (*name)
			return usage_error(cmd, "one UNIT at a time");
		*name = argv[i];
	}
	if (!*name)
		return usage_error(cmd, "which unit? (yoe %s UNIT)", cmd->name);
	return 0;
}

int open_session(struct yoe_session *s, const struct yoe_load_opts *o)
{
	char *root = project_find();
	if (!root) {
		memset(s, 0, sizeof *s);
		return 1;
	}
	int rc = yoe_session_open(s, root, o);
	free(root);
	if (rc < 0) {
		yoe_session_close(s);
		return 1;
	}
	return 0;
}
