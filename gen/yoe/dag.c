/* gen/yoe/dag.c — the build graph of one distro: nodes are concrete units,
 * an edge u → d means d must be built (and its runtime closure staged in u's
 * sysroot) before u.  Edges come from deps (+distro_deps), image artifacts,
 * the unit's and its tasks' containers, and the runtime closure of each
 * build dep; every name goes through provides first, so virtual deps such
 * as `toolchain` are real edges.  Nodes are topologically sorted with a
 * name-ordered ready queue; a cycle is an error that prints its path
 * (upstream model §4.6, made loud). */
#include "yoe/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct builder {
	struct yoe_project *p;
	const char *distro;
	struct strmap idx;            /* name → node number + 1 */
	int *node_of;                 /* by unit id: node number + 1, once looked up (idx's fast path) */
	struct yoe_unit **nodes;      /* discovery order */
	size_t n, cap;
	struct yoe_unit ***out;       /* per node: dep units (malloc'd) */
	size_t *nout, *capout;
	struct strmap looked;         /* name → resolved unit, or &missing */
	struct strmap rclos;          /* unit name → struct rclosure* (runtime closures) */
};

/* the runtime closure of one unit in this distro (itself excluded) */
struct rclosure {
	struct yoe_unit **v;
	size_t n;
};

static struct yoe_unit missing;

/* lookup memoizes yoe_lookup for the graph's distro: the same names are
 * looked up from many units. */
static struct yoe_unit *lookup(struct builder *b, const char *name)
{
	struct yoe_unit *u = sm_get(&b->looked, name);
	if (u)
		return u == &missing ? NULL : u;
	u = yoe_lookup(b->p, name, b->distro);
	sm_put(&b->looked, name, u ? u : &missing);
	return u;
}

/* node_num: u's node (by name, as idx), or -1 */
static int node_num(struct builder *b, const struct yoe_unit *u)
{
	if (b->node_of[u->id])
		return b->node_of[u->id] - 1;
	intptr_t i = (intptr_t)sm_get(&b->idx, u->name);
	if (i)
		b->node_of[u->id] = (int)i;
	return (int)i - 1;
}

static int add_node(struct builder *b, struct yoe_unit *u)
{
	int i = node_num(b, u);
	if (i >= 0)
		return i;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->nodes = realloc(b->nodes, b->cap * sizeof *b->nodes);
		b->out = realloc(b->out, b->cap * sizeof *b->out);
		b->nout = realloc(b->nout, b->cap * sizeof *b->nout);
		b->capout = realloc(b->capout, b->cap * sizeof *b->capout);
	}
	b->nodes[b->n] = u;
	b->out[b->n] = NULL;
	b->nout[b->n] = b->capout[b->n] = 0;
	sm_put(&b->idx, u->name, (void *)(intptr_t)(b->n + 1));
	b->node_of[u->id] = (int)b->n + 1;
	return (int)b->n++;
}

static void add_edge(struct builder *b, int from, struct yoe_unit *to)
{
	if (b->nodes[from] == to)
		return;
	for (size_t i = 0; i < b->nout[from]; i++)
		if (b->out[from][i] == to)
			return;
	if (b->nout[from] == b->capout[from]) {
		b->capout[from] = b->capout[from] ? b->capout[from] * 2 : 4;
		b->out[from] = realloc(b->out[from], b->capout[from] * sizeof **b->out);
	}
	b->out[from][b->nout[from]++] = to;
	add_node(b, to);
}

static bool external_ref(const char *ref)
{
	return !*ref || !strcmp(ref, "host") || strchr(ref, ':') || strchr(ref, '/');
}

/* container_for: yoe_container_unit given the lookup (c may be NULL) */
static struct yoe_unit *container_for(struct yoe_project *p, const char *ref, struct yoe_unit *c)
{
	if (!c) {
		/* any variant at all (the original's AnyUnit): highest priority */
		struct yoe_variants *vs = sm_get(&p->variants, ref);
		for (size_t i = 0; vs && i < vs->n; i++)
			if (!c || vs->v[i]->module_index > c->module_index)
				c = vs->v[i];
	}
	return c;
}

struct yoe_unit *yoe_container_unit(struct yoe_project *p, const struct yoe_unit *u,
                                    const char *ref, const char *distro)
{
	if (external_ref(ref))
		return NULL;
	return container_for(p, ref, yoe_lookup(p, ref, distro));
}

static const char *dep_hint(struct yoe_project *p, const char *name)
{
	size_t n;
	const char **k = sm_keys(&p->flat, &n);
	const char *s = suggest(name, k, n);
	free(k);
	return s ? ar_printf(&p->arena, " (did you mean \"%s\"?)", s) : "";
}

/* rclosure_of: the runtime closure of d (breadth first, missing names
 * skipped: the image closure reports them), computed once per unit. */
static struct rclosure *rclosure_of(struct builder *b, struct yoe_unit *d)
{
	struct rclosure *c = sm_get(&b->rclos, d->name);
	if (c)
		return c;
	struct strmap seen = {0};
	struct yoe_unit **q = malloc(sizeof *q * 16);
	size_t qn = 0, qc = 16;
	q[qn++] = d;
	sm_put(&seen, d->name, d);
	for (size_t i = 0; i < qn; i++) {
		struct strlist rd = {0};
		yoe_deps_for(q[i], b->distro, true, &rd);
		for (size_t j = 0; j < rd.n; j++) {
			struct yoe_unit *r = lookup(b, rd.v[j]);
			if (!r || sm_get(&seen, r->name))
				continue;
			sm_put(&seen, r->name, r);
			if (qn == qc)
				q = realloc(q, (qc *= 2) * sizeof *q);
			q[qn++] = r;
		}
		free(rd.v);
	}
	sm_free(&seen);
	c = ar_alloc(&b->p->arena, sizeof *c);
	c->n = qn - 1;
	c->v = ar_alloc(&b->p->arena, (qn + 1) * sizeof *c->v);
	memcpy(c->v, q + 1, (qn - 1) * sizeof *c->v);
	free(q);
	sm_put(&b->rclos, d->name, c);
	return c;
}

/* runtime closure of unit d, added as edges of node */
static void add_runtime_of(struct builder *b, int node, struct yoe_unit *d)
{
	struct rclosure *c = rclosure_of(b, d);
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i] != b->nodes[node])
			add_edge(b, node, c->v[i]);
}

static int expand(struct builder *b, int i)
{
	struct yoe_project *p = b->p;
	struct yoe_unit *u = b->nodes[i];
	bool image = !strcmp(u->class, "image");
	struct strlist names = {0};
	yoe_deps_for(u, b->distro, false, &names);
	size_t nbuild = names.n;
	if (image)
		for (size_t k = 0; k < u->artifacts.n; k++)
			sv_push(&names, u->artifacts.v[k]);
	int rc = 0;
	for (size_t k = 0; k < names.n && !rc; k++) {
		struct yoe_unit *d = lookup(b, names.v[k]);
		if (!d) {
			rc = yoe_error(p, &u->pos, "unit \"%s\" depends on \"%s\", which does not exist%s%s%s%s",
			               u->name, names.v[k], *b->distro ? " in distro \"" : "",
			               b->distro, *b->distro ? "\"" : "", dep_hint(p, names.v[k]));
			break;
		}
		add_edge(b, i, d);
		/* build deps bring their runtime closure into the sysroot; an
		 * image installs the runtime closure of its artifacts (class
		 * images list it already, the bare image() builtin does not) */
		if (image ? k >= nbuild : true)
			add_runtime_of(b, i, d);
	}
	free(names.v);
	if (rc)
		return rc;
	const char *refs[1 + 64];
	size_t nr = 0;
	refs[nr++] = u->container;
	for (size_t t = 0; t < u->ntasks && nr < 65; t++)
		refs[nr++] = u->tasks[t].container;
	for (size_t k = 0; k < nr; k++) {
		if (external_ref(refs[k]))
			continue;
		struct yoe_unit *c = container_for(p, refs[k], lookup(b, refs[k]));
		if (!c)
			return yoe_error(p, &u->pos,
			                 "unit \"%s\": container \"%s\" is not a unit or a provided name%s "
			                 "(use an image reference such as \"alpine:3.21\", or \"host\")",
			                 u->name, refs[k], dep_hint(p, refs[k]));
		if (c != u)
			add_edge(b, i, c);
	}
	return 0;
}

/* A min-heap of node numbers ordered by unit name. */
struct heap {
	int *v;
	size_t n;
	struct yoe_unit **nodes;
};

static bool hless(struct heap *h, int a, int b)
{
	return strcmp(h->nodes[a]->name, h->nodes[b]->name) < 0;
}

static void hpush(struct heap *h, int x)
{
	size_t i = h->n++;
	h->v[i] = x;
	while (i && hless(h, h->v[i], h->v[(i - 1) / 2])) {
		int t = h->v[i];
		h->v[i] = h->v[(i - 1) / 2];
		h->v[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static int hpop(struct heap *h)
{
	int top = h->v[0];
	h->v[0] = h->v[--h->n];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && hless(h, h->v[l], h->v[m]))
			m = l;
		if (r < h->n && hless(h, h->v[r], h->v[m]))
			m = r;
		if (m == i)
			break;
		int t = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = t;
		i = m;
	}
	return top;
}

static int cmp_unit_name(const void *a, const void *b)
{
	return strcmp((*(struct yoe_unit *const *)a)->name, (*(struct yoe_unit *const *)b)->name);
}

/* report_cycle: DFS from the smallest stuck node, deps in name order, until
 * a node repeats; prints the loop only. */
static int report_cycle(struct builder *b, const int *indeg)
{
	int start = -1;
	for (size_t i = 0; i < b->n; i++)
		if (indeg[i] && (start < 0 || strcmp(b->nodes[i]->name, b->nodes[start]->name) < 0))
			start = (int)i;
	int *path = malloc((b->n + 1) * sizeof *path);
	int *onpath = calloc(b->n, sizeof *onpath); /* position + 1 */
	size_t len = 0;
	int cur = start;
	for (;;) {
		path[len++] = cur;
		onpath[cur] = (int)len;
		/* next: the smallest-named stuck dep (every stuck node has one) */
		int next = -1;
		for (size_t k = 0; k < b->nout[cur]; k++) {
			int d = node_num(b, b->out[cur][k]);
			if (indeg[d] && (next < 0 || strcmp(b->nodes[d]->name, b->nodes[next]->name) < 0))
				next = d;
		}
		if (next < 0 || onpath[next]) {
			struct buf s = {0};
			size_t from = next < 0 ? 0 : (size_t)onpath[next] - 1;
			for (size_t k = from; k < len; k++)
				buf_printf(&s, "%s -> ", b->nodes[path[k]]->name);
			buf_adds(&s, b->nodes[next < 0 ? path[0] : next]->name);
			struct yoe_unit *u = b->nodes[path[from]];
			yoe_error(b->p, &u->pos, "build dependency cycle: %s (break it by dropping one of these deps)",
			          s.data);
			buf_free(&s);
			break;
		}
		cur = next;
	}
	free(path);
	free(onpath);
	return -1;
}

int yoe_dag_build(struct yoe_project *p, const char *distro, bool all, struct yoe_dag *dag)
{
	memset(dag, 0, sizeof *dag);
	dag->distro = distro ? distro : "";
	struct builder b = {.p = p, .distro = dag->distro};
	b.node_of = calloc(p->nunits + 1, sizeof *b.node_of);
	size_t na;
	struct yoe_unit **act = yoe_active_units(p, &na);
	for (size_t i = 0; i < na; i++) {
		struct yoe_unit *u = act[i];
		bool root = all ? yoe_visible(u, b.distro) : (*u->distro && !strcmp(u->distro, b.distro));
		if (!root)
			continue;
		/* the variant that wins this distro is the one built */
		struct yoe_unit *w = yoe_resolve_for_distro(p, b.distro, u->name);
		if (w)
			add_node(&b, w);
	}
	free(act);
	int rc = 0;
	for (size_t i = 0; i < b.n && !rc; i++)
		rc = expand(&b, (int)i);
	int *indeg = calloc(b.n + 1, sizeof *indeg);
	if (!rc) {
		/* rdeps via indices; Kahn with a name-ordered ready heap */
		int **rdeps = calloc(b.n + 1, sizeof *rdeps);
		size_t *nr = calloc(b.n + 1, sizeof *nr);
		for (size_t i = 0; i < b.n; i++)
			for (size_t k = 0; k < b.nout[i]; k++) {
				int d = node_num(&b, b.out[i][k]);
				indeg[i]++;
				rdeps[d] = realloc(rdeps[d], (nr[d] + 1) * sizeof **rdeps);
				rdeps[d][nr[d]++] = (int)i;
			}
		struct heap h = {malloc((b.n + 1) * sizeof(int)), 0, b.nodes};
		for (size_t i = 0; i < b.n; i++)
			if (!indeg[i])
				hpush(&h, (int)i);
		int *order = malloc((b.n + 1) * sizeof *order);
		size_t no = 0;
		while (h.n) {
			int x = hpop(&h);
			order[no++] = x;
			for (size_t k = 0; k < nr[x]; k++)
				if (--indeg[rdeps[x][k]] == 0)
					hpush(&h, rdeps[x][k]);
		}
		if (no < b.n) {
			rc = report_cycle(&b, indeg);
		} else {
			dag->n = b.n;
			dag->nodes = malloc((b.n + 1) * sizeof *dag->nodes);
			dag->edges = calloc(b.n + 1, sizeof *dag->edges);
			dag->nedges = calloc(b.n + 1, sizeof *dag->nedges);
			dag->runtime = calloc(b.n + 1, sizeof *dag->runtime);
			dag->nruntime = calloc(b.n + 1, sizeof *dag->nruntime);
			for (size_t k = 0; k < no; k++) {
				dag->nodes[k] = b.nodes[order[k]];
				dag->nodes[k]->dag_id = (int)k;
			}
			for (size_t k = 0; k < no; k++) {
				int o = order[k];
				if (b.nout[o] > 1)
					qsort(b.out[o], b.nout[o], sizeof **b.out, cmp_unit_name);
				dag->edges[k] = malloc((b.nout[o] + 1) * sizeof(int));
				for (size_t e = 0; e < b.nout[o]; e++)
					dag->edges[k][dag->nedges[k]++] = b.out[o][e]->dag_id;
				/* resolved runtime deps that are in the graph */
				struct yoe_unit *u = dag->nodes[k];
				struct strlist rd = {0};
				yoe_deps_for(u, dag->distro, true, &rd);
				dag->runtime[k] = malloc((rd.n + 1) * sizeof(int));
				struct yoe_unit **ru = malloc((rd.n + 1) * sizeof *ru);
				size_t nru = 0;
				for (size_t j = 0; j < rd.n; j++) {
					struct yoe_unit *r = lookup(&b, rd.v[j]);
					if (r && node_num(&b, r) >= 0 && r->dag_id >= 0 &&
					    (size_t)r->dag_id < no && dag->nodes[r->dag_id] == r)
						ru[nru++] = r;
				}
				qsort(ru, nru, sizeof *ru, cmp_unit_name);
				for (size_t j = 0; j < nru; j++)
					if (!j || ru[j] != ru[j - 1])
						dag->runtime[k][dag->nruntime[k]++] = ru[j]->dag_id;
				free(ru);
				free(rd.v);
			}
		}
		for (size_t i = 0; i < b.n; i++)
			free(rdeps[i]);
		free(rdeps);
		free(nr);
		free(h.v);
		free(order);
	}
	free(indeg);
	for (size_t i = 0; i < b.n; i++)
		free(b.out[i]);
	free(b.out);
	free(b.nout);
	free(b.capout);
	free(b.nodes);
	sm_free(&b.idx);
	free(b.node_of);
	sm_free(&b.looked);
	sm_free(&b.rclos);
	return rc;
}

int yoe_dag_find(const struct yoe_dag *dag, const char *name)
{
	for (size_t i = 0; i < dag->n; i++)
		if (!strcmp(dag->nodes[i]->name, name))
			return (int)i;
	return -1;
}

void yoe_dag_free(struct yoe_dag *dag)
{
	for (size_t i = 0; i < dag->n; i++) {
		free(dag->edges[i]);
		free(dag->runtime[i]);
	}
	free(dag->nodes);
	free(dag->edges);
	free(dag->nedges);
	free(dag->runtime);
	free(dag->nruntime);
	free(dag->keys);
	free(dag->own_keys);
	memset(dag, 0, sizeof *dag);
}
