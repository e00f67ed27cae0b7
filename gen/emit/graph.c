/* gen/emit/graph.c — building and freeing the format-neutral build graph
 * (graph.h), and the duplicate-output check both writers rely on.
 *
 * Everything small lives in the graph's arena: strings, edges, phonies and
 * the arrays of their path lists and variables (grown by doubling, the old
 * array left behind: at most half of it is wasted). */
#include "emit/graph.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct emit_ablock {
	struct emit_ablock *next;
	char data[];
};

static void oom(void)
{
	fputs("yoe: out of memory\n", stderr);
	abort();
}

/* ar_alloc returns n zeroed bytes, 16-aligned, from the arena (strings
 * before it may have left cur unaligned). */
static void *ar_alloc(struct emit_arena *a, size_t n)
{
	size_t pad = (size_t)(-(uintptr_t)a->cur & 15);
	if (pad <= a->left) {
		a->cur += pad;
		a->left -= pad;
	}
	if (n > a->left) {
		size_t size = n > 65536 ? n : 65536;
		struct emit_ablock *b = malloc(sizeof *b + size + 15);
		if (!b)
			oom();
		b->next = a->blocks;
		a->blocks = b;
		a->cur = (char *)(((uintptr_t)b->data + 15) & ~(uintptr_t)15);
		a->left = size;
	}
	void *p = a->cur;
	a->cur += n;
	a->left -= n;
	return memset(p, 0, n);
}

static char *ar_strdup(struct emit_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	/* strings need no alignment: take them unrounded */
	if (n > a->left)
		return memcpy(ar_alloc(a, n), s, n);
	char *p = a->cur;
	a->cur += n;
	a->left -= n;
	return memcpy(p, s, n);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		oom();
	return p;
}

static char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		oom();
	return d;
}

/* grow doubles a malloc'd array's capacity when n reaches it. */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 8;
	void *p = realloc(arr, *cap * size);
	if (!p)
		oom();
	return p;
}

/* ar_grow is grow for arena arrays: a new array, the old one abandoned. */
static void *ar_grow(struct emit_arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 4;
	void *p = ar_alloc(a, ncap * size);
	if (n)
		memcpy(p, arr, n * size);
	*cap = ncap;
	return p;
}

struct emit_graph *emit_graph_new(void)
{
	struct emit_graph *g = xcalloc(1, sizeof(struct emit_graph));
	g->defaults.ar = g->sources.ar = &g->arena;
	return g;
}

char *emit_strdup(struct emit_graph *g, const char *s)
{
	return ar_strdup(&g->arena, s);
}

void emit_strv_add(struct emit_strv *sv, const char *s)
{
	sv->v = ar_grow(sv->ar, sv->v, sv->n, &sv->cap, sizeof *sv->v);
	sv->v[sv->n++] = ar_strdup(sv->ar, s);
}

void emit_graph_free(struct emit_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nvars; i++) {
		free(g->vars[i].name);
		free(g->vars[i].value);
	}
	free(g->vars);
	for (size_t i = 0; i < g->npools; i++)
		free(g->pools[i].name);
	free(g->pools);
	for (size_t i = 0; i < g->nrules; i++) {
		struct emit_rule *r = g->rules[i];
		free(r->name);
		free(r->command);
		free(r->description);
		free(r->depfile);
		free(r->pool);
		free(r);
	}
	free(g->rules);
	for (size_t i = 0; i < g->nedges; i++)
		free(g->edges[i]->comment);
	free(g->edges);
	free(g->phonies);
	free(g->header);
	for (struct emit_ablock *b = g->arena.blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(g);
}

void emit_header(struct emit_graph *g, const char *text)
{
	emit_rule_set(&g->header, text);
}

void emit_global(struct emit_graph *g, const char *name, const char *value)
{
	g->vars = grow(g->vars, g->nvars, &g->cap.vars, sizeof *g->vars);
	g->vars[g->nvars++] = (struct emit_var){xstrdup(name), xstrdup(value)};
}

void emit_pool(struct emit_graph *g, const char *name, int depth)
{
	g->pools = grow(g->pools, g->npools, &g->cap.pools, sizeof *g->pools);
	g->pools[g->npools++] = (struct emit_pool){xstrdup(name), depth};
}

struct emit_rule *emit_rule_new(struct emit_graph *g, const char *name, const char *command)
{
	struct emit_rule *r = xcalloc(1, sizeof *r);
	r->name = xstrdup(name);
	r->command = xstrdup(command);
	g->rules = grow(g->rules, g->nrules, &g->cap.rules, sizeof *g->rules);
	g->rules[g->nrules++] = r;
	return r;
}

struct emit_rule *emit_rule_find(struct emit_graph *g, const char *name)
{
	for (size_t i = 0; i < g->nrules; i++)
		if (!strcmp(g->rules[i]->name, name))
			return g->rules[i];
	return NULL;
}

void emit_rule_set(char **field, const char *s)
{
	free(*field);
	*field = xstrdup(s);
}

struct emit_edge *emit_edge_new(struct emit_graph *g, struct emit_rule *rule)
{
	struct emit_edge *e = ar_alloc(&g->arena, sizeof *e);
	e->rule = rule;
	e->ar = e->outputs.ar = e->inputs.ar = e->implicit.ar = e->order.ar = &g->arena;
	g->edges = grow(g->edges, g->nedges, &g->cap.edges, sizeof *g->edges);
	g->edges[g->nedges++] = e;
	return e;
}

void emit_edge_var(struct emit_edge *e, const char *name, const char *value)
{
	e->vars = ar_grow(e->ar, e->vars, e->nvars, &e->capvars, sizeof *e->vars);
	e->vars[e->nvars++] = (struct emit_var){ar_strdup(e->ar, name), ar_strdup(e->ar, value)};
}

void emit_edge_comment(struct emit_edge *e, const char *text)
{
	emit_rule_set(&e->comment, text);
}

struct emit_phony *emit_phony_new(struct emit_graph *g, const char *name)
{
	struct emit_phony *p = ar_alloc(&g->arena, sizeof *p);
	p->name = ar_strdup(&g->arena, name);
	p->targets.ar = &g->arena;
	g->phonies = grow(g->phonies, g->nphonies, &g->cap.phonies, sizeof *g->phonies);
	g->phonies[g->nphonies++] = p;
	return p;
}

void emit_phony_drop(struct emit_graph *g, struct emit_phony *ph)
{
	for (size_t i = 0; i < g->nphonies; i++)
		if (g->phonies[i] == ph) {
			memmove(g->phonies + i, g->phonies + i + 1, (g->nphonies - i - 1) * sizeof *g->phonies);
			g->nphonies--;
			return;
		}
}

void emit_default(struct emit_graph *g, const char *target)
{
	emit_strv_add(&g->defaults, target);
}

/* edge_name describes an edge for messages: its comment or first output. */
static const char *edge_name(const struct emit_edge *e)
{
	return e->comment ? e->comment : e->outputs.n ? e->outputs.v[0] : e->rule->name;
}

/* FNV-1a: outputs are short paths, and nobody attacks gen's own graph. */
static uint64_t path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* owner_name describes owner i of emit_check: an edge, the sources, or an
 * alias (phony k at nedges + 1 + k). */
static const char *owner_name(const struct emit_graph *g, size_t i, char *tmp, size_t n)
{
	if (i < g->nedges)
		return edge_name(g->edges[i]);
	if (i == g->nedges)
		return "a source file of the build";
	snprintf(tmp, n, "the alias %s", g->phonies[i - g->nedges - 1]->name);
	return tmp;
}

/* emit_check puts every output in an open-addressing table (one pass, no
 * sort: the graph has ~16,000 outputs per 4,000 units).  Sources count as
 * written by a pseudo-owner (index nedges), aliases by nedges + 1 + k. */
int emit_check(const struct emit_graph *g, char *err, size_t errlen)
{
	size_t n = g->sources.n + g->nphonies, owners = g->nedges + 1 + g->nphonies;
	for (size_t i = 0; i < g->nedges; i++)
		n += g->edges[i]->outputs.n;
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	struct slot {
		const char *path;
		size_t owner;
	} *tab = xcalloc(cap, sizeof *tab);
	int rc = 0;
	for (size_t i = 0; i < owners && rc == 0; i++) {
		const struct emit_strv *sv = i < g->nedges ? &g->edges[i]->outputs
		                             : i == g->nedges ? &g->sources : NULL;
		size_t m = sv ? sv->n : 1;
		for (size_t j = 0; j < m && rc == 0; j++) {
			const char *path = sv ? sv->v[j] : g->phonies[i - g->nedges - 1]->name;
			size_t k = path_hash(path) & (cap - 1);
			while (tab[k].path && strcmp(tab[k].path, path))
				k = (k + 1) & (cap - 1);
			if (!tab[k].path) {
				tab[k] = (struct slot){path, i};
			} else if (tab[k].owner != i) {
				char a[256], b[256];
				snprintf(err, errlen, "output %s is written by both %s and %s", path,
				         owner_name(g, tab[k].owner, a, sizeof a), owner_name(g, i, b, sizeof b));
				rc = -1;
			}
		}
	}
	free(tab);
	return rc;
}
