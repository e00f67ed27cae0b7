/* gen/yoe/closure.c — the runtime closure of a set of root names in one
 * distro (what an image installs), in a deterministic order: breadth-first
 * resolution through provides and pins, then a topological sort in waves
 * (dependencies first; each wave sorted by name).  Runtime cycles are legal:
 * units left in a cycle come last, sorted (upstream model §4.5). */
#include "yoe/model.h"

#include <stdlib.h>
#include <string.h>

struct cnode {
	const char *name;      /* concrete unit name */
	struct strlist deps;   /* concrete runtime deps, as resolved */
	int indeg;             /* unresolved deps inside the closure */
	struct strlist rdeps;  /* who depends on this node */
	bool done;
};

int yoe_closure(struct yoe_project *p, const struct strlist *roots, const char *distro,
                struct strlist *out)
{
	struct strmap seen = {0};
	struct cnode **nodes = NULL;
	size_t nn = 0, cap = 0;
	struct strlist queue = {0};
	int rc = 0;
	for (size_t i = 0; i < roots->n; i++)
		sv_push(&queue, roots->v[i]);
	for (size_t qi = 0; qi < queue.n && !rc; qi++) {
		struct yoe_unit *u = yoe_lookup(p, queue.v[qi], distro);
		if (!u) {
			rc = yoe_error(p, NULL,
			               "unresolved name \"%s\" (not in any module, no provider, or filtered by "
			               "distro=\"%s\")",
			               queue.v[qi], distro);
			break;
		}
		if (sm_get(&seen, u->name))
			continue;
		struct cnode *c = calloc(1, sizeof *c);
		c->name = u->name;
		sm_put(&seen, u->name, c);
		if (nn == cap) {
			cap = cap ? cap * 2 : 32;
			nodes = realloc(nodes, cap * sizeof *nodes);
		}
		nodes[nn++] = c;
		struct strlist rd = {0};
		yoe_deps_for(u, distro, true, &rd);
		for (size_t j = 0; j < rd.n; j++) {
			struct yoe_unit *d = yoe_lookup(p, rd.v[j], distro);
			if (!d) {
				rc = yoe_error(p, &u->pos,
				               "unresolved name \"%s\" (runtime dep of \"%s\"; not in any module, no "
				               "provider, or filtered by distro=\"%s\")",
				               rd.v[j], u->name, distro);
				break;
			}
			sv_push(&c->deps, d->name);
			sv_push(&queue, d->name);
		}
		free(rd.v);
	}
	if (!rc) {
		/* in-degree = distinct deps inside the closure, self excluded */
		for (size_t i = 0; i < nn; i++) {
			struct cnode *c = nodes[i];
			sv_sort(&c->deps);
			sv_uniq(&c->deps);
			for (size_t j = 0; j < c->deps.n; j++) {
				if (!strcmp(c->deps.v[j], c->name))
					continue;
				struct cnode *d = sm_get(&seen, c->deps.v[j]);
				if (!d)
					continue;
				c->indeg++;
				sv_push(&d->rdeps, c->name);
			}
		}
		struct strlist ready = {0};
		for (size_t i = 0; i < nn; i++)
			if (!nodes[i]->indeg)
				sv_push(&ready, nodes[i]->name);
		sv_sort(&ready);
		while (ready.n) {
			struct strlist next = {0};
			for (size_t i = 0; i < ready.n; i++) {
				struct cnode *c = sm_get(&seen, ready.v[i]);
				c->done = true;
				sv_push(out, ready.v[i]);
				for (size_t j = 0; j < c->rdeps.n; j++) {
					struct cnode *r = sm_get(&seen, c->rdeps.v[j]);
					if (--r->indeg == 0)
						sv_push(&next, r->name);
				}
			}
			sv_sort(&next);
			free(ready.v);
			ready = next;
		}
		free(ready.v);
		struct strlist stuck = {0};
		for (size_t i = 0; i < nn; i++)
			if (!nodes[i]->done)
				sv_push(&stuck, nodes[i]->name);
		sv_sort(&stuck);
		for (size_t i = 0; i < stuck.n; i++)
			sv_push(out, stuck.v[i]);
		free(stuck.v);
	}
	for (size_t i = 0; i < nn; i++) {
		free(nodes[i]->deps.v);
		free(nodes[i]->rdeps.v);
		free(nodes[i]);
	}
	free(nodes);
	free(queue.v);
	sm_free(&seen);
	return rc;
}
