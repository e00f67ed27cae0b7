/* gen/yoe/builtins_misc.c — the remaining builtins (resolve_closure,
 * command/arg, the build-time-only run/dir_size_mb, the not-yet-supported
 * feeds), the `ctx` value, and the table that predeclares them all. */
#include "yoe/builtins.h"

#include <stdlib.h>
#include <string.h>

/* ---- resolve_closure(roots, distro=) ---- */

static sl_value bi_resolve_closure(sl_thread *th, const struct sl_args *a)
{
	struct yoe_project *p = EV(th)->p;
	if (a->npos != 1)
		return sl_error(th, "resolve_closure: takes exactly one positional argument (the list of root names)");
	sl_value roots = a->pos[0];
	if (sl_kind(roots) != SL_KLIST)
		return sl_error(th, "resolve_closure: argument must be a list of strings, got %s", sl_type_name(roots));
	const char *distro = NULL;
	struct yoe_kw kw[] = {KW("distro", 's', &distro), KW_END};
	if (yoe_kwargs(th, a, "resolve_closure", kw, NULL) < 0)
		return NULL;
	if (!distro || !*distro)
		return sl_error(th, "resolve_closure: distro kwarg required (the image's effective distro)");
	struct strlist r = {0}, out = {0};
	for (size_t i = 0; i < SL_LIST(roots)->len; i++) {
		sl_value e = SL_LIST(roots)->items[i];
		if (sl_kind(e) != SL_KSTRING) {
			free(r.v);
			return sl_error(th, "resolve_closure: list element must be string, got %s", sl_type_name(e));
		}
		sv_push(&r, sl_str_data(e));
	}
	int rc = yoe_closure(p, &r, distro, &out);
	free(r.v);
	if (rc < 0) {
		const char *msg = p->errmsg;
		p->err = p->errmsg = NULL;
		free(out.v);
		return sl_error(th, "resolve_closure: %s", msg);
	}
	sl_value l = yoe_strlist_value(&out);
	free(out.v);
	return l;
}

/* ---- command()/arg(): custom commands (data only at gen time) ---- */

static sl_value bi_command(sl_thread *th, const struct sl_args *a)
{
	const char *s = NULL;
	sl_value args = NULL;
	struct yoe_kw kw[] = {KW("name", 's', &s), KW("description", 's', &s), KW("args", 'l', &args), KW_END};
	if (a->npos)
		return sl_error(th, "command(): takes keyword arguments only");
	if (yoe_kwargs(th, a, "command", kw, NULL) < 0)
		return NULL;
	if (!kw[0].set)
		return sl_error(th, "command() requires name");
	return SL_NONE;
}

static sl_value bi_arg(sl_thread *th, const struct sl_args *a)
{
	const char *s = "";
	bool b = false;
	struct yoe_kw kw[] = {KW("help", 's', &s), KW("default", 's', &s), KW("required", 'b', &b),
	                      KW("type", 's', &s), KW_END};
	if (a->npos != 1)
		return sl_error(th, "arg() requires a name");
	if (sl_kind(a->pos[0]) != SL_KSTRING)
		return sl_error(th, "arg() name must be a string");
	if (yoe_kwargs(th, a, "arg", kw, NULL) < 0)
		return NULL;
	const char *names[8];
	sl_value vals[8];
	size_t n = 0;
	names[n] = "name", vals[n++] = a->pos[0];
	for (size_t i = 0; i < a->nkw && n < 8; i++)
		names[n] = sl_str_data(a->kw[2 * i]), vals[n++] = a->kw[2 * i + 1];
	return yoe_make_struct(th, "arg", names, vals, n);
}

/* ---- build-time-only and not-yet-supported builtins ---- */

static sl_value bi_run(sl_thread *th, const struct sl_args *a)
{
	return sl_error(th, "run() can only be called at build time, and yoe has no build-time Starlark: "
	                    "build steps are shell text run in the sandbox — write task(\"name\", steps=[\"cmd ...\"])");
}

static sl_value bi_dir_size_mb(sl_thread *th, const struct sl_args *a)
{
	return sl_error(th, "dir_size_mb() can only be called at build time, and yoe has no build-time Starlark: "
	                    "compute sizes in a shell step (e.g. du -sm \"$DESTDIR/...\")");
}

static sl_value bi_feed(sl_thread *th, const struct sl_args *a)
{
	return sl_error(th, "%s() is not supported yet in yoe: package feeds are not implemented; "
	                    "declare the packages you need as units", a->name);
}

/* ---- ctx ---- */

static sl_value partition_value(sl_thread *th, const struct yoe_partition *pt)
{
	const char *names[5] = {"label", "type", "size", "root", "contents"};
	sl_value vals[5] = {sl_cstring(pt->label), sl_cstring(pt->type), sl_cstring(pt->size), sl_bool(pt->root),
	                    pt->contents.n ? yoe_strlist_value(&pt->contents) : NULL};
	return yoe_make_struct(th, "partition", names, vals, pt->contents.n ? 5 : 4);
}

static sl_value machine_config(struct yoe_eval *ev, const struct yoe_machine *m)
{
	sl_thread *th = ev->th;
	const char *names[8];
	sl_value vals[8];
	size_t n = 0;
	names[n] = "name", vals[n++] = sl_cstring(m->name);
	names[n] = "arch", vals[n++] = sl_cstring(m->arch);
	names[n] = "packages", vals[n++] = yoe_strlist_value(&m->packages);
	sl_value parts = sl_list_new(m->npartitions);
	for (size_t i = 0; i < m->npartitions; i++)
		sl_list_push(parts, partition_value(th, &m->partitions[i]));
	names[n] = "partitions", vals[n++] = parts;
	if (m->distro_packages.n) {
		sl_value d = sl_dict_new(m->distro_packages.n);
		for (size_t i = 0; i < m->distro_packages.n; i++)
			sl_dict_set(th, d, sl_cstring(m->distro_packages.keys[i]),
			            yoe_strlist_value(&m->distro_packages.vals[i]));
		names[n] = "distro_packages", vals[n++] = d;
	}
	if (*m->kernel.unit || m->kernel.distro_unit.n) {
		const char *kn[5] = {"unit", "provides", "defconfig", "cmdline", "distro_unit"};
		sl_value kv[5] = {sl_cstring(m->kernel.unit), sl_cstring(m->kernel.provides),
		                  sl_cstring(m->kernel.defconfig), sl_cstring(m->kernel.cmdline), NULL};
		size_t kc = 4;
		if (m->kernel.distro_unit.n) {
			sl_value d = sl_dict_new(m->kernel.distro_unit.n);
			for (size_t i = 0; i < m->kernel.distro_unit.n; i++)
				sl_dict_set(th, d, sl_cstring(m->kernel.distro_unit.keys[i]),
				            sl_cstring(m->kernel.distro_unit.vals[i]));
			kv[kc++] = d;
		}
		names[n] = "kernel", vals[n++] = yoe_make_struct(th, "kernel", kn, kv, kc);
	}
	return yoe_make_struct(th, "machine_config", names, vals, n);
}

sl_value yoe_make_ctx(struct yoe_eval *ev)
{
	struct yoe_project *p = ev->p;
	struct yoe_machine *m = yoe_machine_get(p, p->machine);
	ev->ctx_provides = sl_dict_new(8);
	if (m && *m->kernel.provides) {
		/* the machine's kernel answers for its provides name; a distro_unit
		 * machine maps it to "" (the image class substitutes per distro) */
		const char *k = ar_strdup(&p->arena, m->kernel.provides);
		sm_put(&p->provides, k, (void *)ar_strdup(&p->arena, m->kernel.unit));
		sl_dict_set(ev->th, ev->ctx_provides, sl_cstring(k), sl_cstring(m->kernel.unit));
	}
	const char *names[7] = {"arch", "machine", "project_version", "provides", "default_distro",
	                        "default_distro_override", "machine_config"};
	sl_value vals[7] = {sl_cstring(p->arch), sl_cstring(p->machine), sl_cstring(p->version), ev->ctx_provides,
	                    sl_cstring(p->def_distro), sl_cstring(p->distro_override), NULL};
	size_t n = 6;
	if (m)
		vals[n++] = machine_config(ev, m);
	ev->ctx = yoe_make_struct(ev->th, "ctx", names, vals, n);
	return ev->ctx;
}

void yoe_ctx_sync_provides(struct yoe_eval *ev)
{
	size_t n;
	const char **k = sm_keys(&ev->p->provides, &n);
	for (size_t i = 0; i < n; i++) {
		/* a file that bound ctx to a global froze the dict: like the
		 * original, later insertions then quietly fail */
		sl_dict_set(ev->th, ev->ctx_provides, sl_cstring(k[i]), sl_cstring(sm_get(&ev->p->provides, k[i])));
		sl_error_clear(ev->th);
	}
	free(k);
}

/* yoe_ctx_mirror_back: Starlark code may have written to ctx.provides; as
 * in the original, what the dict holds after the images phase is the table. */
void yoe_ctx_mirror_back(struct yoe_eval *ev)
{
	struct yoe_project *p = ev->p;
	sl_value k, v;
	for (size_t pos = 0; sl_dict_next(ev->ctx_provides, &pos, &k, &v);) {
		if (sl_kind(k) != SL_KSTRING || sl_kind(v) != SL_KSTRING)
			continue;
		const char *cur = sm_get(&p->provides, sl_str_data(k));
		if (!cur || strcmp(cur, sl_str_data(v)))
			sm_put(&p->provides, ar_strdup(&p->arena, sl_str_data(k)), ar_strdup(&p->arena, sl_str_data(v)));
	}
}

/* ---- the predeclared table ---- */

static const struct sl_builtin_def table[] = {
	{"project", yoe_bi_project},
	{"defaults", yoe_bi_defaults},
	{"cache", yoe_bi_cache},
	{"module", yoe_bi_module},
	{"module_info", yoe_bi_module_info},
	{"machine", yoe_bi_machine},
	{"kernel", yoe_bi_kernel},
	{"qemu_config", yoe_bi_qemu_config},
	{"partition", yoe_bi_partition},
	{"unit", yoe_bi_unit},
	{"image", yoe_bi_image},
	{"task", yoe_bi_task},
	{"install_file", yoe_bi_install_file},
	{"install_template", yoe_bi_install_template},
	{"resolve_closure", bi_resolve_closure},
	{"command", bi_command},
	{"arg", bi_arg},
	{"run", bi_run},
	{"dir_size_mb", bi_dir_size_mb},
	{"alpine_feed", bi_feed},
	{"apt_feed", bi_feed},
	{NULL, NULL},
};

void yoe_builtins_install(struct yoe_eval *ev, sl_value pre)
{
	for (const struct sl_builtin_def *d = table; d->name; d++)
		sl_dict_set(ev->th, pre, sl_cstring(d->name), sl_builtin_new(d->name, d->fn, NULL));
	sl_dict_set(ev->th, pre, sl_cstring("True"), SL_TRUE);
	sl_dict_set(ev->th, pre, sl_cstring("False"), SL_FALSE);
}

sl_value yoe_local_builtin(void)
{
	return sl_builtin_new("local", yoe_bi_local, NULL);
}
