/* gen/cli/cmd_init.c — `yoe init DIR [--machine M] [--template NAME]`: lay
 * down a new project from templates/<NAME>/ (default "default").
 *
 * Template files ending in .tmpl are rendered ({{name}}, {{machine}},
 * {{module_core}}) and lose the suffix; a file named `gitignore` becomes
 * `.gitignore`; everything else is copied.  The tree is staged in a hidden
 * directory inside DIR and its entries renamed into place, so a failure
 * leaves no half-made project, and an existing PROJECT.star is never
 * overwritten. */
#include "cli/cli.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const struct command cmd_init;

struct vars {
	const char *name, *machine, *module_core;
};

/* data_dir finds yoe's shared files: $YOE_DATADIR, the install's
 * share/yoe, or the source tree beside bin/. */
static const char *data_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("YOE_DATADIR");
	if (env && *env)
		return snprintf(dir, sizeof dir, "%s", env), dir;
	char self[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return "/usr/local/share/yoe";
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	struct stat st;
	snprintf(dir, sizeof dir, "%s/../share/yoe", self);
	if (stat(dir, &st) != 0) {
		snprintf(dir, sizeof dir, "%s/..", self);
	}
	char *r = realpath(dir, NULL);
	if (r) {
		snprintf(dir, sizeof dir, "%s", r);
		free(r);
	}
	return dir;
}

/* render replaces {{key}} fields; an unknown field is an error. */
static char *render(const char *path, const char *text, const struct vars *v)
{
	size_t cap = strlen(text) * 2 + 256, n = 0;
	char *out = malloc(cap);
	for (const char *s = text; out && *s;) {
		const char *open = strstr(s, "{{");
		size_t lit = open ? (size_t)(open - s) : strlen(s);
		const char *val = NULL;
		size_t skip = lit;
		if (open) {
			const char *close = strstr(open, "}}");
			size_t kl = close ? (size_t)(close - open - 2) : 0;
			if (close && kl == 4 && !strncmp(open + 2, "name", 4))
				val = v->name;
			else if (close && kl == 7 && !strncmp(open + 2, "machine", 7))
				val = v->machine;
			else if (close && kl == 11 && !strncmp(open + 2, "module_core", 11))
				val = v->module_core;
			if (!val) {
				fprintf(stderr, "yoe init: error: %s: unknown template field %.*s "
				        "(known: {{name}} {{machine}} {{module_core}})\n", path,
				        close ? (int)(close - open + 2) : 2, open);
				free(out);
				return NULL;
			}
			skip = lit + kl + 4;
		}
		size_t need = n + lit + (val ? strlen(val) : 0) + 1;
		if (need > cap) {
			char *o = realloc(out, cap = need * 2);
			if (!o) {
				free(out);
				return NULL;
			}
			out = o;
		}
		memcpy(out + n, s, lit);
		n += lit;
		if (val) {
			memcpy(out + n, val, strlen(val));
			n += strlen(val);
		}
		s += skip;
	}
	if (out)
		out[n] = '\0';
	return out;
}

/* A template's top-level NEXT file holds the commands `yoe init` suggests
 * after creating the project (default: yoe gen && ninja); not copied. */
#define NEXT_FILE "NEXT"

/* copy_tree renders/copies src into dst (which exists); top is the
 * template's root. */
static int copy_tree(const char *src, const char *dst, const struct vars *v, bool top)
{
	DIR *d = opendir(src);
	if (!d) {
		fprintf(stderr, "yoe init: error: %s: %s\n", src, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")
		    || (top && !strcmp(e->d_name, NEXT_FILE)))
			continue;
		char *from = path_join(src, e->d_name);
		char name[NAME_MAX + 2];
		snprintf(name, sizeof name, "%s", !strcmp(e->d_name, "gitignore") ? ".gitignore" : e->d_name);
		size_t nl = strlen(name);
		bool tmpl = nl > 5 && !strcmp(name + nl - 5, ".tmpl");
		if (tmpl)
			name[nl - 5] = '\0';
		char *to = path_join(dst, name);
		struct stat st;
		if (stat(from, &st) != 0) {
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = mkdir(to, 0755) == 0 || errno == EEXIST ? copy_tree(from, to, v, false) : -1;
		} else {
			size_t len = 0;
			char *text = read_file(from, &len);
			char *out = text && tmpl ? render(from, text, v) : NULL;
			const char *data = tmpl ? out : text;
			rc = data && write_file_if_changed(to, data, tmpl ? strlen(out) : len,
			                                   st.st_mode & 0777) >= 0 ? 0 : -1;
			if (rc && data)
				fprintf(stderr, "yoe init: error: cannot write %s: %s\n", to, strerror(errno));
			free(text);
			free(out);
		}
		free(from);
		free(to);
	}
	closedir(d);
	return rc;
}

static int run(int argc, char **argv)
{
	const char *dir = NULL, *machine = "qemu-x86_64", *tname = "default";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--machine") && i + 1 < argc)
			machine = argv[++i];
		else if (!strcmp(argv[i], "--template") && i + 1 < argc)
			tname = argv[++i];
		else if (argv[i][0] == '-' || dir)
			return usage_error(&cmd_init, "unexpected argument '%s'", argv[i]);
		else
			dir = argv[i];
	}
	if (!dir)
		return usage_error(&cmd_init, "which directory? (yoe init DIR)");
	char tdir[PATH_MAX], core[PATH_MAX], pfile[PATH_MAX];
	snprintf(tdir, sizeof tdir, "%s/templates/%s", data_dir(), tname);
	snprintf(core, sizeof core, "%s/modules/module-core", data_dir());
	struct stat st;
	if (stat(tdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "yoe init: error: no template '%s' (looked for %s)\n", tname, tdir);
		return 1;
	}
	if (mkdir_p(dir, 0755) != 0) {
		fprintf(stderr, "yoe init: error: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(pfile, sizeof pfile, "%s/PROJECT.star", dir);
	if (access(pfile, F_OK) == 0) {
		fprintf(stderr, "yoe init: error: %s already exists; yoe init never overwrites a "
		        "project (pick an empty directory)\n", pfile);
		return 1;
	}
	char *abs = realpath(dir, NULL);
	char *base = abs ? strrchr(abs, '/') + 1 : NULL;
	struct vars v = {base && *base ? base : "project", machine, core};
	char stage[PATH_MAX];
	snprintf(stage, sizeof stage, "%s/.yoe-init.XXXXXX", dir);
	int rc = mkdtemp(stage) && copy_tree(tdir, stage, &v, true) == 0 ? 0 : 1;
	/* Move every staged entry into place; refuse to replace anything. */
	DIR *d = rc == 0 ? opendir(stage) : NULL;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *from = path_join(stage, e->d_name), *to = path_join(dir, e->d_name);
		if (access(to, F_OK) == 0)
			fprintf(stderr, "yoe init: note: kept the existing %s\n", to);
		else if (rename(from, to) != 0)
			rc = 1, fprintf(stderr, "yoe init: error: %s: %s\n", to, strerror(errno));
		free(from);
		free(to);
	}
	if (d)
		closedir(d);
	rm_rf(stage);
	if (rc == 0) {
		char nfile[PATH_MAX + 8];
		snprintf(nfile, sizeof nfile, "%s/%s", tdir, NEXT_FILE);
		size_t nlen = 0;
		char *next = read_file(nfile, &nlen);
		if (next)
			next[strcspn(next, "\n")] = '\0';
		printf("yoe init: created project '%s' in %s (machine %s)\n"
		       "next: cd %s && %s\n", v.name, abs ? abs : dir, machine, dir,
		       next && *next ? next : "yoe gen && ninja");
		free(next);
	}
	free(abs);
	return rc;
}

const struct command cmd_init = {
	"init", "create a new project from a template",
	"usage: yoe init DIR [--machine M] [--template NAME]\n"
	"\n"
	"Creates DIR (if needed) with PROJECT.star, machines/, units/ and a .gitignore\n"
	"from yoe's templates/NAME (default: default).  The project uses yoe's own\n"
	"module-core from this installation.  Refuses to touch a directory that\n"
	"already holds a PROJECT.star.\n"
	"\n"
	"  --machine M     default machine (default qemu-x86_64)\n"
	"  --template NAME template directory under yoe's templates/\n",
	run,
};
