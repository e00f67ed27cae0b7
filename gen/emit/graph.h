/* gen/emit/graph.h — the build graph `yoe gen` hands to its writers.
 *
 * The front end lowers the resolved project into this format-neutral graph of
 * rules, edges, phony aliases and defaults; gen/emit/ninja.c and
 * gen/emit/make.c each write it in their syntax, so both consumers see one
 * graph.  Rules carry ninja's $in/$out/$var notation; the Make writer expands
 * it per edge.  Everything is written in the order it was added, except
 * phony aliases, which are sorted by name, so identical input gives
 * byte-identical output.
 *
 * Strings passed in are copied into the graph's arena: a 4,000-unit project
 * makes ~100,000 of them, and one malloc (and free) each cost more than
 * writing the file.  emit_graph_free releases everything at once.
 */
#ifndef YOE_EMIT_GRAPH_H
#define YOE_EMIT_GRAPH_H

#include <stddef.h>

/* The bump allocator behind a graph (graph.c); never freed piecemeal. */
struct emit_arena {
	struct emit_ablock *blocks;  /* newest first */
	char *cur;                   /* next free byte of the newest block */
	size_t left;                 /* bytes left there */
};

struct emit_var {
	char *name;   /* variable name, e.g. "key" */
	char *value;  /* its value, in ninja notation ($in, $out, ${var}) */
};

struct emit_strv {
	char **v;     /* the strings */
	size_t n;     /* how many */
	size_t cap;   /* allocated slots */
	struct emit_arena *ar;  /* where v and the strings live (set by the graph) */
};

struct emit_rule {
	char *name;           /* rule name, unique in the graph */
	char *command;        /* command line in ninja notation */
	char *description;    /* shown by ninja while running; may be NULL */
	char *depfile;        /* depfile path (ninja notation), or NULL */
	char *pool;           /* pool name, or NULL */
	int restat;           /* outputs may be left unchanged: re-stat them */
	int generator;        /* the regeneration rule (ninja `generator = 1`) */
};

struct emit_edge {
	struct emit_rule *rule;     /* what runs */
	struct emit_strv outputs;   /* explicit outputs ($out) */
	struct emit_strv inputs;    /* explicit inputs ($in) */
	struct emit_strv implicit;  /* implicit inputs (not in $in) */
	struct emit_strv order;     /* order-only inputs */
	struct emit_var *vars;      /* per-edge variables, in insertion order */
	size_t nvars, capvars;
	char *comment;              /* a `# ...` line written above the edge, or NULL */
	int one_per_line;           /* ninja: inputs on continuation lines (long lists) */
	struct emit_arena *ar;      /* the graph's arena */
};

struct emit_phony {
	char *name;                 /* alias, e.g. "image-rpi" */
	struct emit_strv targets;   /* what it stands for */
};

struct emit_pool {
	char *name;   /* pool name */
	int depth;    /* max parallel edges */
};

struct emit_graph {
	struct emit_var *vars;      /* top-level variables (`builddir = ...`) */
	size_t nvars;
	struct emit_pool *pools;
	size_t npools;
	struct emit_rule **rules;
	size_t nrules;
	struct emit_edge **edges;
	size_t nedges;
	struct emit_phony **phonies;
	size_t nphonies;
	struct emit_strv defaults;  /* default targets */
	/* Files edges read that no edge writes, declared to ninja as outputs of
	 * one input-less phony edge, so that a deleted one makes its readers
	 * dirty instead of failing the build (the regeneration edge's inputs: a
	 * deleted unit file regenerates).  Written in the order added; Make
	 * ignores them. */
	struct emit_strv sources;
	char *header;               /* comment block at the top (no timestamps!) */
	struct emit_arena arena;    /* strings, edges, phonies and their arrays */
	struct {                    /* allocated slots of the arrays above */
		size_t vars, pools, rules, edges, phonies;
	} cap;
};

struct emit_graph *emit_graph_new(void);
void emit_graph_free(struct emit_graph *g);

void emit_header(struct emit_graph *g, const char *text);
void emit_global(struct emit_graph *g, const char *name, const char *value);
void emit_pool(struct emit_graph *g, const char *name, int depth);
/* emit_rule_new adds a rule; flags are set on the returned struct. */
struct emit_rule *emit_rule_new(struct emit_graph *g, const char *name, const char *command);
struct emit_rule *emit_rule_find(struct emit_graph *g, const char *name);
struct emit_edge *emit_edge_new(struct emit_graph *g, struct emit_rule *rule);
void emit_edge_var(struct emit_edge *e, const char *name, const char *value);
void emit_edge_comment(struct emit_edge *e, const char *text);
struct emit_phony *emit_phony_new(struct emit_graph *g, const char *name);
/* emit_phony_drop takes an alias out of the graph again. */
void emit_phony_drop(struct emit_graph *g, struct emit_phony *ph);
void emit_default(struct emit_graph *g, const char *target);

void emit_strv_add(struct emit_strv *sv, const char *s);

/* emit_rule_set replaces one of a rule's string fields (copying s). */
void emit_rule_set(char **field, const char *s);

/* emit_strdup copies s into the graph's arena (NULL stays NULL). */
char *emit_strdup(struct emit_graph *g, const char *s);

/* emit_check finds two edges writing one output (or an output also listed
 * as a source); returns 0, or -1 after
 * storing "output X is written by both edge #a (...) and edge #b (...)" in
 * err (size errlen). */
int emit_check(const struct emit_graph *g, char *err, size_t errlen);

#endif
