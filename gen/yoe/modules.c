/* gen/yoe/modules.c — the module list: locating each declared module
 * (local= directory or the clone under cache/modules/<name>), peeking its
 * MODULE.star for the canonical name and transitive deps, de-duplicating by
 * identity, detecting dependency cycles, and assigning priorities
 * (upstream model §2.3, §4.7).  A module missing on disk is an error that
 * says how to fetch it, not a silent skip. */
#include "yoe/builtins.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fsutil.h"

void yoe_add_declared_module(struct yoe_project *p, struct yoe_module *m)
{
	p->modules = realloc(p->modules, (p->nmodules + 1) * sizeof *p->modules);
	if (!p->modules)
		abort();
	p->modules[p->nmodules++] = m;
}

static const char *basename_of(struct yoe_project *p, const struct yoe_module *m)
{
	const char *s = *m->path ? m->path : m->url;
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	const char *b = s + n;
	while (b > s && b[-1] != '/')
		b--;
	size_t len = (size_t)(s + n - b);
	if (!*m->path && len > 4 && !strncmp(b + len - 4, ".git", 4))
		len -= 4;
	return ar_strndup(&p->arena, b, len);
}

static void locate(struct yoe_project *p, struct yoe_module *m)
{
	m->basename = basename_of(p, m);
	if (*m->local)
		m->clone_dir = m->local[0] == '/' ? m->local : ar_printf(&p->arena, "%s/%s", p->root, m->local);
	else
		m->clone_dir = ar_printf(&p->arena, "%s/modules/%s", p->cache_dir, m->basename);
	m->dir = *m->path ? ar_printf(&p->arena, "%s/%s", m->clone_dir, m->path) : m->clone_dir;
	char *real = realpath(m->dir, NULL);
	struct stat st;
	m->available = real && !stat(real, &st) && S_ISDIR(st.st_mode);
	if (real) {
		m->dir = ar_strdup(&p->arena, real);
		free(real);
	}
	m->name = m->basename;
}

static const char *identity(struct yoe_project *p, const struct yoe_module *m)
{
	if (*m->local)
		return ar_printf(&p->arena, "local:%s", m->dir);
	size_t n = strlen(m->url);
	if (n > 4 && !strcmp(m->url + n - 4, ".git"))
		n -= 4;
	return ar_printf(&p->arena, "git:%.*s@%s#%s", (int)n, m->url, m->ref, m->path);
}

static const char *describe(struct yoe_project *p, const struct yoe_module *m)
{
	if (*m->local)
		return ar_printf(&p->arena, "local=%s", m->local);
	return *m->ref ? ar_printf(&p->arena, "%s @ %s", m->url, m->ref) : m->url;
}

/* peek runs MODULE.star with only module_info/module visible, for the
 * module's name and deps.  A failing peek falls back to the basename, as in
 * the original; the full evaluation later reports the error properly. */
static void peek(struct yoe_eval *ev, struct yoe_module *m, sl_value pre_peek)
{
	struct yoe_project *p = ev->p;
	const char *path = ar_printf(&p->arena, "%s/MODULE.star", m->dir);
	size_t len;
	char *src = read_file(path, &len);
	ev->peek_name = NULL;
	ev->peek_deps.n = 0;
	if (!src)
		return;
	ev->peeking = true;
	sl_thread_set_load(ev->th, NULL, NULL); /* the peek has no load() */
	struct sl_module *mod = sl_exec_file(ev->th, yoe_display_path(p, path), src, len, pre_peek);
	if (!mod)
		sl_error_clear(ev->th);
	ev->peeking = false;
	free(src);
	if (ev->peek_name)
		m->name = ev->peek_name;
}

static struct yoe_module *parse_dep(struct yoe_project *p, const char *s, const char *parent)
{
	struct yoe_module *m = ar_alloc(&p->arena, sizeof *m);
	const char *f[6];
	char *copy = ar_strdup(&p->arena, s), *c = copy;
	for (int i = 0; i < 6; i++) {
		f[i] = c;
		char *sep = strchr(c, '\x1f');
		if (sep) {
			*sep = '\0';
			c = sep + 1;
		} else {
			c += strlen(c);
		}
	}
	m->url = f[0], m->ref = f[1], m->path = f[2], m->local = f[3], m->commit = f[4];
	m->parent = parent;
	m->description = "";
	/* position "file:line:col" */
	char *colon2 = strrchr(f[5], ':');
	if (colon2) {
		*colon2 = '\0';
		char *colon1 = strrchr(f[5], ':');
		if (colon1) {
			*colon1 = '\0';
			m->pos.file = *f[5] ? f[5] : NULL;
			m->pos.line = atoi(colon1 + 1);
			m->pos.col = atoi(colon2 + 1);
		}
	}
	return m;
}

struct edge {
	const char *from, *to;          /* module names */
	const struct yoe_module *tom;   /* target, when its name was not final yet */
};

static int cycle_dfs(struct yoe_project *p, const struct edge *e, size_t ne, const char *node,
                     struct strlist *path, struct strmap *state)
{
	intptr_t st = (intptr_t)sm_get(state, node);
	if (st == 2)
		return 0;
	if (st == 1) {
		struct buf b = {0};
		size_t from = 0;
		while (strcmp(path->v[from], node))
			from++;
		for (size_t i = from; i < path->n; i++)
			buf_printf(&b, "%s → ", path->v[i]);
		buf_adds(&b, node);
		yoe_error(p, NULL, "module dep cycle: %s (drop one of these deps from its MODULE.star)", b.data);
		buf_free(&b);
		return -1;
	}
	sm_put(state, node, (void *)1);
	sv_push(path, node);
	struct strlist next = {0};
	for (size_t i = 0; i < ne; i++)
		if (!strcmp(e[i].from, node))
			sv_push(&next, e[i].to);
	sv_sort(&next);
	int rc = 0;
	for (size_t i = 0; i < next.n && !rc; i++)
		rc = cycle_dfs(p, e, ne, next.v[i], path, state);
	free(next.v);
	path->n--;
	sm_put(state, node, (void *)2);
	return rc;
}

/* During the peek the feed builtins do nothing, as in the original, so a
 * MODULE.star that declares feeds still yields its name and deps. */
static sl_value peek_noop(sl_thread *th, const struct sl_args *a)
{
	return SL_NONE;
}

int yoe_modules_resolve(struct yoe_eval *ev)
{
	struct yoe_project *p = ev->p;
	sl_value pre_peek = sl_dict_new(4);
	sl_dict_set(ev->th, pre_peek, sl_cstring("alpine_feed"), sl_builtin_new("alpine_feed", peek_noop, NULL));
	sl_dict_set(ev->th, pre_peek, sl_cstring("apt_feed"), sl_builtin_new("apt_feed", peek_noop, NULL));
	sl_dict_set(ev->th, pre_peek, sl_cstring("module_info"), sl_builtin_new("module_info", yoe_bi_module_info, NULL));
	sl_dict_set(ev->th, pre_peek, sl_cstring("module"), sl_builtin_new("module", yoe_bi_module, NULL));
	struct strmap ids = {0};
	struct edge *edges = NULL;
	size_t ne = 0;
	int rc = 0;
	for (size_t i = 0; i < p->nmodules && !rc; i++) {
		struct yoe_module *m = p->modules[i];
		locate(p, m);
		if (!m->available) {
			if (*m->local)
				rc = yoe_error(p, &m->pos, "module %s: local directory %s does not exist (fix local= or create it)",
				               m->basename, m->dir);
			else
				rc = yoe_error(p, &m->pos,
				               "module \"%s\" (%s) is not available: %s does not exist; run `yoe module sync` "
				               "to fetch it",
				               m->basename, describe(p, m), yoe_display_path(p, m->dir));
			break;
		}
		const char *id = identity(p, m);
		struct yoe_module *seen = sm_get(&ids, id);
		if (seen) {
			/* declared twice (e.g. a transitive dep the project also lists) */
			m->name = seen->name;
			memmove(&p->modules[i], &p->modules[i + 1], (p->nmodules - i - 1) * sizeof *p->modules);
			p->nmodules--;
			i--;
			continue;
		}
		sm_put(&ids, id, m);
		peek(ev, m, pre_peek);
		/* same name, different identity */
		for (size_t j = 0; j < i && !rc; j++) {
			struct yoe_module *o = p->modules[j];
			if (strcmp(o->basename, m->basename) && strcmp(o->name, m->name))
				continue;
			if (!*m->parent) {
				rc = yoe_error(p, &m->pos, "two modules are named \"%s\": %s and %s (give one a different "
				               "module_info name)", m->name, describe(p, o), describe(p, m));
			} else if (!*o->parent) {
				/* the project's own pin wins silently */
				m->name = o->name;
				memmove(&p->modules[i], &p->modules[i + 1], (p->nmodules - i - 1) * sizeof *p->modules);
				p->nmodules--;
				i--;
				m = NULL;
				break;
			} else {
				rc = yoe_error(p, &m->pos,
				               "module \"%s\" is declared by two transitive deps at incompatible refs: %s and %s "
				               "(pin one explicitly at the project level)",
				               m->basename, describe(p, o), describe(p, m));
			}
		}
		if (rc || !m)
			continue;
		for (size_t d = 0; d < ev->peek_deps.n; d++) {
			struct yoe_module *dm = parse_dep(p, ev->peek_deps.v[d], m->name);
			yoe_add_declared_module(p, dm);
			edges = realloc(edges, (ne + 1) * sizeof *edges);
			edges[ne++] = (struct edge){m->name, NULL, dm}; /* named below */
		}
	}
	if (!rc) {
		/* targets get their final names now (a module dropped as a
		 * duplicate carries its twin's name) */
		for (size_t i = 0; i < ne; i++)
			edges[i].to = edges[i].tom->name;
		struct strmap state = {0};
		struct strlist path = {0};
		struct strlist roots = {0};
		for (size_t j = 0; j < p->nmodules; j++)
			sv_push(&roots, p->modules[j]->name);
		sv_sort(&roots);
		for (size_t j = 0; j < roots.n && !rc; j++)
			rc = cycle_dfs(p, edges, ne, roots.v[j], &path, &state);
		free(roots.v);
		free(path.v);
		sm_free(&state);
	}
	for (size_t i = 0; i < p->nmodules; i++)
		p->modules[i]->index = (int)i + 1;
	free(edges);
	sm_free(&ids);
	return rc;
}
