/* gen/yoe/eval.h — evaluating a project: run PROJECT.star, local.star, the
 * modules and every phase directory through the Starlark interpreter, then
 * resolve (provides, pins, validation).  The entry point of the model. */
#ifndef YOE_EVAL_H
#define YOE_EVAL_H

#include "yoe/model.h"

struct yoe_load_opts {
	const char *machine;  /* --machine, or NULL: local.star, then defaults.machine */
	const char *distro;   /* --distro override, or NULL */
	bool show_shadows;    /* print shadowing notices to stderr */
};

/* yoe_load evaluates the project rooted at root (a directory holding
 * PROJECT.star).  Returns the project; on failure project->err holds the
 * diagnostic (path:line:col: error: … plus a traceback when Starlark code
 * was running) and the model is partial. */
struct yoe_project *yoe_load(const char *root, const struct yoe_load_opts *o);

/* yoe_resolve_all builds the DAG of every distro in use and computes keys
 * (project distro first, then each distro tag in sorted order).  dags may
 * be NULL; otherwise dags and ndags receive the graphs (caller frees them with
 * yoe_dag_free + free). */
int yoe_resolve_all(struct yoe_project *p, struct yoe_dag **dags, size_t *ndags);

#endif
