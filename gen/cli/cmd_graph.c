/* gen/cli/cmd_graph.c — `yoe graph`: the build DAG (whole, or one unit's
 * cone of dependencies) as text, Graphviz DOT or JSON. */
#include "cli/cli.h"
#include "yoe/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_graph;

/* mark the cone of node t (t and everything it depends on) */
static void cone(const struct yoe_dag *g, int t, char *in)
{
	if (in[t])
		return;
	in[t] = 1;
	for (size_t k = 0; k < g->nedges[t]; k++)
		cone(g, g->edges[t][k], in);
}

static void dot_id(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static int run(int argc, char **argv)
{
	struct yoe_load_opts o = {0};
	const char *name = NULL;
	int fmt = 0; /* 0 text, 1 dot, 2 json */
	for (int i = 1; i < argc; i++) {
		int r = yoe_model_opt(argc, argv, &i, &o);
		if (r < 0)
			return usage_error(&cmd_graph, "%s needs a value", argv[i]);
		if (r)
			continue;
		if (!strcmp(argv[i], "--dot"))
			fmt = 1;
		else if (!strcmp(argv[i], "--json"))
			fmt = 2;
		else if (argv[i][0] == '-')
			return usage_error(&cmd_graph, "unknown option '%s'", argv[i]);
		else if (name)
			return usage_error(&cmd_graph, "one UNIT at most");
		else
			name = argv[i];
	}
	struct yoe_session s;
	if (open_session(&s, &o))
		return 1;
	/* the graph: the project's distro, or the one holding UNIT */
	struct yoe_dag *g = &s.dags[0];
	int t = -1;
	if (name) {
		const char *prov = yoe_provider(s.p, name, yoe_project_distro(s.p));
		size_t nn;
		struct yoe_unit **vv = yoe_find_units(s.p, name, &nn);
		free(vv);
		if (!nn && prov)
			name = prov; /* a virtual name means its provider */
		for (size_t d = 0; d < s.ndags && t < 0; d++)
			if ((t = yoe_dag_find(&s.dags[d], name)) >= 0)
				g = &s.dags[d];
		if (t < 0) {
			fprintf(stderr, "yoe: error: no unit named \"%s\" in any build graph (see yoe query)\n", name);
			yoe_session_close(&s);
			return 1;
		}
	}
	char *in = calloc(g->n + 1, 1);
	if (t >= 0)
		cone(g, t, in);
	else
		memset(in, 1, g->n);
	if (fmt == 1) {
		printf("digraph yoe {\n  rankdir=LR;\n  node [shape=box];\n");
		for (size_t i = 0; i < g->n; i++) {
			if (!in[i])
				continue;
			printf("  ");
			dot_id(g->nodes[i]->name);
			printf(";\n");
		}
		for (size_t i = 0; i < g->n; i++)
			for (size_t k = 0; in[i] && k < g->nedges[i]; k++) {
				printf("  ");
				dot_id(g->nodes[i]->name);
				printf(" -> ");
				dot_id(g->nodes[g->edges[i][k]]->name);
				printf(";\n");
			}
		printf("}\n");
	} else if (fmt == 2) {
		struct buf b = {0};
		buf_adds(&b, "{\"distro\":");
		yoe_json_str(&b, g->distro);
		buf_adds(&b, ",\"nodes\":[");
		bool first = true;
		for (size_t i = 0; i < g->n; i++) {
			if (!in[i])
				continue;
			buf_adds(&b, first ? "\n" : ",\n");
			first = false;
			buf_adds(&b, "{\"name\":");
			yoe_json_str(&b, g->nodes[i]->name);
			buf_adds(&b, ",\"key\":");
			yoe_json_str(&b, g->keys[i]);
			buf_adds(&b, ",\"deps\":[");
			for (size_t k = 0; k < g->nedges[i]; k++) {
				if (k)
					buf_addc(&b, ',');
				yoe_json_str(&b, g->nodes[g->edges[i][k]]->name);
			}
			buf_adds(&b, "],\"runtime_deps\":[");
			for (size_t k = 0; k < g->nruntime[i]; k++) {
				if (k)
					buf_addc(&b, ',');
				yoe_json_str(&b, g->nodes[g->runtime[i][k]]->name);
			}
			buf_adds(&b, "]}");
		}
		buf_adds(&b, first ? "]}\n" : "\n]}\n");
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	} else {
		for (size_t i = 0; i < g->n; i++) {
			if (!in[i])
				continue;
			printf("%s:", g->nodes[i]->name);
			for (size_t k = 0; k < g->nedges[i]; k++)
				printf(" %s", g->nodes[g->edges[i][k]]->name);
			printf("\n");
		}
	}
	free(in);
	yoe_session_close(&s);
	return 0;
}

const struct command cmd_graph = {
	"graph", "print the build graph (text, --dot or --json)",
	"usage: yoe graph [--dot | --json] [--machine M] [--distro D] [UNIT]\n\n"
	"Prints the build DAG of the project's distro in build order, one unit per\n"
	"line followed by what it needs built first (deps through provides, its\n"
	"container, image artifacts, runtime deps of its deps).  With UNIT, only\n"
	"UNIT and what it needs.  --dot writes Graphviz (yoe graph --dot | dot -Tsvg),\n"
	"--json writes {\"distro\", \"nodes\": [{name, key, deps, runtime_deps}]}.\n",
	run,
};
