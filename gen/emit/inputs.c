/* gen/emit/inputs.c — what `yoe gen` read, the inputs of the regeneration
 * edge: every .star file the evaluation executed, every directory whose
 * listing decided which files ran (so adding or deleting a file
 * regenerates; the project root is the exception, see below), and every
 * file that feeds a unit key (files dirs, patches).  Only paths that exist
 * are listed, so a deleted file regenerates once and never loops. */
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
	const char *top = l->o->top;
	if (!*top || rel[0] == '/') {
		sv_push(to, rel);
		return;
	}
	size_t nt = strlen(top), nr = strlen(rel);
	char *path = ar_alloc(&p->arena, nt + nr + 1);
	memcpy(path, top, nt);
	memcpy(path + nt, rel, nr + 1);
	sv_push(to, path);
}

/* walk adds dir and every directory below it; with files, regular files
 * too.  The entry type comes from readdir where the filesystem reports it
 * (no stat per entry); symlinks and unknown types are stat'ed. */
static void walk(struct lower *l, struct yoe_project *p, const char *dir, bool files, int depth)
{
	struct stat st;
	if (depth > 32)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	add(l, &l->dirs, p, dir);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		const char *path = ar_join(&p->arena, dir, e->d_name);
		unsigned char type = e->d_type;
		if (type == DT_UNKNOWN || type == DT_LNK)
			type = stat(path, &st) != 0 ? DT_UNKNOWN : S_ISDIR(st.st_mode) ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		if (type == DT_DIR)
			walk(l, p, path, files, depth + 1);
		else if (files && type == DT_REG)
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
	/* Files the evaluation ran exist (they were found by realpath and read
	 * moments ago): listed without another stat each. */
	for (size_t i = 0; i < p->files.cap; i++)
		if (p->files.slots[i].key)
			add(l, &l->inputs, p, p->files.slots[i].key);
	add_if_exists(l, p, ar_join(&p->arena, p->root, "yoe.lock"));
	/* The directories the evaluation's phase walks listed (machines/,
	 * units/, ... of the project and each module, and below).  Not the
	 * project root itself: build.ninja and ninja's logs live there, so its
	 * mtime moves on every build (a regen loop). */
	for (size_t i = 0; i < p->walked_dirs.cap; i++)
		if (p->walked_dirs.slots[i].key)
			add(l, &l->dirs, p, p->walked_dirs.slots[i].key);
	for (size_t r = 0; r < p->nmodules; r++)
		if (p->modules[r]->available)
			add(l, &l->dirs, p, p->modules[r]->dir); /* a MODULE.star appearing */
	for (size_t i = 0; i < p->nunits; i++) {
		const struct yoe_unit *u = p->units[i];
		for (size_t t = 0; t < u->ntasks; t++)
			for (size_t s = 0; s < u->tasks[t].nsteps; s++)
				if (u->tasks[t].steps[s].base_dir && *u->tasks[t].steps[s].base_dir)
					walk(l, p, u->tasks[t].steps[s].base_dir, true, 0);
	}
}
