/* gen/emit/make.c — writes the build graph as a GNU Make fragment.
 *
 * Make has no $in/$out or per-edge variables, so each edge's command is
 * expanded here from ninja notation into plain shell text, then escaped for
 * make ($ → $$).  Several outputs use grouped targets (`a b &: ...`, GNU
 * Make 4.3), order-only inputs follow `|`.  The fragment saves and restores
 * .DEFAULT_GOAL so `include yoe.mk` does not change the includer's default.
 */
#include "emit/emit.h"

#include <stdlib.h>
#include <string.h>

/* A growable byte buffer for expansion. */
struct buf {
	char *s;
	size_t n, cap;
};

static void buf_putn(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		char *p = realloc(b->s, b->cap);
		if (!p) {
			fputs("yoe: out of memory\n", stderr);
			abort();
		}
		b->s = p;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void buf_puts(struct buf *b, const char *s) { buf_putn(b, s, strlen(s)); }

/* shell_quote_path appends a path quoted for sh when it needs quoting. */
static void put_shell_word(struct buf *b, const char *s)
{
	if (s[strcspn(s, " \t'\"\\$`;&|<>()*?[]#~")] == '\0' && *s) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putn(b, s, 1);
	}
	buf_puts(b, "'");
}

static void put_list(struct buf *b, const struct emit_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			buf_puts(b, " ");
		put_shell_word(b, sv->v[i]);
	}
}

static const char *lookup(const struct emit_graph *g, const struct emit_edge *e,
                          const char *name, size_t len)
{
	for (size_t i = 0; i < e->nvars; i++)
		if (strlen(e->vars[i].name) == len && !strncmp(e->vars[i].name, name, len))
			return e->vars[i].value;
	for (size_t i = 0; i < g->nvars; i++)
		if (strlen(g->vars[i].name) == len && !strncmp(g->vars[i].name, name, len))
			return g->vars[i].value;
	return NULL;
}

/* expand turns ninja notation into shell text for one edge.  Variables
 * expand recursively (edge vars may refer to globals), bounded by depth. */
static int expand(const struct emit_graph *g, const struct emit_edge *e, const char *s,
                  struct buf *out, int depth, char *err, size_t errlen)
{
	if (depth > 16) {
		snprintf(err, errlen, "variable expansion too deep in rule %s", e->rule->name);
		return -1;
	}
	while (*s) {
		if (*s != '$') {
			size_t n = strcspn(s, "$");
			buf_putn(out, s, n);
			s += n;
			continue;
		}
		s++;
		if (*s == '$' || *s == ' ' || *s == ':') {
			buf_putn(out, s++, 1);
			continue;
		}
		const char *name = s;
		size_t len;
		if (*s == '{') {
			name = ++s;
			len = strcspn(s, "}");
			s += len + (s[len] == '}');
		} else {
			len = 0;
			while (name[len] == '_' || name[len] == '-' || (name[len] >= 'a' && name[len] <= 'z')
			       || (name[len] >= 'A' && name[len] <= 'Z') || (name[len] >= '0' && name[len] <= '9'))
				len++;
			s += len;
		}
		if (len == 2 && !strncmp(name, "in", 2)) {
			put_list(out, &e->inputs);
		} else if (len == 3 && !strncmp(name, "out", 3)) {
			put_list(out, &e->outputs);
		} else {
			const char *v = lookup(g, e, name, len);
			if (v && expand(g, e, v, out, depth + 1, err, errlen) != 0)
				return -1;
		}
	}
	return 0;
}

static void put_make_path(FILE *f, const char *p)
{
	for (; *p; p++) {
		if (*p == ' ' || *p == ':' || *p == '#')
			fputc('\\', f);
		if (*p == '$')
			fputc('$', f);
		fputc(*p, f);
	}
}

static void put_make_paths(FILE *f, const struct emit_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		fputc(' ', f);
		put_make_path(f, sv->v[i]);
	}
}

static int put_edge(const struct emit_graph *g, const struct emit_edge *e, FILE *f,
                    char *err, size_t errlen)
{
	struct buf cmd = {0};
	if (expand(g, e, e->rule->command, &cmd, 0, err, errlen) != 0) {
		free(cmd.s);
		return -1;
	}
	if (e->comment)
		fprintf(f, "# %s\n", e->comment);
	for (size_t i = 0; i < e->outputs.n; i++) {
		if (i)
			fputc(' ', f);
		put_make_path(f, e->outputs.v[i]);
	}
	fputs(e->outputs.n > 1 ? " &:" : ":", f);
	put_make_paths(f, &e->inputs);
	put_make_paths(f, &e->implicit);
	if (e->order.n) {
		fputs(" |", f);
		put_make_paths(f, &e->order);
	}
	fputs("\n\t", f);
	for (const char *p = cmd.s ? cmd.s : ""; *p; p++) {
		if (*p == '$')
			fputc('$', f);
		fputc(*p, f);
	}
	fputs("\n\n", f);
	free(cmd.s);
	return 0;
}

static int cmp_phony(const void *a, const void *b)
{
	return strcmp((*(struct emit_phony *const *)a)->name, (*(struct emit_phony *const *)b)->name);
}

int emit_make(const struct emit_graph *g, FILE *f, char *err, size_t errlen)
{
	if (g->header) {
		for (const char *p = g->header; *p;) {
			size_t n = strcspn(p, "\n");
			fprintf(f, "# %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		fputc('\n', f);
	}
	fputs("yoe__saved_goal := $(.DEFAULT_GOAL)\n\n", f);
	for (size_t i = 0; i < g->nedges; i++)
		if (put_edge(g, g->edges[i], f, err, errlen) != 0)
			return -1;
	struct emit_phony **ph = malloc((g->nphonies ? g->nphonies : 1) * sizeof *ph);
	if (!ph) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (g->nphonies)
		memcpy(ph, g->phonies, g->nphonies * sizeof *ph);
	qsort(ph, g->nphonies, sizeof *ph, cmp_phony);
	if (g->nphonies) {
		fputs(".PHONY:", f);
		for (size_t i = 0; i < g->nphonies; i++) {
			fputc(' ', f);
			put_make_path(f, ph[i]->name);
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < g->nphonies; i++) {
		put_make_path(f, ph[i]->name);
		fputc(':', f);
		put_make_paths(f, &ph[i]->targets);
		fputc('\n', f);
	}
	free(ph);
	fputs("\n.DEFAULT_GOAL := $(yoe__saved_goal)\n", f);
	if (ferror(f)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
