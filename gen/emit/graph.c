/* gen/emit/graph.c — building and freeing the format-neutral build graph
 * (graph.h), and the duplicate-output check both writers rely on. */
#include "emit/graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	return d;
}

/* grow doubles an array's capacity when n reaches it. */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 8;
	void *p = realloc(arr, *cap * size);
	if (!p) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct emit_graph *emit_graph_new(void)
{
	return xcalloc(1, sizeof(struct emit_graph));
}

void emit_strv_add(struct emit_strv *sv, const char *s)
{
	sv->v = grow(sv->v, sv->n, &sv->cap, sizeof *sv->v);
	sv->v[sv->n++] = xstrdup(s);
}

static void strv_free(struct emit_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
}

static void vars_free(struct emit_var *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

void emit_graph_free(struct emit_graph *g)
{
	if (!g)
		return;
	vars_free(g->vars, g->nvars);
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
	for (size_t i = 0; i < g->nedges; i++) {
		struct emit_edge *e = g->edges[i];
		strv_free(&e->outputs);
		strv_free(&e->inputs);
		strv_free(&e->implicit);
		strv_free(&e->order);
		vars_free(e->vars, e->nvars);
		free(e->comment);
		free(e);
	}
	free(g->edges);
	for (size_t i = 0; i < g->nphonies; i++) {
		free(g->phonies[i]->name);
		strv_free(&g->phonies[i]->targets);
		free(g->phonies[i]);
	}
	free(g->phonies);
	strv_free(&g->defaults);
	free(g->header);
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
	struct emit_edge *e = xcalloc(1, sizeof *e);
	e->rule = rule;
	g->edges = grow(g->edges, g->nedges, &g->cap.edges, sizeof *g->edges);
	g->edges[g->nedges++] = e;
	return e;
}

void emit_edge_var(struct emit_edge *e, const char *name, const char *value)
{
	/* nvars is also the capacity: edges carry few variables. */
	struct emit_var *v = realloc(e->vars, (e->nvars + 1) * sizeof *v);
	if (!v) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	e->vars = v;
	e->vars[e->nvars++] = (struct emit_var){xstrdup(name), xstrdup(value)};
}

void emit_edge_comment(struct emit_edge *e, const char *text)
{
	emit_rule_set(&e->comment, text);
}

struct emit_phony *emit_phony_new(struct emit_graph *g, const char *name)
{
	struct emit_phony *p = xcalloc(1, sizeof *p);
	p->name = xstrdup(name);
	g->phonies = grow(g->phonies, g->nphonies, &g->cap.phonies, sizeof *g->phonies);
	g->phonies[g->nphonies++] = p;
	return p;
}

void emit_default(struct emit_graph *g, const char *target)
{
	emit_strv_add(&g->defaults, target);
}

struct out_ref {
	const char *path;   /* an output path */
	size_t edge;        /* index of the edge writing it */
};

static int cmp_out(const void *a, const void *b)
{
	const struct out_ref *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->edge > y->edge) - (x->edge < y->edge);
}

/* edge_name describes an edge for messages: its comment or first output. */
static const char *edge_name(const struct emit_edge *e)
{
	return e->comment ? e->comment : e->outputs.n ? e->outputs.v[0] : e->rule->name;
}

int emit_check(const struct emit_graph *g, char *err, size_t errlen)
{
	size_t n = 0;
	for (size_t i = 0; i < g->nedges; i++)
		n += g->edges[i]->outputs.n;
	struct out_ref *refs = xcalloc(n, sizeof *refs);
	size_t k = 0;
	for (size_t i = 0; i < g->nedges; i++)
		for (size_t j = 0; j < g->edges[i]->outputs.n; j++)
			refs[k++] = (struct out_ref){g->edges[i]->outputs.v[j], i};
	qsort(refs, n, sizeof *refs, cmp_out);
	int rc = 0;
	for (size_t i = 1; i < n && rc == 0; i++) {
		if (strcmp(refs[i - 1].path, refs[i].path) != 0 || refs[i - 1].edge == refs[i].edge)
			continue;
		snprintf(err, errlen, "output %s is written by both %s and %s", refs[i].path,
		         edge_name(g->edges[refs[i - 1].edge]), edge_name(g->edges[refs[i].edge]));
		rc = -1;
	}
	free(refs);
	return rc;
}
