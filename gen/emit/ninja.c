/* gen/emit/ninja.c — writes the build graph as a ninja file.  Paths are
 * escaped here; rule commands and variable values are already in ninja
 * notation.  No timestamps or host facts: same graph, same bytes. */
#include "emit/emit.h"

#include <stdlib.h>
#include <string.h>

/* put_path writes a path with ninja's escapes for build lines. */
static void put_path(FILE *f, const char *p)
{
	while (*p) {
		size_t run = strcspn(p, "$ :");
		fwrite(p, 1, run, f);
		p += run;
		if (*p) {
			fputc('$', f);
			fputc(*p++, f);
		}
	}
}

static void put_paths(FILE *f, const struct emit_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		fputc(' ', f);
		put_path(f, sv->v[i]);
	}
}

static int bad_path(const struct emit_strv *sv, char *err, size_t errlen)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strchr(sv->v[i], '\n')) {
			snprintf(err, errlen, "path with a newline cannot be written to ninja: %s",
			         sv->v[i]);
			return 1;
		}
	return 0;
}

static void put_rule(FILE *f, const struct emit_rule *r)
{
	fprintf(f, "rule %s\n  command = %s\n", r->name, r->command);
	if (r->description)
		fprintf(f, "  description = %s\n", r->description);
	if (r->depfile)
		fprintf(f, "  depfile = %s\n", r->depfile);
	if (r->pool)
		fprintf(f, "  pool = %s\n", r->pool);
	if (r->restat)
		fputs("  restat = 1\n", f);
	if (r->generator)
		fputs("  generator = 1\n", f);
	fputc('\n', f);
}

static int put_edge(FILE *f, const struct emit_edge *e, char *err, size_t errlen)
{
	if (bad_path(&e->outputs, err, errlen) || bad_path(&e->inputs, err, errlen)
	    || bad_path(&e->implicit, err, errlen) || bad_path(&e->order, err, errlen))
		return -1;
	if (e->comment)
		fprintf(f, "# %s\n", e->comment);
	fputs("build", f);
	put_paths(f, &e->outputs);
	fprintf(f, ": %s", e->rule->name);
	put_paths(f, &e->inputs);
	if (e->implicit.n) {
		fputs(" |", f);
		put_paths(f, &e->implicit);
	}
	if (e->order.n) {
		fputs(" ||", f);
		put_paths(f, &e->order);
	}
	fputc('\n', f);
	for (size_t i = 0; i < e->nvars; i++)
		fprintf(f, "  %s = %s\n", e->vars[i].name, e->vars[i].value);
	return 0;
}

static int cmp_phony(const void *a, const void *b)
{
	return strcmp((*(struct emit_phony *const *)a)->name, (*(struct emit_phony *const *)b)->name);
}

int emit_ninja(const struct emit_graph *g, FILE *f, char *err, size_t errlen)
{
	if (g->header) {
		for (const char *p = g->header; *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			fprintf(f, "# %.*s\n", (int)n, p);
			p += n + (nl != NULL);
		}
		fputc('\n', f);
	}
	fputs("ninja_required_version = 1.10\n", f);
	for (size_t i = 0; i < g->nvars; i++)
		fprintf(f, "%s = %s\n", g->vars[i].name, g->vars[i].value);
	fputc('\n', f);
	for (size_t i = 0; i < g->npools; i++)
		fprintf(f, "pool %s\n  depth = %d\n\n", g->pools[i].name, g->pools[i].depth);
	for (size_t i = 0; i < g->nrules; i++)
		put_rule(f, g->rules[i]);
	for (size_t i = 0; i < g->nedges; i++) {
		if (put_edge(f, g->edges[i], err, errlen) != 0)
			return -1;
		fputc('\n', f);
	}
	struct emit_phony **ph = malloc((g->nphonies ? g->nphonies : 1) * sizeof *ph);
	if (!ph) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(ph, g->phonies, g->nphonies * sizeof *ph);
	qsort(ph, g->nphonies, sizeof *ph, cmp_phony);
	for (size_t i = 0; i < g->nphonies; i++) {
		fputs("build ", f);
		put_path(f, ph[i]->name);
		fputs(": phony", f);
		put_paths(f, &ph[i]->targets);
		fputc('\n', f);
	}
	free(ph);
	if (g->defaults.n) {
		fputs("\ndefault", f);
		put_paths(f, &g->defaults);
		fputc('\n', f);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}

char *emit_ninja_escape(const char *s)
{
	size_t n = strlen(s), extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += s[i] == '$';
	char *r = malloc(n + extra + 1), *d = r;
	if (!r)
		return NULL;
	for (; *s; s++) {
		if (*s == '$')
			*d++ = '$';
		*d++ = *s;
	}
	*d = '\0';
	return r;
}

int emit_depfile(FILE *f, const char *target, const char *const *deps, size_t ndeps)
{
	/* Make syntax: escape spaces and '$' ($$) and '#'. */
	for (const char *p = target; *p; p++) {
		if (*p == ' ' || *p == '#')
			fputc('\\', f);
		if (*p == '$')
			fputc('$', f);
		fputc(*p, f);
	}
	fputc(':', f);
	for (size_t i = 0; i < ndeps; i++) {
		fputs(" \\\n  ", f);
		for (const char *p = deps[i]; *p; p++) {
			if (*p == ' ' || *p == '#')
				fputc('\\', f);
			if (*p == '$')
				fputc('$', f);
			fputc(*p, f);
		}
	}
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}
