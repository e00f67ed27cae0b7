/* gen/yoe/modpins.c — yoe.lock and module checkout verification
 * (modpins.h).
 *
 * yoe.lock is a text file at the project root, one module a line, sorted:
 *	<name> <commit> <url> <ref>
 * `#` lines are comments.  `yoe module lock` writes it; a module(commit=)
 * pin in a .star file wins over it. */
#include "yoe/modpins.h"
#include "fetch/fetch.h"
#include "lib/atomicfile.h"
#include "lib/fsutil.h"

#include <stdlib.h>
#include <string.h>

static struct strmap *lock_map(struct yoe_project *p)
{
	static struct strmap map;
	static const char *loaded_for;
	if (loaded_for == p->root)
		return &map;
	loaded_for = p->root;
	char *text = read_file(ar_printf(&p->arena, "%s/yoe.lock", p->root), NULL);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char name[256], commit[64];
		if (line[0] != '#' && sscanf(line, "%255s %63s", name, commit) == 2 && strlen(commit) == 40)
			sm_put(&map, ar_strdup(&p->arena, name), ar_strdup(&p->arena, commit));
		if (!next)
			break;
	}
	free(text);
	return &map;
}

const char *yoe_lock_commit(struct yoe_project *p, const struct yoe_module *m)
{
	return sm_get(lock_map(p), m->basename);
}

const char *yoe_module_pin(struct yoe_project *p, const struct yoe_module *m)
{
	return *m->commit ? m->commit : yoe_lock_commit(p, m);
}

int yoe_lock_write(struct yoe_project *p)
{
	struct strlist lines = {0};
	for (size_t i = 0; i < p->nmodules; i++) {
		const struct yoe_module *m = p->modules[i];
		if (*m->local || !m->available)
			continue;
		char head[GIT_HEX_LEN + 1];
		struct ferr e = {{0}};
		if (module_check(m->clone_dir, NULL, 1, head, &e) < 0 || !*head)
			return yoe_error(p, &m->pos, "module \"%s\": cannot read the checkout's commit: %s",
			                 m->basename, e.msg);
		sv_push(&lines, ar_printf(&p->arena, "%s %s %s %s\n", m->basename, head, m->url,
		                          *m->ref ? m->ref : "-"));
	}
	sv_sort(&lines);
	sv_uniq(&lines);
	struct buf b = {0};
	buf_adds(&b, "# yoe.lock — the commit of every module, written by `yoe module lock`.\n"
	             "# Commit this file; `yoe gen` refuses checkouts that differ from it.\n");
	for (size_t i = 0; i < lines.n; i++)
		buf_adds(&b, lines.v[i]);
	const char *path = ar_printf(&p->arena, "%s/yoe.lock", p->root);
	int r = write_file_if_changed(path, b.data, b.len, 0644);
	buf_free(&b);
	free(lines.v);
	if (r < 0)
		return yoe_error(p, NULL, "cannot write %s", path);
	return 0;
}

int yoe_modules_verify(struct yoe_project *p, bool paranoid)
{
	for (size_t i = 0; i < p->nmodules; i++) {
		const struct yoe_module *m = p->modules[i];
		if (*m->local || !m->available)
			continue;
		const char *pin = yoe_module_pin(p, m);
		if (!pin && paranoid)
			return yoe_error(p, &m->pos,
			                 "module \"%s\" (%s) has no commit pin and no yoe.lock entry, and "
			                 "--paranoid is on (CI=true): add commit = \"<40 hex>\" or run "
			                 "`yoe module lock` and commit yoe.lock", m->basename, m->url);
		struct ferr e = {{0}};
		char head[GIT_HEX_LEN + 1] = "";
		int st = module_check(m->clone_dir, pin, 0, head, &e);
		if (st != MODULE_CLEAN)
			return yoe_error(p, &m->pos, "module \"%s\": %s", m->basename,
			                 st < 0 || !*e.msg ? module_state_name(st) : e.msg);
	}
	return 0;
}
