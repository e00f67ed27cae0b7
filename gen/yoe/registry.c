/* gen/yoe/registry.c — the project record, error reporting, and the unit and
 * machine registries: registration, name shadowing by priority, and the
 * per-name variant lists the distro lookups read (upstream model §4.1).
 *
 * Deliberate difference from the original: a lower-priority unit is dropped
 * only when the winner is visible wherever it would have been (winner
 * untagged, or the same distro tag); otherwise it stays as a variant for the
 * other distros.  The original dropped it or kept it depending on which of
 * the two happened to register first. */
#include "yoe/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct yoe_project *yoe_project_new(const char *root)
{
	struct yoe_project *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->root = ar_strdup(&p->arena, root);
	p->name = p->version = p->signing_key = p->cache_path = "";
	p->def_machine = p->def_image = p->def_distro = "";
	p->local_machine = p->local_image = p->distro_override = "";
	p->machine = "";
	p->arch = "x86_64";
	p->cur_module = "";
	p->cur_file = "";
	p->phase = "";
	const char *c = getenv("YOE_CACHE");
	if (c && *c)
		p->cache_dir = c[0] == '/' ? ar_strdup(&p->arena, c) : ar_printf(&p->arena, "%s/%s", root, c);
	else
		p->cache_dir = ar_printf(&p->arena, "%s/cache", root);
	return p;
}

void yoe_project_free(struct yoe_project *p)
{
	if (!p)
		return;
	/* the per-name variant arrays and file load lists are malloc'd; unit
	 * field lists live until exit (the model's memory rule) */
	for (size_t i = 0; i < p->variants.cap; i++) {
		struct yoe_variants *vs = p->variants.slots[i].key ? p->variants.slots[i].val : NULL;
		if (vs)
			free(vs->v);
	}
	for (size_t i = 0; i < p->files.cap; i++) {
		struct yoe_file *f = p->files.slots[i].key ? p->files.slots[i].val : NULL;
		if (f)
			free(f->loads.v);
	}
	free(p->shadows);
	free(p->active);
	free(p->modules);
	free(p->warnings.v);
	sm_free(&p->machines);
	sm_free(&p->flat);
	sm_free(&p->variants);
	sm_free(&p->provides);
	sm_free(&p->files);
	sm_free(&p->hashcache);
	sm_free(&p->hashused);
	sm_free(&p->walked_dirs);
	sm_free(&p->pviews);
	free(p->units);
	ar_free(&p->arena);
	free(p);
}

static char *format_diag(struct yoe_project *p, const struct yoe_pos *pos, const char *kind,
                         const char *fmt, va_list ap)
{
	struct buf b = {0};
	if (pos && pos->file) {
		const char *f = pos->file;
		size_t rl = strlen(p->root);
		/* Paths inside the project print relative, as editors expect. */
		if (!strncmp(f, p->root, rl) && f[rl] == '/')
			f += rl + 1;
		if (pos->line)
			buf_printf(&b, "%s:%d:%d: %s: ", f, pos->line, pos->col ? pos->col : 1, kind);
		else
			buf_printf(&b, "%s: %s: ", f, kind);
	} else {
		buf_printf(&b, "yoe: %s: ", kind);
	}
	buf_vprintf(&b, fmt, ap);
	char *s = ar_strdup(&p->arena, b.data);
	buf_free(&b);
	return s;
}

int yoe_error(struct yoe_project *p, const struct yoe_pos *pos, const char *fmt, ...)
{
	if (p->err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	p->err = format_diag(p, pos, "error", fmt, ap);
	va_end(ap);
	struct buf b = {0};
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->errmsg = ar_strdup(&p->arena, b.data);
	buf_free(&b);
	return -1;
}

void yoe_warn(struct yoe_project *p, const struct yoe_pos *pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sv_push(&p->warnings, format_diag(p, pos, "warning", fmt, ap));
	va_end(ap);
}

struct yoe_unit *yoe_unit_new(struct yoe_project *p)
{
	struct yoe_unit *u = ar_alloc(&p->arena, sizeof *u);
	u->name = u->class = u->version = u->description = u->license = "";
	u->scope = u->distro = u->source = u->sha256 = u->apk_checksum = "";
	u->passthrough_apk = u->tag = u->branch = u->commit = "";
	u->container = u->container_arch = u->shell = "";
	u->hostname = u->timezone = u->locale = u->unbuildable_machine = "";
	u->module = u->defined_in = u->file = "";
	u->dag_id = -1;
	return u;
}

const char *yoe_src_name(struct yoe_project *p, const char *module)
{
	if (!module || !*module)
		return "project root";
	return ar_printf(&p->arena, "module \"%s\"", module);
}

/* covers: does a unit tagged `w` hide one tagged `l` everywhere l is seen? */
static bool covers(const char *w, const char *l)
{
	return !*w || !strcmp(w, l);
}

static bool overlap(const char *a, const char *b)
{
	return !*a || !*b || !strcmp(a, b);
}

static void add_shadow(struct yoe_project *p, const char *name, const char *win, const char *lose)
{
	p->shadows = realloc(p->shadows, (p->nshadows + 1) * sizeof *p->shadows);
	if (!p->shadows)
		abort();
	p->shadows[p->nshadows++] = (struct yoe_shadow){name, yoe_src_name(p, win), yoe_src_name(p, lose)};
}

int yoe_register(struct yoe_project *p, struct yoe_unit *u)
{
	struct yoe_variants *vs = sm_get(&p->variants, u->name);
	if (vs) {
		/* Check every live variant whose visibility overlaps ours. */
		for (size_t i = 0; i < vs->n; i++) {
			struct yoe_unit *e = vs->v[i];
			if (e->shadowed_by || !overlap(e->distro, u->distro))
				continue;
			if (e->module_index == u->module_index) {
				if (e->pos.file && e->pos.line)
					return yoe_error(p, &u->pos,
					                 "unit \"%s\" already defined (first defined in %s at %s:%d:%d); "
					                 "rename one of them",
					                 u->name, yoe_src_name(p, e->module), e->pos.file, e->pos.line,
					                 e->pos.col);
				return yoe_error(p, &u->pos, "unit \"%s\" already defined (first defined in %s)",
				                 u->name, yoe_src_name(p, e->module));
			}
			if (u->module_index < e->module_index && covers(e->distro, u->distro)) {
				add_shadow(p, u->name, e->module, u->module);
				return 0; /* the loser is dropped */
			}
		}
		for (size_t i = 0; i < vs->n; i++) {
			struct yoe_unit *e = vs->v[i];
			if (!e->shadowed_by && u->module_index > e->module_index && covers(u->distro, e->distro)) {
				e->shadowed_by = u;
				add_shadow(p, u->name, u->module, e->module);
			}
		}
	} else {
		vs = ar_alloc(&p->arena, sizeof *vs);
		sm_put(&p->variants, u->name, vs);
	}
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 2;
		vs->v = realloc(vs->v, vs->cap * sizeof *vs->v);
		if (!vs->v)
			abort();
	}
	vs->v[vs->n++] = u;
	struct yoe_unit *flat = sm_get(&p->flat, u->name);
	if (!flat || flat->shadowed_by)
		sm_put(&p->flat, u->name, u);
	if (p->nunits == p->capunits) {
		p->capunits = p->capunits ? p->capunits * 2 : 64;
		p->units = realloc(p->units, p->capunits * sizeof *p->units);
		if (!p->units)
			abort();
	}
	u->seq = u->id = (int)p->nunits;
	p->units[p->nunits++] = u;
	free(p->active); /* the sorted view is stale */
	p->active = NULL;
	yoe_note_provides(p, u);
	return 0;
}

int yoe_add_machine(struct yoe_project *p, struct yoe_machine *m)
{
	/* Last definition wins, as in the original: modules run after the
	 * project root, so a module's machine replaces the project's. */
	sm_put(&p->machines, m->name, m);
	return 0;
}

struct yoe_machine *yoe_machine_get(struct yoe_project *p, const char *name)
{
	return sm_get(&p->machines, name);
}

struct yoe_module *yoe_module_get(struct yoe_project *p, const char *name)
{
	for (size_t i = 0; i < p->nmodules; i++)
		if (p->modules[i]->available && !strcmp(p->modules[i]->name, name))
			return p->modules[i];
	return NULL;
}

static int cmp_active(const void *a, const void *b)
{
	const struct yoe_unit *x = *(struct yoe_unit *const *)a, *y = *(struct yoe_unit *const *)b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->distro, y->distro);
	if (!c)
		c = y->module_index - x->module_index;
	return c;
}

struct yoe_unit **yoe_active_units(struct yoe_project *p, size_t *n)
{
	/* sorted once per registry state: every resolver step asks */
	if (!p->active) {
		p->active = malloc((p->nunits + 1) * sizeof *p->active);
		if (!p->active)
			abort();
		size_t o = 0;
		for (size_t i = 0; i < p->nunits; i++)
			if (!p->units[i]->shadowed_by)
				p->active[o++] = p->units[i];
		if (o > 1)
			qsort(p->active, o, sizeof *p->active, cmp_active);
		p->nactive = o;
	}
	struct yoe_unit **v = malloc((p->nactive + 1) * sizeof *v);
	if (!v)
		abort();
	if (p->nactive)
		memcpy(v, p->active, p->nactive * sizeof *v);
	*n = p->nactive;
	return v;
}

bool yoe_source_is_git(const char *url)
{
	size_t n = strlen(url);
	if ((n > 4 && !strcmp(url + n - 4, ".git")) || !strncmp(url, "git://", 6)
	    || !strncmp(url, "git@", 4) || !strncmp(url, "ssh://", 6))
		return true;
	return strstr(url, "github.com/") && !strstr(url, "/archive/") && !strstr(url, "/releases/");
}
