/* gen/yoe/provides.c — virtual names and per-distro lookups: the global
 * provides table built after the units phase, the per-distro "first tagged
 * provider" views, prefer_modules pins, and the lookup every resolver uses
 * (upstream model §4.2–4.4).  Ties never depend on hash order: the table is
 * built over units sorted by name, the views in registration order. */
#include "yoe/model.h"

#include <stdlib.h>
#include <string.h>

bool yoe_visible(const struct yoe_unit *u, const char *distro)
{
	return !*u->distro || (distro && !strcmp(u->distro, distro));
}

const char *yoe_project_distro(struct yoe_project *p)
{
	return *p->distro_override ? p->distro_override : p->def_distro;
}

const char *yoe_unit_distro(struct yoe_project *p, const struct yoe_unit *u)
{
	return *u->distro ? u->distro : yoe_project_distro(p);
}

void yoe_deps_for(const struct yoe_unit *u, const char *d, bool runtime, struct strlist *out)
{
	const struct strlist *base = runtime ? &u->runtime_deps : &u->deps;
	const struct yoe_lmap *per = runtime ? &u->distro_runtime_deps : &u->distro_deps;
	for (size_t i = 0; i < base->n; i++)
		sv_push(out, base->v[i]);
	if (!d || !*d)
		return;
	for (size_t k = 0; k < per->n; k++)
		if (!strcmp(per->keys[k], d))
			for (size_t i = 0; i < per->vals[k].n; i++)
				sv_push(out, per->vals[k].v[i]);
}

/* view_key: "distro\x1fvirtual"; lookups use a stack buffer (hot path),
 * insertions an arena copy */
static const char *view_key_buf(char *buf, size_t cap, const char *d, const char *v)
{
	size_t dl = strlen(d), vl = strlen(v);
	if (dl + vl + 2 > cap)
		return NULL;
	memcpy(buf, d, dl);
	buf[dl] = '\x1f';
	memcpy(buf + dl + 1, v, vl + 1);
	return buf;
}

static const char *view_key(struct yoe_project *p, const char *d, const char *v)
{
	return ar_printf(&p->arena, "%s\x1f%s", d, v);
}

void yoe_note_provides(struct yoe_project *p, struct yoe_unit *u)
{
	if (!*u->distro)
		return;
	for (size_t i = 0; i < u->provides.n; i++) {
		const char *k = view_key(p, u->distro, u->provides.v[i]);
		if (!sm_get(&p->pviews, k))
			sm_put(&p->pviews, k, (void *)u->name);
	}
}

int yoe_build_provides(struct yoe_project *p)
{
	size_t n;
	const char **names = sm_keys(&p->flat, &n);
	for (size_t i = 0; i < n; i++) {
		struct yoe_unit *u = sm_get(&p->flat, names[i]);
		if (!strcmp(u->class, "image"))
			continue;
		for (size_t j = 0; j < u->provides.n; j++) {
			const char *v = u->provides.v[j];
			if (!*v)
				continue;
			const char *e = sm_get(&p->provides, v);
			if (!e) {
				sm_put(&p->provides, v, (void *)u->name);
				continue;
			}
			struct yoe_unit *eu = *e ? sm_get(&p->flat, e) : NULL;
			if (eu && *eu->distro && *u->distro && strcmp(eu->distro, u->distro))
				continue; /* different distros: the views keep them apart */
			if (!eu) {
				/* the machine kernel's entry: the machine decides */
				continue;
			}
			if (eu->module_index == u->module_index) {
				/* Same priority: the original keeps the first (by name) and
				 * says nothing; we keep it too but say so. */
				yoe_warn(p, &u->pos,
				         "virtual \"%s\" provided by both \"%s\" and \"%s\" (same priority, %s); "
				         "using \"%s\" — raise one module's priority or drop one provides",
				         v, e, u->name, yoe_src_name(p, u->module), e);
				continue;
			}
			if (u->module_index > eu->module_index)
				sm_put(&p->provides, v, (void *)u->name);
		}
	}
	free(names);
	return 0;
}

struct yoe_unit *yoe_resolve_for_distro(struct yoe_project *p, const char *distro, const char *name)
{
	struct yoe_variants *vs = sm_get(&p->variants, name);
	if (!vs)
		return NULL;
	if (distro && *distro) {
		for (size_t i = 0; i < p->npins; i++) {
			if (strcmp(p->pins[i].distro, distro) || strcmp(p->pins[i].unit, name))
				continue;
			for (size_t j = 0; j < vs->n; j++)
				if (!strcmp(vs->v[j]->module, p->pins[i].module) && yoe_visible(vs->v[j], distro))
					return vs->v[j];
		}
	}
	struct yoe_unit *best = NULL;
	for (size_t j = 0; j < vs->n; j++) {
		struct yoe_unit *u = vs->v[j];
		if (!yoe_visible(u, distro))
			continue;
		/* prefer the higher priority; at equal priority the tagged variant */
		if (!best || u->module_index > best->module_index ||
		    (u->module_index == best->module_index && *u->distro && !*best->distro))
			best = u;
	}
	return best;
}

const char *yoe_provider(struct yoe_project *p, const char *name, const char *distro)
{
	if (distro && *distro) {
		struct yoe_unit *u = yoe_resolve_for_distro(p, distro, name);
		if (u && !strcmp(u->distro, distro))
			return u->name;
		char kb[512];
		const char *k = view_key_buf(kb, sizeof kb, distro, name);
		const char *v = sm_get(&p->pviews, k ? k : view_key(p, distro, name));
		if (v)
			return v;
	}
	const char *g = sm_get(&p->provides, name);
	return g && *g ? g : NULL;
}

struct yoe_unit *yoe_lookup(struct yoe_project *p, const char *name, const char *distro)
{
	const char *n = yoe_provider(p, name, distro);
	return yoe_resolve_for_distro(p, distro, n ? n : name);
}

/* pin_hint suggests module names for a misspelled prefer_modules value:
 * names starting with "M." first, then names containing M, then the
 * closest by edit distance; at most three. */
static void pin_hint(struct yoe_project *p, const char *m, struct buf *b)
{
	struct strlist pre = {0}, sub = {0};
	size_t ml = strlen(m);
	for (size_t i = 0; i < p->nmodules; i++) {
		const char *n = p->modules[i]->name;
		if (!p->modules[i]->available)
			continue;
		if (!strncmp(n, m, ml) && n[ml] == '.')
			sv_push(&pre, n);
		else if (strstr(n, m))
			sv_push(&sub, n);
	}
	sv_sort(&pre);
	sv_sort(&sub);
	for (size_t i = 0; i < sub.n; i++)
		sv_push(&pre, sub.v[i]);
	if (!pre.n) {
		const char **c = malloc((p->nmodules + 1) * sizeof *c);
		size_t k = 0;
		for (size_t i = 0; i < p->nmodules; i++)
			if (p->modules[i]->available)
				c[k++] = p->modules[i]->name;
		const char *s = suggest(m, c, k);
		if (s)
			sv_push(&pre, s);
		free(c);
	}
	if (pre.n == 1)
		buf_printf(b, " Did you mean \"%s\"?", pre.v[0]);
	else if (pre.n > 1) {
		buf_adds(b, " Did you mean one of: ");
		for (size_t i = 0; i < pre.n && i < 3; i++)
			buf_printf(b, "%s\"%s\"", i ? ", " : "", pre.v[i]);
		buf_adds(b, "?");
	}
	free(pre.v);
	free(sub.v);
}

int yoe_check_pins(struct yoe_project *p)
{
	for (size_t i = 0; i < p->npins; i++) {
		const struct yoe_pin *pin = &p->pins[i];
		if (!*pin->module || yoe_module_get(p, pin->module))
			continue;
		struct buf b = {0};
		pin_hint(p, pin->module, &b);
		yoe_error(p, &p->project_pos,
		          "prefer_modules[\"%s\"] entry \"%s\": \"%s\" — module \"%s\" not found.%s "
		          "Known modules: see `yoe query`, or the names given by module_info(name=...)",
		          pin->distro, pin->unit, pin->module, pin->module, b.data ? b.data : "");
		buf_free(&b);
		return -1;
	}
	return 0;
}
