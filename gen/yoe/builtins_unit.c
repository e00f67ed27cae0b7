/* gen/yoe/builtins_unit.c — unit() and image() (register a unit), task(),
 * and the install step values install_file() / install_template().
 * Known keywords are typed (a wrong type is an error); any other keyword is
 * kept as JSON-like extra data, as the original does. */
#include "yoe/builtins.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- install steps ---- */

static void install_repr(sl_value self, struct sl_buf *b)
{
	const struct yoe_step *st = SL_OPAQUE(self)->data;
	sl_buf_adds(b, st->kind == YS_INSTALL_FILE ? "install_file(" : "install_template(");
	sl_quote(st->src, strlen(st->src), false, b);
	sl_buf_adds(b, ", ");
	sl_quote(st->dest, strlen(st->dest), false, b);
	sl_buf_printf(b, ", mode=0o%o)", (unsigned)st->mode);
}

static int install_hash(sl_thread *th, sl_value self, uint32_t *out)
{
	const struct yoe_step *st = SL_OPAQUE(self)->data;
	uint32_t h = 2166136261u; /* FNV-1a, as the original */
	const char *parts[] = {st->kind == YS_INSTALL_FILE ? "file" : "template", st->src, st->dest};
	for (int i = 0; i < 3; i++) {
		for (const char *c = parts[i]; *c; c++)
			h = (h ^ (unsigned char)*c) * 16777619u;
		h = (h ^ 0) * 16777619u;
	}
	for (int i = 0; i < 8; i++)
		h = (h ^ (((uint64_t)st->mode >> (8 * i)) & 0xff)) * 16777619u;
	*out = h;
	return 0;
}

static int install_equal(sl_thread *th, sl_value x, sl_value y)
{
	const struct yoe_step *a = SL_OPAQUE(x)->data, *b = SL_OPAQUE(y)->data;
	return a->kind == b->kind && a->mode == b->mode && !strcmp(a->src, b->src) && !strcmp(a->dest, b->dest);
}

static const struct sl_opaque_type install_type = {
	.name = "InstallStep",
	.repr = install_repr,
	.hash = install_hash,
	.equal = install_equal,
};

static sl_value install(sl_thread *th, const struct sl_args *a, enum yoe_step_kind kind, const char *fn)
{
	struct yoe_eval *ev = EV(th);
	struct yoe_project *p = ev->p;
	if (a->npos != 2 || sl_kind(a->pos[0]) != SL_KSTRING || sl_kind(a->pos[1]) != SL_KSTRING)
		return sl_error(th, "%s(): takes two strings, src and dest, e.g. %s(\"foo.conf\", \"$DESTDIR/etc/foo.conf\")",
		                fn, fn);
	int64_t mode = 0644;
	struct yoe_kw kw[] = {KW("mode", 'i', &mode), KW_END};
	if (yoe_kwargs(th, a, fn, kw, NULL) < 0)
		return NULL;
	if (mode < 0 || mode > 07777)
		return sl_error(th, "%s(): mode 0o%llo out of range (0o0 to 0o7777)", fn, (long long)mode);
	struct yoe_step *st = ar_alloc(&p->arena, sizeof *st);
	st->kind = kind;
	st->src = ar_strdup(&p->arena, sl_str_data(a->pos[0]));
	st->dest = ar_strdup(&p->arena, sl_str_data(a->pos[1]));
	st->mode = (int)mode;
	st->text = "";
	/* base dir: <dir of calling file>/<its name minus .star> — the file of
	 * the frame that called us, so helpers resolve next to themselves */
	struct yoe_pos here = yoe_here(ev);
	st->pos = here;
	if (here.file) {
		const char *f = here.file;
		size_t n = strlen(f);
		if (n > 5 && !strcmp(f + n - 5, ".star"))
			n -= 5;
		st->base_dir = ar_strndup(&p->arena, f, n);
	} else {
		st->base_dir = "";
	}
	if (strstr(st->src, "..")) {
		/* reject escapes early: the helper would refuse them anyway */
		const char *s = st->src;
		for (const char *c = s; (c = strstr(c, "..")); c += 2)
			if ((c == s || c[-1] == '/') && (c[2] == '/' || !c[2]))
				return sl_error(th, "%s(): src \"%s\" escapes the install base directory %s/", fn, st->src,
				                yoe_display_path(p, st->base_dir));
	}
	if (st->src[0] == '/')
		return sl_error(th, "%s(): src \"%s\" must be relative to %s/", fn, st->src,
		                yoe_display_path(p, st->base_dir));
	return sl_opaque_new(&install_type, st);
}

sl_value yoe_bi_install_file(sl_thread *th, const struct sl_args *a)
{
	return install(th, a, YS_INSTALL_FILE, "install_file");
}

sl_value yoe_bi_install_template(sl_thread *th, const struct sl_args *a)
{
	return install(th, a, YS_INSTALL_TEMPLATE, "install_template");
}

static bool is_install(sl_value v)
{
	return sl_kind(v) == SL_KOPAQUE && SL_OPAQUE(v)->type == &install_type;
}

/* ---- task() ---- */

sl_value yoe_bi_task(sl_thread *th, const struct sl_args *a)
{
	const char *name = NULL, *run = "", *cont = "";
	sl_value steps = NULL, fn = NULL;
	bool net = false, rm = false;
	struct yoe_kw kw[] = {KW("name", 's', &name), KW("steps", 'l', &steps), KW("run", 's', &run),
	                      KW("fn", 'c', &fn), KW("container", 's', &cont), KW("network", 'b', &net),
	                      KW("remove", 'b', &rm), KW_END};
	if (a->npos > 1)
		return sl_error(th, "task(): takes one positional argument (the task name), got %zu", a->npos);
	if (a->npos == 1) {
		if (sl_kind(a->pos[0]) != SL_KSTRING)
			return sl_error(th, "task(): the name must be a string, got %s", sl_type_name(a->pos[0]));
		name = sl_str_data(a->pos[0]);
	}
	if (yoe_kwargs(th, a, "task", kw, NULL) < 0)
		return NULL;
	if (!name)
		return sl_error(th, "task(): requires a name, e.g. task(\"build\", steps=[...])");
	if (steps) {
		size_t n = sl_kind(steps) == SL_KLIST ? SL_LIST(steps)->len : SL_TUPLE(steps)->len;
		for (size_t i = 0; i < n; i++) {
			sl_value e = sl_kind(steps) == SL_KLIST ? SL_LIST(steps)->items[i] : SL_TUPLE(steps)->items[i];
			if (sl_kind(e) != SL_KSTRING && !is_install(e) && !sl_callable(e))
				return sl_error(th, "task(\"%s\"): steps[%zu] must be a shell string, install_file(...), "
				                    "install_template(...) or a function, got %s",
				                name, i, sl_type_name(e));
		}
	}
	const char *names[8];
	sl_value vals[8];
	size_t n = 0;
	names[n] = "name", vals[n++] = sl_cstring(name);
	for (size_t i = 0; i < a->nkw; i++) {
		const char *k = sl_str_data(a->kw[2 * i]);
		if (strcmp(k, "name") && a->kw[2 * i + 1] != SL_NONE && n < 8)
			names[n] = k, vals[n++] = a->kw[2 * i + 1];
	}
	return yoe_make_struct(th, "task", names, vals, n);
}

static void task_from(sl_thread *th, sl_value t, struct yoe_task *out)
{
	struct yoe_project *p = EV(th)->p;
	sl_value v;
	out->name = (v = sl_struct_get(t, "name")) ? ar_strdup(&p->arena, sl_str_data(v)) : "";
	out->container = (v = sl_struct_get(t, "container")) ? ar_strdup(&p->arena, sl_str_data(v)) : "";
	out->network = sl_struct_get(t, "network") == SL_TRUE;
	out->remove = sl_struct_get(t, "remove") == SL_TRUE;
	sl_value run = sl_struct_get(t, "run"), fnv = sl_struct_get(t, "fn"), steps = sl_struct_get(t, "steps");
	size_t ns = steps ? (sl_kind(steps) == SL_KLIST ? SL_LIST(steps)->len : SL_TUPLE(steps)->len) : 0;
	out->steps = ar_alloc(&p->arena, (ns + 2) * sizeof *out->steps);
	out->nsteps = 0;
	/* the original's order: run sets, fn replaces, steps append */
	if (run && sl_str_len(run)) {
		out->steps[out->nsteps++] = (struct yoe_step){.kind = YS_CMD, .text = ar_strdup(&p->arena, sl_str_data(run)),
		                                              .src = "", .dest = "", .base_dir = ""};
	}
	if (fnv) {
		out->nsteps = 0;
		out->steps[out->nsteps++] = (struct yoe_step){.kind = YS_FN, .text = ar_strdup(&p->arena, sl_func_name(fnv)),
		                                              .src = "", .dest = "", .base_dir = ""};
	}
	for (size_t i = 0; i < ns; i++) {
		sl_value e = sl_kind(steps) == SL_KLIST ? SL_LIST(steps)->items[i] : SL_TUPLE(steps)->items[i];
		struct yoe_step *st = &out->steps[out->nsteps++];
		if (sl_kind(e) == SL_KSTRING)
			*st = (struct yoe_step){.kind = YS_CMD, .text = ar_strndup(&p->arena, sl_str_data(e), sl_str_len(e)),
			                        .src = "", .dest = "", .base_dir = ""};
		else if (is_install(e))
			*st = *(struct yoe_step *)SL_OPAQUE(e)->data;
		else
			*st = (struct yoe_step){.kind = YS_FN, .text = ar_strdup(&p->arena, sl_func_name(e)),
			                        .src = "", .dest = "", .base_dir = ""};
	}
}

/* ---- extra keywords → JSON-like values ---- */

static struct yoe_jval *to_json(sl_thread *th, const char *fn, const char *key, sl_value v, int depth)
{
	struct yoe_project *p = EV(th)->p;
	struct yoe_jval *j = ar_alloc(&p->arena, sizeof *j);
	if (depth > 100) {
		sl_error(th, "%s(): keyword \"%s\": value nested too deeply", fn, key);
		return NULL;
	}
	switch (sl_kind(v)) {
	case SL_KNONE: j->kind = YJ_NULL; return j;
	case SL_KBOOL: j->kind = YJ_BOOL; j->b = v == SL_TRUE; return j;
	case SL_KINT:
		j->kind = YJ_INT;
		if (!sl_int_to_i64(v, &j->i)) {
			sl_error(th, "%s(): keyword \"%s\": int value out of int64 range", fn, key);
			return NULL;
		}
		return j;
	case SL_KFLOAT: j->kind = YJ_FLOAT; j->f = sl_float_get(v); return j;
	case SL_KSTRING: j->kind = YJ_STR; j->s = ar_strndup(&p->arena, sl_str_data(v), sl_str_len(v)); return j;
	case SL_KLIST: {
		struct sl_list *l = SL_LIST(v);
		j->kind = YJ_LIST;
		j->n = l->len;
		j->items = ar_alloc(&p->arena, (l->len + 1) * sizeof *j->items);
		for (size_t i = 0; i < l->len; i++)
			if (!(j->items[i] = to_json(th, fn, key, l->items[i], depth + 1)))
				return NULL;
		return j;
	}
	case SL_KDICT: {
		size_t n = sl_dict_len(v), k = 0;
		j->kind = YJ_DICT;
		j->n = n;
		j->keys = ar_alloc(&p->arena, (n + 1) * sizeof *j->keys);
		j->items = ar_alloc(&p->arena, (n + 1) * sizeof *j->items);
		sl_value dk, dv;
		for (size_t pos = 0; sl_dict_next(v, &pos, &dk, &dv); k++) {
			if (sl_kind(dk) != SL_KSTRING) {
				sl_error(th, "%s(): keyword \"%s\": dict key must be string, got %s", fn, key, sl_type_name(dk));
				return NULL;
			}
			/* insertion sort by key keeps the output canonical */
			const char *ks = ar_strdup(&p->arena, sl_str_data(dk));
			struct yoe_jval *jv = to_json(th, fn, key, dv, depth + 1);
			if (!jv)
				return NULL;
			size_t at = k;
			while (at && strcmp(j->keys[at - 1], ks) > 0) {
				j->keys[at] = j->keys[at - 1];
				j->items[at] = j->items[at - 1];
				at--;
			}
			j->keys[at] = ks;
			j->items[at] = jv;
		}
		return j;
	}
	default:
		sl_error(th, "%s(): keyword \"%s\": unsupported type %s (extra keywords may hold None, bool, int, "
		             "float, string, list or dict)", fn, key, sl_type_name(v));
		return NULL;
	}
}

/* ---- unit() / image() ---- */

static bool is_hex40(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
			return false;
	return n == 40;
}

static sl_value do_register(sl_thread *th, const struct sl_args *a, const char *fn)
{
	struct yoe_eval *ev = EV(th);
	struct yoe_project *p = ev->p;
	struct yoe_unit *u = yoe_unit_new(p);
	sl_value tasks = NULL, parts = NULL;
	const char *name = "";
	struct yoe_kw kw[] = {
		KW("name", 's', &name), KW("unit_class", 's', &u->class), KW("version", 's', &u->version),
		KW("release", 'i', &u->release), KW("scope", 's', &u->scope),
		KW("description", 's', &u->description), KW("license", 's', &u->license),
		KW("distro", 's', &u->distro), KW("source", 's', &u->source), KW("mirrors", 'L', &u->mirrors),
		KW("sha256", 's', &u->sha256), KW("apk_checksum", 's', &u->apk_checksum),
		KW("passthrough_apk", 's', &u->passthrough_apk), KW("tag", 's', &u->tag),
		KW("branch", 's', &u->branch), KW("commit", 's', &u->commit), KW("patches", 'L', &u->patches),
		KW("deps", 'L', &u->deps), KW("runtime_deps", 'L', &u->runtime_deps),
		KW("distro_deps", 'D', &u->distro_deps), KW("distro_runtime_deps", 'D', &u->distro_runtime_deps),
		KW("container", 's', &u->container), KW("container_arch", 's', &u->container_arch),
		KW("sandbox", 'b', &u->sandbox), KW("shell", 's', &u->shell), KW("provides", 'L', &u->provides),
		KW("replaces", 'L', &u->replaces), KW("services", 'L', &u->services),
		KW("conffiles", 'L', &u->conffiles), KW("environment", 'M', &u->environment),
		KW("cache_dirs", 'M', &u->cache_dirs), KW("artifacts", 'L', &u->artifacts),
		KW("artifacts_explicit", 'L', &u->artifacts_explicit), KW("exclude", 'L', &u->exclude),
		KW("hostname", 's', &u->hostname), KW("timezone", 's', &u->timezone),
		KW("locale", 's', &u->locale), KW("partitions", 'l', &parts), KW("tasks", 'l', &tasks),
		KW("unbuildable_machine", 's', &u->unbuildable_machine),
		KW("machine_kernel_distros", 'L', &u->machine_kernel_distros), KW_END};
	if (a->npos)
		return sl_error(th, "%s(): takes keyword arguments only, got %zu positional", fn, a->npos);
	struct yoe_extra extra = {0};
	u->class = "";
	if (yoe_kwargs(th, a, fn, kw, &extra) < 0)
		goto fail;
	if (!*name) {
		sl_error(th, "%s() requires name", fn);
		goto fail;
	}
	u->name = name;
	if (!*u->class)
		u->class = fn;
	if (*u->scope && strcmp(u->scope, "arch") && strcmp(u->scope, "machine") && strcmp(u->scope, "noarch")) {
		sl_error(th, "unit \"%s\": invalid scope \"%s\" (valid: arch, machine, noarch; unset means arch)", name,
		         u->scope);
		goto fail;
	}
	if (*u->commit && !is_hex40(u->commit)) {
		sl_error(th, "unit \"%s\": commit must be 40 lowercase hex digits (a full git commit id), got \"%s\"",
		         name, u->commit);
		goto fail;
	}
	if (*u->container_arch && strcmp(u->container_arch, "target") && strcmp(u->container_arch, "host")) {
		sl_error(th, "unit \"%s\": container_arch must be \"target\" or \"host\", got \"%s\"", name,
		         u->container_arch);
		goto fail;
	}
	if (parts && yoe_partitions_from(th, fn, parts, &u->partitions, &u->npartitions) < 0)
		goto fail;
	if (tasks) {
		size_t n = sl_kind(tasks) == SL_KLIST ? SL_LIST(tasks)->len : SL_TUPLE(tasks)->len;
		u->tasks = ar_alloc(&p->arena, (n + 1) * sizeof *u->tasks);
		for (size_t i = 0; i < n; i++) {
			sl_value t = sl_kind(tasks) == SL_KLIST ? SL_LIST(tasks)->items[i] : SL_TUPLE(tasks)->items[i];
			if (strcmp(yoe_ctor(t), "task")) {
				sl_error(th, "unit \"%s\": tasks[%zu] must be a task(...) value, got %s", name, i,
				         *yoe_ctor(t) ? yoe_ctor(t) : sl_type_name(t));
				goto fail;
			}
			task_from(th, t, &u->tasks[u->ntasks++]);
		}
	}
	/* unknown keywords stay extra data (as in the original), but a near
	 * miss of a known one is almost always a typo: say so */
	for (size_t i = 0; i < extra.n; i++) {
		const char *k = sl_str_data(extra.names[i]);
		for (struct yoe_kw *c = kw; c->name; c++)
			if (edit_distance(k, c->name) == 1 && strlen(k) >= 3) {
				struct yoe_pos here = yoe_here(ev);
				yoe_warn(p, &here, "%s \"%s\": keyword \"%s\" is kept as extra data; did you mean \"%s\"?", fn,
				         name, k, c->name);
				break;
			}
	}
	if (extra.n) {
		u->extra_keys = ar_alloc(&p->arena, extra.n * sizeof *u->extra_keys);
		u->extra_vals = ar_alloc(&p->arena, extra.n * sizeof *u->extra_vals);
		for (size_t i = 0; i < extra.n; i++) {
			const char *k = ar_strdup(&p->arena, sl_str_data(extra.names[i]));
			struct yoe_jval *j = to_json(th, fn, k, extra.vals[i], 0);
			if (!j)
				goto fail;
			size_t at = u->nextra++;
			while (at && strcmp(u->extra_keys[at - 1], k) > 0) {
				u->extra_keys[at] = u->extra_keys[at - 1];
				u->extra_vals[at] = u->extra_vals[at - 1];
				at--;
			}
			u->extra_keys[at] = k;
			u->extra_vals[at] = j;
		}
	}
	free(extra.names);
	free(extra.vals);
	extra.names = extra.vals = NULL;
	u->module = p->cur_module;
	u->module_index = p->cur_index;
	u->file = p->cur_file;
	const char *slash = strrchr(u->file, '/');
	u->defined_in = slash ? ar_strndup(&p->arena, u->file, (size_t)(slash - u->file)) : p->root;
	u->pos = yoe_here_top(ev);
	if (yoe_register(p, u) < 0) {
		const char *msg = p->errmsg;
		p->err = p->errmsg = NULL;
		return sl_error(th, "%s", msg);
	}
	return SL_NONE;
fail:
	free(extra.names);
	free(extra.vals);
	return NULL;
}

sl_value yoe_bi_unit(sl_thread *th, const struct sl_args *a)
{
	return do_register(th, a, "unit");
}

sl_value yoe_bi_image(sl_thread *th, const struct sl_args *a)
{
	return do_register(th, a, "image");
}
