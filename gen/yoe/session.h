/* gen/yoe/session.h — what every inspecting command does first: find the
 * project, evaluate it, resolve every distro's DAG and keys, print warnings,
 * and report the first error.  Also small output helpers they share. */
#ifndef YOE_SESSION_H
#define YOE_SESSION_H

#include "yoe/eval.h"

struct yoe_session {
	struct yoe_project *p;   /* the evaluated project */
	struct yoe_dag *dags;    /* [0] = the project's distro, then each distro tag */
	size_t ndags;
};

/* yoe_session_open loads root with opts and resolves it.  0 ok; -1 after
 * printing the error (the session is still closed by yoe_session_close). */
int yoe_session_open(struct yoe_session *s, const char *root, const struct yoe_load_opts *o);
void yoe_session_close(struct yoe_session *s);
/* the DAG the unit is built in (its own distro), and its node number */
struct yoe_dag *yoe_session_dag(struct yoe_session *s, const struct yoe_unit *u, int *node);
/* yoe_find_units: active units named name (every distro variant). */
struct yoe_unit **yoe_find_units(struct yoe_project *p, const char *name, size_t *n);
/* the path of a file relative to the project root when inside it */
const char *yoe_relpath(struct yoe_project *p, const char *path);

/* yoe_model_opt consumes --machine M / --distro D (or =forms) at argv[*i]:
 * 1 consumed (advancing *i past a separate value), 0 not ours, -1 value
 * missing. */
int yoe_model_opt(int argc, char **argv, int *i, struct yoe_load_opts *o);

#endif
