/* gen/cli/cmd_refs.c — `yoe refs UNIT`: who needs a unit — reverse build
 * deps, reverse runtime deps, and the images whose closure contains it. */
#include "cli/cli.h"
#include "yoe/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_refs;

static int run(int argc, char **argv)
{
	struct yoe_load_opts o = {0};
	const char *name;
	int urc = unit_args(&cmd_refs, argc, argv, &o, &name);
	if (urc)
		return urc;
	struct yoe_session s;
	if (open_session(&s, &o))
		return 1;
	int rc = 0;
	/* a virtual name means its provider */
	const char *prov = yoe_provider(s.p, name, yoe_project_distro(s.p));
	size_t nn;
	free(yoe_find_units(s.p, name, &nn));
	if (!nn && prov)
		name = prov;
	struct strlist build = {0}, runtime = {0}, images = {0};
	bool found = false;
	for (size_t d = 0; d < s.ndags; d++) {
		struct yoe_dag *g = &s.dags[d];
		int t = yoe_dag_find(g, name);
		if (t < 0)
			continue;
		found = true;
		for (size_t i = 0; i < g->n; i++) {
			const struct yoe_unit *u = g->nodes[i];
			const char *label = s.ndags > 1 && *g->distro ? ar_printf(&s.p->arena, "%s (%s)", u->name, g->distro)
			                                               : u->name;
			bool image = !strcmp(u->class, "image");
			/* an image's artifacts are listed under images; its other
			 * edges (its container) are build deps like anyone's */
			for (size_t k = 0; k < g->nedges[i]; k++)
				if (g->edges[i][k] == t && (!image || !sv_has(&u->artifacts, name)))
					sv_push(&build, label);
			for (size_t k = 0; k < g->nruntime[i]; k++)
				if (g->runtime[i][k] == t)
					sv_push(&runtime, label);
			if (image) {
				/* what the image installs: the runtime closure of its
				 * artifacts (already closed for class-made images) */
				struct strlist inst = {0};
				if (yoe_closure(s.p, &u->artifacts, g->distro, &inst) < 0)
					s.p->err = s.p->errmsg = NULL;
				if (sv_has(&inst, name))
					sv_push(&images, label);
				free(inst.v);
			}
		}
	}
	if (!found) {
		fprintf(stderr, "yoe: error: no unit named \"%s\" in any build graph (see yoe query)\n", name);
		rc = 1;
	} else {
		struct strlist *ls[] = {&build, &runtime, &images};
		const char *hdr[] = {"build deps of", "runtime deps of", "in images"};
		for (int i = 0; i < 3; i++) {
			sv_sort(ls[i]);
			sv_uniq(ls[i]);
			printf("%s:%s\n", hdr[i], ls[i]->n ? "" : " (none)");
			for (size_t k = 0; k < ls[i]->n; k++)
				printf("  %s\n", ls[i]->v[k]);
		}
	}
	free(build.v);
	free(runtime.v);
	free(images.v);
	yoe_session_close(&s);
	return rc ? 1 : 0;
}

const struct command cmd_refs = {
	"refs", "show what depends on a unit (build, runtime, images)",
	"usage: yoe refs [--machine M] [--distro D] UNIT\n\n"
	"Lists the units that build-depend on UNIT (directly, including through a\n"
	"provided name or as their container), the units that runtime-depend on it,\n"
	"and the images whose package closure contains it.\n",
	run,
};
