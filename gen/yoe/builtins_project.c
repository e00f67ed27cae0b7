/* gen/yoe/builtins_project.c — the project-level builtins: project(),
 * defaults(), cache(), module(), module_info() and local.star's local(). */
#include "yoe/builtins.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_hex40(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
			return false;
	return n == 40;
}

/* A data constructor: check the keywords, then keep them as struct fields. */

sl_value yoe_bi_defaults(sl_thread *th, const struct sl_args *a)
{
	const char *s;
	struct yoe_kw kw[] = {KW("machine", 's', &s), KW("image", 's', &s), KW("distro", 's', &s), KW_END};
	return yoe_data_struct(th, a, "defaults", kw);
}

sl_value yoe_bi_cache(sl_thread *th, const struct sl_args *a)
{
	const char *s;
	struct yoe_kw kw[] = {KW("path", 's', &s), KW_END};
	return yoe_data_struct(th, a, "cache", kw);
}

sl_value yoe_bi_module(sl_thread *th, const struct sl_args *a)
{
	const char *url = NULL, *ref = "", *path = "", *local = "", *commit = "";
	struct yoe_kw kw[] = {KW("url", 's', &url), KW("ref", 's', &ref), KW("path", 's', &path),
	                      KW("local", 's', &local), KW("commit", 's', &commit), KW_END};
	if (a->npos > 1)
		return sl_error(th, "module(): takes one positional argument (the URL), got %zu", a->npos);
	if (a->npos == 1) {
		if (sl_kind(a->pos[0]) != SL_KSTRING)
			return sl_error(th, "module(): the URL must be a string, got %s", sl_type_name(a->pos[0]));
		url = sl_str_data(a->pos[0]);
	}
	if (yoe_kwargs(th, a, "module", kw, NULL) < 0)
		return NULL;
	if (!url)
		return sl_error(th, "module(): requires a URL argument, e.g. module(\"https://github.com/org/repo.git\", ref=\"main\")");
	if (*commit && !is_hex40(commit))
		return sl_error(th, "module(): commit must be 40 lowercase hex digits (a full git commit id), got \"%s\"",
		                commit);
	const char *names[] = {"url", "ref", "path", "local", "commit"};
	sl_value vals[] = {sl_cstring(url), sl_cstring(ref), sl_cstring(path), sl_cstring(local),
	                   sl_cstring(commit)};
	sl_value st = yoe_make_struct(th, "module", names, vals, 5);
	if (st) {
		/* remember where it was written, for "module missing" errors */
		struct yoe_eval *ev = EV(th);
		struct yoe_pos *pos = ar_alloc(&ev->p->arena, sizeof *pos);
		*pos = yoe_here(ev);
		sm_put(&ev->modpos, ar_printf(&ev->p->arena, "%p", (void *)st), pos);
	}
	return st;
}

/* module_ref copies a module() struct into a new yoe_module. */
static struct yoe_module *module_ref(struct yoe_eval *ev, sl_value st, const char *parent)
{
	struct yoe_project *p = ev->p;
	struct yoe_module *m = ar_alloc(&p->arena, sizeof *m);
	const char *f[] = {"url", "ref", "path", "local", "commit"};
	const char **out[] = {&m->url, &m->ref, &m->path, &m->local, &m->commit};
	for (int i = 0; i < 5; i++) {
		sl_value v = sl_struct_get(st, f[i]);
		*out[i] = v && sl_kind(v) == SL_KSTRING ? ar_strdup(&p->arena, sl_str_data(v)) : "";
	}
	m->parent = parent;
	m->name = m->basename = m->clone_dir = m->dir = m->description = "";
	struct yoe_pos *pos = sm_get(&ev->modpos, ar_printf(&p->arena, "%p", (void *)st));
	m->pos = pos ? *pos : yoe_here(ev);
	return m;
}

void yoe_add_declared_module(struct yoe_project *p, struct yoe_module *m);

static int modules_list(sl_thread *th, const char *fn, sl_value list, const char *parent, bool peek)
{
	struct yoe_eval *ev = EV(th);
	size_t n = sl_kind(list) == SL_KLIST ? SL_LIST(list)->len : SL_TUPLE(list)->len;
	for (size_t i = 0; i < n; i++) {
		sl_value e = sl_kind(list) == SL_KLIST ? SL_LIST(list)->items[i] : SL_TUPLE(list)->items[i];
		if (strcmp(yoe_ctor(e), "module")) {
			sl_error(th, "%s(): modules[%zu] must be a module(...) value, got %s", fn, i,
			         *yoe_ctor(e) ? yoe_ctor(e) : sl_type_name(e));
			return -1;
		}
		struct yoe_module *m = module_ref(ev, e, parent);
		if (peek) {
			struct buf b = {0};
			buf_printf(&b, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s:%d:%d", m->url, m->ref, m->path, m->local,
			           m->commit, m->pos.file ? m->pos.file : "", m->pos.line, m->pos.col);
			sv_push(&ev->peek_deps, ar_strdup(&ev->p->arena, b.data));
			buf_free(&b);
		} else {
			yoe_add_declared_module(ev->p, m);
		}
	}
	return 0;
}

static int cmp_pin(const void *a, const void *b)
{
	const struct yoe_pin *x = a, *y = b;
	int c = strcmp(x->distro, y->distro);
	return c ? c : strcmp(x->unit, y->unit);
}

sl_value yoe_bi_project(sl_thread *th, const struct sl_args *a)
{
	struct yoe_eval *ev = EV(th);
	struct yoe_project *p = ev->p;
	const char *name = "", *version = "", *desc = "", *key = "";
	sl_value defs = NULL, cache = NULL, mods = NULL, prefer = NULL;
	struct yoe_kw kw[] = {
		KW("name", 's', &name), KW("version", 's', &version), KW("description", 's', &desc),
		KWS("defaults", &defs, "defaults"), KWS("cache", &cache, "cache"),
		KW("modules", 'l', &mods), KW("prefer_modules", 'd', &prefer), KW("signing_key", 's', &key), KW_END};
	if (a->npos)
		return sl_error(th, "project(): takes keyword arguments only");
	if (p->declared)
		return sl_error(th, "project() called more than once (first call at %s:%d:%d)",
		                yoe_display_path(p, p->project_pos.file), p->project_pos.line, p->project_pos.col);
	if (yoe_kwargs(th, a, "project", kw, NULL) < 0)
		return NULL;
	p->declared = true;
	p->project_pos = yoe_here(ev);
	p->name = name;
	p->version = version;
	p->signing_key = key;
	if (defs) {
		const char *f[] = {"machine", "image", "distro"};
		const char **out[] = {&p->def_machine, &p->def_image, &p->def_distro};
		for (int i = 0; i < 3; i++) {
			sl_value v = sl_struct_get(defs, f[i]);
			if (v)
				*out[i] = ar_strdup(&p->arena, sl_str_data(v));
		}
	}
	if (cache) {
		sl_value v = sl_struct_get(cache, "path");
		if (v)
			p->cache_path = ar_strdup(&p->arena, sl_str_data(v));
	}
	if (mods && modules_list(th, "project", mods, "", false) < 0)
		return NULL;
	if (prefer) {
		sl_value dk, dv;
		size_t cap = 0;
		for (size_t pos = 0; sl_dict_next(prefer, &pos, &dk, &dv);) {
			if (sl_kind(dk) != SL_KSTRING || sl_kind(dv) != SL_KDICT)
				return sl_error(th, "project(): prefer_modules must be {distro: {unit: module}}; "
				                    "outer keys must be distro strings and values dicts, got %s: %s",
				                sl_type_name(dk), sl_type_name(dv));
			sl_value uk, uv;
			for (size_t q = 0; sl_dict_next(dv, &q, &uk, &uv);) {
				if (sl_kind(uk) != SL_KSTRING || sl_kind(uv) != SL_KSTRING)
					return sl_error(th, "project(): prefer_modules[%s] keys and values must be strings",
					                sl_repr_cstr(dk));
				if (p->npins == cap) {
					cap = cap ? cap * 2 : 8;
					struct yoe_pin *np = ar_alloc(&p->arena, cap * sizeof *np);
					if (p->npins)
						memcpy(np, p->pins, p->npins * sizeof *np);
					p->pins = np;
				}
				p->pins[p->npins++] = (struct yoe_pin){ar_strdup(&p->arena, sl_str_data(dk)),
				                                       ar_strdup(&p->arena, sl_str_data(uk)),
				                                       ar_strdup(&p->arena, sl_str_data(uv))};
			}
		}
		if (p->npins > 1)
			qsort(p->pins, p->npins, sizeof *p->pins, cmp_pin);
	}
	return SL_NONE;
}

sl_value yoe_bi_module_info(sl_thread *th, const struct sl_args *a)
{
	struct yoe_eval *ev = EV(th);
	const char *name = NULL, *desc = "";
	sl_value deps = NULL;
	struct yoe_kw kw[] = {KW("name", 's', &name), KW("description", 's', &desc), KW("deps", 'l', &deps), KW_END};
	if (a->npos)
		return sl_error(th, "module_info(): takes keyword arguments only");
	if (yoe_kwargs(th, a, "module_info", kw, NULL) < 0)
		return NULL;
	if (!name || !*name)
		return sl_error(th, "module_info(): requires name (the module's canonical name, used in @name//... loads)");
	if (ev->peeking) {
		ev->peek_name = name;
		ev->peek_deps.n = 0;
		if (deps && modules_list(th, "module_info", deps, name, true) < 0)
			return NULL;
		return SL_NONE;
	}
	struct yoe_module *m = yoe_module_get(ev->p, ev->p->cur_module);
	if (m)
		m->description = desc;
	return SL_NONE;
}

sl_value yoe_bi_local(sl_thread *th, const struct sl_args *a)
{
	struct yoe_project *p = EV(th)->p;
	const char *machine = "", *image = "", *ddo = "", *s = "", *disp = "";
	int64_t pb = 1;
	struct strlist ports = {0};
	struct yoe_kw kw[] = {KW("machine", 's', &machine), KW("image", 's', &image),
	                      KW("default_distro_override", 's', &ddo), KW("parallel_builds", 'i', &pb),
	                      KW("qemu_memory", 's', &s), KW("qemu_display", 's', &disp),
	                      KW("qemu_ports", 'L', &ports), KW("deploy_host", 's', &s),
	                      KW("flash_device", 's', &s), KW("query", 's', &s), KW_END};
	if (a->npos)
		return sl_error(th, "local(): takes keyword arguments only");
	if (yoe_kwargs(th, a, "local", kw, NULL) < 0)
		return NULL;
	if (*disp && strcmp(disp, "on") && strcmp(disp, "off"))
		return sl_error(th, "local(): qemu_display must be \"on\", \"off\", or \"\"");
	if (pb < 1)
		return sl_error(th, "local(): parallel_builds must be >= 1");
	p->local_machine = machine;
	p->local_image = image;
	if (*ddo)
		p->distro_override = ddo;
	return SL_NONE;
}
