/* gen/yoe/session.c — load + resolve for the inspecting commands. */
#include "yoe/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int yoe_session_open(struct yoe_session *s, const char *root, const struct yoe_load_opts *o)
{
	memset(s, 0, sizeof *s);
	double t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
	s->p = yoe_load(root, o);
	struct yoe_project *p = s->p;
	double t1 = now_ms(CLOCK_MONOTONIC), c1 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
	int rc = p->err ? -1 : yoe_resolve_all(p, &s->dags, &s->ndags);
	/* YOE_TIMING=1: where the time goes, for the bench and for users with
	 * big projects */
	if (getenv("YOE_TIMING"))
		fprintf(stderr, "yoe: timing: evaluate %.1f ms (cpu %.1f, %zu units), resolve+keys %.1f ms (cpu %.1f)\n",
		        t1 - t0, c1 - c0, p->nunits, now_ms(CLOCK_MONOTONIC) - t1, now_ms(CLOCK_PROCESS_CPUTIME_ID) - c1);
	for (size_t i = 0; i < p->warnings.n; i++)
		fprintf(stderr, "%s\n", p->warnings.v[i]);
	if (rc < 0)
		fprintf(stderr, "%s\n", p->err ? p->err : "yoe: error: evaluation failed");
	return rc;
}

void yoe_session_close(struct yoe_session *s)
{
	for (size_t i = 0; i < s->ndags; i++)
		yoe_dag_free(&s->dags[i]);
	free(s->dags);
	yoe_project_free(s->p);
	memset(s, 0, sizeof *s);
}

struct yoe_dag *yoe_session_dag(struct yoe_session *s, const struct yoe_unit *u, int *node)
{
	const char *d = yoe_unit_distro(s->p, u);
	for (size_t i = 0; i < s->ndags; i++) {
		if (strcmp(s->dags[i].distro, d))
			continue;
		for (size_t k = 0; k < s->dags[i].n; k++)
			if (s->dags[i].nodes[k] == u) {
				*node = (int)k;
				return &s->dags[i];
			}
	}
	*node = -1;
	return NULL;
}

struct yoe_unit **yoe_find_units(struct yoe_project *p, const char *name, size_t *n)
{
	size_t na;
	struct yoe_unit **all = yoe_active_units(p, &na);
	size_t o = 0;
	for (size_t i = 0; i < na; i++)
		if (!strcmp(all[i]->name, name))
			all[o++] = all[i];
	*n = o;
	return all;
}

const char *yoe_relpath(struct yoe_project *p, const char *path)
{
	size_t n = strlen(p->root);
	if (!strncmp(path, p->root, n) && path[n] == '/')
		return path + n + 1;
	if (!strcmp(path, p->root))
		return ".";
	return path;
}

int yoe_model_opt(int argc, char **argv, int *i, struct yoe_load_opts *o)
{
	const char *a = argv[*i];
	const char **out = NULL;
	if (!strcmp(a, "--show-shadows")) {
		o->show_shadows = true;
		return 1;
	}
	if (!strncmp(a, "--machine", 9))
		out = &o->machine, a += 9;
	else if (!strncmp(a, "--distro", 8))
		out = &o->distro, a += 8;
	else
		return 0;
	if (*a == '=') {
		*out = a + 1;
		return 1;
	}
	if (*a)
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*out = argv[++*i];
	return 1;
}
