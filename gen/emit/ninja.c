/* gen/emit/ninja.c — writes the build graph as a ninja file.  Paths are
 * escaped here; rule commands and variable values are already in ninja
 * notation.  No timestamps or host facts: same graph, same bytes.
 *
 * The text is built in one memory buffer with plain appends (a 4,000-unit
 * project makes ~4 MiB in ~200,000 pieces; stdio's per-call locking and
 * format parsing cost more than the copying). */
#include "emit/emit.h"

#include <stdlib.h>
#include <string.h>

/* The output buffer. */
struct obuf {
	char *s;
	size_t n, cap;
};

/* ob_grow is the slow path of ob_room. */
static void ob_grow(struct obuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 1 << 16;
	while (cap < b->n + n)
		cap *= 2;
	char *p = realloc(b->s, cap);
	if (!p) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	b->s = p;
	b->cap = cap;
}

static inline void ob_room(struct obuf *b, size_t n)
{
	if (b->n + n > b->cap)
		ob_grow(b, n);
}

static void ob_put(struct obuf *b, const char *s, size_t n)
{
	ob_room(b, n);
	memcpy(b->s + b->n, s, n);
	b->n += n;
}

static void ob_puts(struct obuf *b, const char *s) { ob_put(b, s, strlen(s)); }

static void ob_putc(struct obuf *b, char c)
{
	ob_room(b, 1);
	b->s[b->n++] = c;
}

/* put_path writes a path with ninja's escapes for build lines. */
static void put_path(struct obuf *b, const char *p)
{
	size_t len = strlen(p), run = strcspn(p, "$ :");
	if (run == len) {
		ob_put(b, p, len);
		return;
	}
	while (*p) {
		run = strcspn(p, "$ :");
		ob_put(b, p, run);
		p += run;
		if (*p) {
			char esc[2] = {'$', *p++};
			ob_put(b, esc, 2);
		}
	}
}

static void put_paths(struct obuf *b, const struct emit_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		ob_putc(b, ' ');
		put_path(b, sv->v[i]);
	}
}

/* put_lines writes paths one per continuation line (`$` newline). */
static void put_lines(struct obuf *b, const struct emit_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		ob_put(b, " $\n    ", 7);
		put_path(b, sv->v[i]);
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

/* put_kv writes `<indent>name = value\n`. */
static void put_kv(struct obuf *b, const char *indent, const char *name, const char *value)
{
	ob_puts(b, indent);
	ob_puts(b, name);
	ob_put(b, " = ", 3);
	ob_puts(b, value);
	ob_putc(b, '\n');
}

static void put_rule(struct obuf *b, const struct emit_rule *r)
{
	ob_puts(b, "rule ");
	ob_puts(b, r->name);
	ob_putc(b, '\n');
	put_kv(b, "  ", "command", r->command);
	if (r->description)
		put_kv(b, "  ", "description", r->description);
	if (r->depfile)
		put_kv(b, "  ", "depfile", r->depfile);
	if (r->pool)
		put_kv(b, "  ", "pool", r->pool);
	if (r->restat)
		ob_puts(b, "  restat = 1\n");
	if (r->generator)
		ob_puts(b, "  generator = 1\n");
	ob_putc(b, '\n');
}

static int put_edge(struct obuf *b, const struct emit_edge *e, char *err, size_t errlen)
{
	if (bad_path(&e->outputs, err, errlen) || bad_path(&e->inputs, err, errlen)
	    || bad_path(&e->implicit, err, errlen) || bad_path(&e->order, err, errlen))
		return -1;
	if (e->comment) {
		ob_put(b, "# ", 2);
		ob_puts(b, e->comment);
		ob_putc(b, '\n');
	}
	ob_put(b, "build", 5);
	put_paths(b, &e->outputs);
	ob_put(b, ": ", 2);
	ob_puts(b, e->rule->name);
	void (*inputs)(struct obuf *, const struct emit_strv *) = e->one_per_line ? put_lines : put_paths;
	inputs(b, &e->inputs);
	if (e->implicit.n) {
		ob_put(b, " |", 2);
		inputs(b, &e->implicit);
	}
	if (e->order.n) {
		ob_put(b, " ||", 3);
		put_paths(b, &e->order);
	}
	ob_putc(b, '\n');
	for (size_t i = 0; i < e->nvars; i++)
		put_kv(b, "  ", e->vars[i].name, e->vars[i].value);
	return 0;
}

static int cmp_phony(const void *a, const void *b)
{
	return strcmp((*(struct emit_phony *const *)a)->name, (*(struct emit_phony *const *)b)->name);
}

int emit_ninja_text(const struct emit_graph *g, char **text, size_t *len, char *err, size_t errlen)
{
	struct obuf b = {0};
	*text = NULL;
	*len = 0;
	if (g->header) {
		for (const char *p = g->header; *p;) {
			size_t n = strcspn(p, "\n");
			ob_put(&b, "# ", 2);
			ob_put(&b, p, n);
			ob_putc(&b, '\n');
			p += n + (p[n] == '\n');
		}
		ob_putc(&b, '\n');
	}
	ob_puts(&b, "ninja_required_version = 1.10\n");
	for (size_t i = 0; i < g->nvars; i++)
		put_kv(&b, "", g->vars[i].name, g->vars[i].value);
	ob_putc(&b, '\n');
	for (size_t i = 0; i < g->npools; i++) {
		char depth[32];
		snprintf(depth, sizeof depth, "%d", g->pools[i].depth);
		ob_puts(&b, "pool ");
		ob_puts(&b, g->pools[i].name);
		ob_putc(&b, '\n');
		put_kv(&b, "  ", "depth", depth);
		ob_putc(&b, '\n');
	}
	for (size_t i = 0; i < g->nrules; i++)
		put_rule(&b, g->rules[i]);
	for (size_t i = 0; i < g->nedges; i++) {
		if (put_edge(&b, g->edges[i], err, errlen) != 0) {
			free(b.s);
			return -1;
		}
		ob_putc(&b, '\n');
	}
	struct emit_phony **ph = malloc((g->nphonies ? g->nphonies : 1) * sizeof *ph);
	if (!ph) {
		free(b.s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (g->nphonies)
		memcpy(ph, g->phonies, g->nphonies * sizeof *ph);
	qsort(ph, g->nphonies, sizeof *ph, cmp_phony);
	for (size_t i = 0; i < g->nphonies; i++) {
		ob_put(&b, "build ", 6);
		put_path(&b, ph[i]->name);
		ob_put(&b, ": phony", 7);
		put_paths(&b, &ph[i]->targets);
		ob_putc(&b, '\n');
	}
	free(ph);
	if (g->sources.n) {
		if (bad_path(&g->sources, err, errlen)) {
			free(b.s);
			return -1;
		}
		/* One edge for all: ninja parses a phony edge per file slower */
		ob_puts(&b, "\n# Read by the build, written by no edge: a deleted one dirties its "
		            "readers\n# (build.ninja regenerates) instead of failing the build.\nbuild");
		put_lines(&b, &g->sources);
		ob_puts(&b, ": phony\n");
	}
	if (g->defaults.n) {
		ob_puts(&b, "\ndefault");
		put_paths(&b, &g->defaults);
		ob_putc(&b, '\n');
	}
	ob_room(&b, 1);
	b.s[b.n] = '\0';
	*text = b.s;
	*len = b.n;
	return 0;
}

int emit_ninja(const struct emit_graph *g, FILE *f, char *err, size_t errlen)
{
	char *text;
	size_t len;
	if (emit_ninja_text(g, &text, &len, err, errlen) != 0)
		return -1;
	int bad = fwrite(text, 1, len, f) != len || ferror(f);
	free(text);
	if (bad) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
