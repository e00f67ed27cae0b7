/* gen/emit/inputs.c — what `yoe gen` read, for the regeneration depfile:
 * every .star file the evaluation executed, every directory whose listing
 * decided which files ran (so adding or deleting a file regenerates; the
 * project root is the exception, see below), and
 * every file that feeds a unit key (files dirs, patches).  Only paths that
 * exist are listed, so a deleted file regenerates once and never loops. */
#include "emit/lower.h"
#include "emit/specs.h"
#include "yoe/session.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add(struct lower *l, struct strlist *to, struct yoe_project *p, const char *abs)
{
	const char *rel = yoe_relpath(p, abs);
	const char *path = *l->o->top && rel[0] != '/' ? ar_printf(&p->arena, "%s%s", l->o->top, rel)
	                                               : ar_strdup(&p->arena, rel);
	sv_push(to, path);
}

/* walk adds dir and every directory below it; with files, regular files too. */
static void walk(struct lower *l, struct yoe_project *p, const char *dir, bool files, int depth)
{
	struct stat st;
	if (depth > 32 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	add(l, &l->dirs, p, dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		const char *path = ar_printf(&p->arena, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(l, p, path, files, depth + 1);
		else if (files && S_ISREG(st.st_mode))
			add(l, &l->inputs, p, path);
	}
	closedir(d);
}

static void add_if_exists(struct lower *l, struct yoe_project *p, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		add(l, &l->inputs, p, path);
}

void lower_collect_inputs(struct lower *l, struct yoe_project *p)
{
	static const char *const phases[] = {"machines", "containers", "units", "images", "classes"};
	size_t n;
	const char **files = sm_keys(&p->files, &n);
	for (size_t i = 0; i < n; i++)
		add_if_exists(l, p, files[i]);
	free(files);
	add_if_exists(l, p, ar_printf(&p->arena, "%s/yoe.lock", p->root));
	/* Not the project root itself: build.ninja, its depfile and ninja's logs
	 * live there, so its mtime moves on every build (a regen loop). */
	for (size_t r = 0; r <= p->nmodules; r++) {
		const char *root = r == 0 ? p->root : p->modules[r - 1]->dir;
		if (r > 0 && !p->modules[r - 1]->available)
			continue;
		if (r > 0)
			add(l, &l->dirs, p, root); /* a MODULE.star appearing */
		for (size_t k = 0; k < sizeof phases / sizeof phases[0]; k++)
			walk(l, p, ar_printf(&p->arena, "%s/%s", root, phases[k]), false, 0);
	}
	for (size_t i = 0; i < p->nunits; i++) {
		const struct yoe_unit *u = p->units[i];
		for (size_t t = 0; t < u->ntasks; t++)
			for (size_t s = 0; s < u->tasks[t].nsteps; s++)
				if (u->tasks[t].steps[s].base_dir && *u->tasks[t].steps[s].base_dir)
					walk(l, p, u->tasks[t].steps[s].base_dir, true, 0);
	}
}
