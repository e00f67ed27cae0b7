/* gen/emit/lower.h — lowering the resolved project model (gen/yoe) into the
 * build graph (graph.h): one edge per unit stage (fetch, unpack, build,
 * package), one index edge per repository arch, one image edge per image,
 * the phony aliases users type, and the regeneration edge (its inputs are
 * the graph's sources).  Also writes the per-unit INI specs the helpers
 * read (only when their content changes).
 *
 * Paths on build lines are relative to the project root, or prefixed with
 * `top` when the file is meant for `subninja` from another directory; every
 * command then starts with `cd <root> &&` so the helpers always see
 * project-relative paths. */
#ifndef YOE_EMIT_LOWER_H
#define YOE_EMIT_LOWER_H

#include "emit/graph.h"
#include "emit/specs.h"
#include "yoe/model.h"

#include <stdbool.h>
#include <stdint.h>

struct lower_opts {
	const char *helpers;     /* absolute directory of the helper programs */
	const char *yoe;         /* absolute path of this yoe binary (regen) */
	const char *regen_args;  /* gen's own arguments, shell-quoted, for regen */
	const char *top;         /* prefix of build-line paths ("" = project root) */
	const char *cd;          /* dir commands cd into first (NULL = none) */
	const char *prefix;      /* prefix of phony names ("" normally) */
	const char *output;      /* the file being written (build.ninja, yoe.mk) */
	bool subninja;           /* no regen edge and no default of its own */
	bool make;               /* for Make: it ignores command lines, so the
	                            specs are prerequisites again */
};

/* The state shared across the machines lowered into one graph.  Strings
 * it keeps point into the projects' arenas: the sessions must outlive it. */
struct lower {
	struct emit_graph *g;
	const struct lower_opts *o;
	struct strmap outs;       /* final output path → struct lower_claim* */
	struct strmap phony;      /* phony name → struct emit_phony* (NULL: dropped) */
	struct strmap alias_of;   /* a unit's final output → its name's phony */
	struct strmap index;      /* repo arch dir → struct emit_edge* (index edge) */
	struct strmap indexed;    /* package path → itself, once on an index edge */
	struct strlist pkgs, pkg_dirs, pkg_distros; /* this machine's packages and
	                             their repo dirs, for a machine without images */
	int images;               /* image edges of the machine being lowered */
	struct strlist inputs;    /* files gen read (regeneration inputs) */
	struct strlist dirs;      /* directories gen listed (regeneration inputs) */
	struct strlist defaults;  /* default image outputs */
	struct strlist world;     /* every unit's final output */
	int units, machines;      /* counters for gen's summary line */
	struct lower_paths *paths;/* per node of the DAG being lowered (lazy) */
	size_t npaths;            /* entries in paths */
	uint64_t *reach;          /* per node: bits of the containers its build
	                             edge runs after (reach_of in lower.c) */
	uint64_t *bit;            /* per container node: its own bit (0: none) */
	int nctr;                 /* bits handed out in this DAG (at most 64) */
	struct spec_dep *deps;    /* scratch: one unit's build deps ... */
	const char **rdeps;       /* ... and its runtime deps' names */
	size_t capdeps;
	struct buf flags[2];      /* scratch: one edge's flag strings */
	const struct yoe_unit *cu;/* the last container unit looked up ... */
	struct lower_paths cup;   /* ... and its paths */
	char *err;                /* first error (malloc'd), or NULL */
};

/* lower_init sets up the graph's header and pools (once per graph). */
void lower_init(struct lower *l, struct emit_graph *g, const struct lower_opts *o);
/* lower_machine adds the edges of one evaluated project (one machine).  The
 * first machine lowered is the default: plain unit and image names point at
 * its outputs, and its project's signing key goes into the rules.  Returns
 * 0, or -1 with l->err set. */
int lower_machine(struct lower *l, struct yoe_project *p, struct yoe_dag *dags, size_t ndags,
                  bool is_default);
/* lower_collect_inputs records what gen read for p (inputs.c). */
void lower_collect_inputs(struct lower *l, struct yoe_project *p);
/* lower_finish adds phony aliases, defaults and the regen edge over every
 * input (graph sources).  -1 with l->err on failure. */
int lower_finish(struct lower *l);
void lower_free(struct lower *l);

#endif
