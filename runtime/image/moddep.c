/* runtime/image/moddep.c — module load order from depmod's indexes
 * (moddep.h).  A depth-first walk, like modprobe's: softdep pre-modules,
 * then the dependencies (modules.dep lists the whole transitive set; they
 * are walked last to first, as kmod loads them), then the module, then its
 * softdep post-modules. */
#include "image/moddep.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void moddep_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strcspn(base, ".");
	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[n] = '\0';
}

/* norm_alias turns '-' into '_' outside [...] (kmod's alias_normalize). */
static char *norm_alias(const char *s)
{
	char *o = strdup(s);
	int br = 0;
	for (char *p = o; p && *p; p++) {
		if (*p == '[')
			br = 1;
		else if (*p == ']')
			br = 0;
		else if (*p == '-' && !br)
			*p = '_';
	}
	return o;
}

static char *norm_name(const char *s)
{
	char buf[256];
	moddep_name(s, buf, sizeof buf);
	return strdup(buf);
}

/* words splits line [p, end) at blanks into a malloc'd array. */
static char **words(const char *p, const char *end, size_t *n)
{
	char **v = NULL;
	*n = 0;
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		const char *w = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		if (p == w)
			break;
		char **nv = realloc(v, (*n + 2) * sizeof *v);
		if (!nv)
			break;
		v = nv;
		v[(*n)++] = strndup(w, (size_t)(p - w));
		v[*n] = NULL;
	}
	return v;
}

static void free_words(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* GROW makes room for element n of array arr (realloc'd in place) and
 * evaluates to its address, or NULL when out of memory.  Needs a local
 * `void *grown`. */
#define GROW(arr, n) (grown = realloc((arr), ((n) + 1) * sizeof *(arr)), \
                      grown ? ((arr) = grown, &(arr)[n]) : NULL)

static int parse_dep_line(struct moddep *d, const char *p, const char *end)
{
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon == p)
		return 0; /* not a dependency line: ignored, as kmod does */
	void *grown;
	struct moddep_mod *m = GROW(d->mods, d->nmods);
	if (!m)
		return -1;
	m->path = strndup(p, (size_t)(colon - p));
	m->name = norm_name(m->path);
	m->deps = words(colon + 1, end, &m->ndeps);
	d->nmods++;
	return 0;
}

static int parse_soft_line(struct moddep *d, const char *p, const char *end)
{
	size_t n;
	char **w = words(p, end, &n);
	int rc = 0;
	void *grown;
	if (n >= 2 && !strcmp(w[0], "softdep")) {
		struct moddep_soft *s = GROW(d->soft, d->nsoft);
		if (!s) {
			free_words(w, n);
			return -1;
		}
		memset(s, 0, sizeof *s);
		s->name = norm_name(w[1]);
		char ***list = NULL;
		size_t *cnt = NULL;
		for (size_t i = 2; i < n && !rc; i++) {
			if (!strcmp(w[i], "pre:")) {
				list = &s->pre, cnt = &s->npre;
			} else if (!strcmp(w[i], "post:")) {
				list = &s->post, cnt = &s->npost;
			} else if (list) {
				char **slot = GROW(*list, *cnt);
				if (slot)
					*slot = strdup(w[i]), (*cnt)++;
				else
					rc = -1;
			}
		}
		d->nsoft++;
	}
	free_words(w, n);
	return rc;
}

static int parse_other_line(struct moddep *d, const char *p, const char *end,
                            int is_alias)
{
	size_t n;
	char **w = words(p, end, &n);
	int rc = 0;
	void *grown;
	if (is_alias && n == 3 && !strcmp(w[0], "alias")) {
		struct moddep_alias *a = GROW(d->alias, d->nalias);
		if (a) {
			a->pattern = norm_alias(w[1]);
			a->name = norm_name(w[2]);
			d->nalias++;
		} else {
			rc = -1;
		}
	} else if (!is_alias && n >= 1 && w[0][0] != '#') {
		char **slot = GROW(d->builtin, d->nbuiltin);
		if (slot)
			*slot = norm_name(w[0]), d->nbuiltin++;
		else
			rc = -1;
	}
	free_words(w, n);
	return rc;
}

enum kind { K_DEP, K_BUILTIN, K_SOFT, K_ALIAS };

static int parse_text(struct moddep *d, const char *text, enum kind k)
{
	for (const char *p = text; p && *p;) {
		const char *end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		int rc = 0;
		if (*p != '#') {
			if (k == K_DEP)
				rc = parse_dep_line(d, p, end);
			else if (k == K_SOFT)
				rc = parse_soft_line(d, p, end);
			else
				rc = parse_other_line(d, p, end, k == K_ALIAS);
		}
		if (rc)
			return -1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

int moddep_parse(struct moddep *d, const char *dep, const char *builtin,
                 const char *softdep, const char *alias)
{
	memset(d, 0, sizeof *d);
	if (parse_text(d, dep, K_DEP) || parse_text(d, builtin, K_BUILTIN) ||
	    parse_text(d, softdep, K_SOFT) || parse_text(d, alias, K_ALIAS)) {
		moddep_free(d);
		return -1;
	}
	return 0;
}

void moddep_free(struct moddep *d)
{
	for (size_t i = 0; i < d->nmods; i++) {
		free(d->mods[i].name);
		free(d->mods[i].path);
		free_words(d->mods[i].deps, d->mods[i].ndeps);
	}
	free(d->mods);
	free_words(d->builtin, d->nbuiltin);
	for (size_t i = 0; i < d->nsoft; i++) {
		free(d->soft[i].name);
		free_words(d->soft[i].pre, d->soft[i].npre);
		free_words(d->soft[i].post, d->soft[i].npost);
	}
	free(d->soft);
	for (size_t i = 0; i < d->nalias; i++) {
		free(d->alias[i].pattern);
		free(d->alias[i].name);
	}
	free(d->alias);
	memset(d, 0, sizeof *d);
}

/* walk is the state of one moddep_resolve. */
struct walk {
	const struct moddep *d;
	const char *where;
	char *state;       /* per module: 0 new, 1 on the stack, 2 placed */
	char *required;    /* per module: reached through hard dependencies */
	size_t *order;
	size_t n;
	char *why;
	size_t whylen;
	int err;
};

static long find_name(const struct moddep *d, const char *name)
{
	for (size_t i = 0; i < d->nmods; i++)
		if (!strcmp(d->mods[i].name, name))
			return (long)i;
	return -1;
}

static long find_path(const struct moddep *d, const char *path)
{
	for (size_t i = 0; i < d->nmods; i++)
		if (!strcmp(d->mods[i].path, path))
			return (long)i;
	return -1;
}

static int is_builtin(const struct moddep *d, const char *name)
{
	for (size_t i = 0; i < d->nbuiltin; i++)
		if (!strcmp(d->builtin[i], name))
			return 1;
	return 0;
}

static void visit_name(struct walk *w, const char *name, int soft);

static void visit_list(struct walk *w, char **names, size_t n)
{
	for (size_t i = 0; i < n && !w->err; i++)
		visit_name(w, names[i], 1);
}

static const struct moddep_soft *find_soft(const struct moddep *d, const char *name)
{
	for (size_t i = 0; i < d->nsoft; i++)
		if (!strcmp(d->soft[i].name, name))
			return &d->soft[i];
	return NULL;
}

static void visit(struct walk *w, size_t m)
{
	const struct moddep_mod *mod = &w->d->mods[m];
	if (w->state[m])
		return; /* placed already, or a softdep cycle */
	w->state[m] = 1;
	const struct moddep_soft *s = find_soft(w->d, mod->name);
	if (s)
		visit_list(w, s->pre, s->npre);
	for (size_t i = mod->ndeps; i-- > 0 && !w->err;) {
		long j = find_path(w->d, mod->deps[i]);
		if (j < 0) {
			snprintf(w->why, w->whylen, "no module '%s' in %s (modules.dep "
			         "names it as a dependency of %s but has no line for it: "
			         "rerun depmod)", mod->deps[i], w->where, mod->name);
			w->err = 1;
			return;
		}
		visit(w, (size_t)j);
	}
	w->order[w->n++] = m;
	w->state[m] = 2;
	if (s)
		visit_list(w, s->post, s->npost);
}

/* visit_name places a module named by the user (soft = 0) or a softdep
 * (soft = 1): a module, else nothing if built in, else what an alias
 * names.  An unknown softdep is ignored, as modprobe does. */
static void visit_name(struct walk *w, const char *raw, int soft)
{
	char name[256];
	moddep_name(raw, name, sizeof name);
	long j = strchr(raw, '/') ? -1 : find_name(w->d, name);
	if (j >= 0) {
		visit(w, (size_t)j);
		return;
	}
	if (is_builtin(w->d, name))
		return;
	char *alias = norm_alias(raw);
	int found = 0;
	for (size_t i = 0; alias && i < w->d->nalias && !w->err; i++)
		if (!fnmatch(w->d->alias[i].pattern, alias, 0)) {
			found = 1;
			if ((j = find_name(w->d, w->d->alias[i].name)) >= 0)
				visit(w, (size_t)j);
		}
	free(alias);
	if (!found && !soft && !w->err) {
		snprintf(w->why, w->whylen, "no module '%s' in %s (not in modules.dep or "
		         "modules.builtin)", raw, w->where);
		w->err = 1;
	}
}

/* mark_required flags m and its hard dependencies. */
static void mark_required(struct walk *w, size_t m)
{
	if (w->required[m])
		return;
	w->required[m] = 1;
	const struct moddep_mod *mod = &w->d->mods[m];
	for (size_t i = 0; i < mod->ndeps; i++) {
		long j = find_path(w->d, mod->deps[i]);
		if (j >= 0)
			mark_required(w, (size_t)j);
	}
}

static void mark_name(struct walk *w, const char *raw)
{
	char name[256];
	moddep_name(raw, name, sizeof name);
	long j = find_name(w->d, name);
	if (j >= 0) {
		mark_required(w, (size_t)j);
		return;
	}
	char *alias = norm_alias(raw);
	for (size_t i = 0; alias && !is_builtin(w->d, name) && i < w->d->nalias; i++)
		if (!fnmatch(w->d->alias[i].pattern, alias, 0) &&
		    (j = find_name(w->d, w->d->alias[i].name)) >= 0)
			mark_required(w, (size_t)j);
	free(alias);
}

int moddep_resolve(const struct moddep *d, char *const *names, size_t n,
                   const char *where, struct moddep_entry **out, size_t *nout,
                   char *why, size_t whylen)
{
	struct walk w = {.d = d, .where = where, .why = why, .whylen = whylen};
	*out = NULL;
	*nout = 0;
	w.state = calloc(d->nmods + 1, 1);
	w.required = calloc(d->nmods + 1, 1);
	w.order = calloc(d->nmods + 1, sizeof *w.order);
	if (!w.state || !w.required || !w.order) {
		snprintf(why, whylen, "out of memory");
		w.err = 1;
	}
	for (size_t i = 0; i < n && !w.err; i++)
		visit_name(&w, names[i], 0);
	for (size_t i = 0; i < n && !w.err; i++)
		mark_name(&w, names[i]);
	if (!w.err && !(*out = calloc(w.n + 1, sizeof **out))) {
		snprintf(why, whylen, "out of memory");
		w.err = 1;
	}
	for (size_t i = 0; !w.err && i < w.n; i++) {
		const struct moddep_mod *m = &d->mods[w.order[i]];
		(*out)[i] = (struct moddep_entry){m->name, m->path, m->deps, m->ndeps,
		                                  !w.required[w.order[i]]};
	}
	if (!w.err)
		*nout = w.n;
	free(w.state);
	free(w.required);
	free(w.order);
	return w.err ? -1 : 0;
}
