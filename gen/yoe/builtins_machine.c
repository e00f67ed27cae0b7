/* gen/yoe/builtins_machine.c — machine() and its data constructors
 * kernel(), qemu_config() and partition(). */
#include "yoe/builtins.h"

#include <string.h>

/* A data constructor: keywords checked by the table, kept as struct fields. */

sl_value yoe_bi_kernel(sl_thread *th, const struct sl_args *a)
{
	const char *s;
	struct yoe_smap m;
	struct yoe_kw kw[] = {KW("unit", 's', &s), KW("distro_unit", 'M', &m), KW("provides", 's', &s),
	                      KW("defconfig", 's', &s), KW("cmdline", 's', &s), KW_END};
	return yoe_data_struct(th, a, "kernel", kw);
}

sl_value yoe_bi_qemu_config(sl_thread *th, const struct sl_args *a)
{
	const char *s;
	struct strlist l = {0};
	struct yoe_kw kw[] = {KW("machine", 's', &s), KW("cpu", 's', &s), KW("memory", 's', &s),
	                      KW("firmware", 's', &s), KW("display", 's', &s), KW("ports", 'L', &l), KW_END};
	return yoe_data_struct(th, a, "qemu_config", kw);
}

sl_value yoe_bi_partition(sl_thread *th, const struct sl_args *a)
{
	const char *s, *type = "";
	bool b;
	struct strlist l = {0};
	struct yoe_kw kw[] = {KW("label", 's', &s), KW("type", 's', &type), KW("size", 's', &s),
	                      KW("root", 'b', &b), KW("contents", 'L', &l), KW_END};
	sl_value v = yoe_data_struct(th, a, "partition", kw);
	if (v && *type && strcmp(type, "ext4") && strcmp(type, "vfat") && strcmp(type, "raw")) {
		static const char *const types[] = {"ext4", "vfat", "raw"};
		const char *sug = suggest(type, types, 3);
		return sl_error(th, "partition(): type \"%s\" is not one of ext4, vfat, raw%s%s%s", type,
		                sug ? " (did you mean \"" : "", sug ? sug : "", sug ? "\"?)" : "");
	}
	return v;
}

static const char *sfield(struct yoe_project *p, sl_value st, const char *name)
{
	sl_value v = sl_struct_get(st, name);
	return v && sl_kind(v) == SL_KSTRING ? ar_strdup(&p->arena, sl_str_data(v)) : "";
}

int yoe_partitions_from(sl_thread *th, const char *fn, sl_value list, struct yoe_partition **out,
                        size_t *n)
{
	struct yoe_project *p = EV(th)->p;
	size_t len = sl_kind(list) == SL_KLIST ? SL_LIST(list)->len : SL_TUPLE(list)->len;
	struct yoe_partition *parts = ar_alloc(&p->arena, (len + 1) * sizeof *parts);
	for (size_t i = 0; i < len; i++) {
		sl_value e = sl_kind(list) == SL_KLIST ? SL_LIST(list)->items[i] : SL_TUPLE(list)->items[i];
		if (strcmp(yoe_ctor(e), "partition")) {
			sl_error(th, "%s(): partitions[%zu] must be a partition(...) value, got %s", fn, i,
			         *yoe_ctor(e) ? yoe_ctor(e) : sl_type_name(e));
			return -1;
		}
		parts[i].label = sfield(p, e, "label");
		parts[i].type = sfield(p, e, "type");
		parts[i].size = sfield(p, e, "size");
		sl_value r = sl_struct_get(e, "root");
		parts[i].root = r == SL_TRUE;
		sl_value c = sl_struct_get(e, "contents");
		if (c && yoe_conv(th, fn, "contents", c, 'L', &parts[i].contents, NULL) < 0)
			return -1;
	}
	*out = parts;
	*n = len;
	return 0;
}

sl_value yoe_bi_machine(sl_thread *th, const struct sl_args *a)
{
	struct yoe_eval *ev = EV(th);
	struct yoe_project *p = ev->p;
	struct yoe_machine *m = ar_alloc(&p->arena, sizeof *m);
	const char *name = "", *arch = "", *desc = "";
	sl_value kern = NULL, parts = NULL, qemu = NULL;
	struct yoe_kw kw[] = {KW("name", 's', &name), KW("arch", 's', &arch), KW("description", 's', &desc),
	                      KWS("kernel", &kern, "kernel"), KW("packages", 'L', &m->packages),
	                      KW("distro_packages", 'D', &m->distro_packages),
	                      KW("partitions", 'l', &parts), KWS("qemu", &qemu, "qemu_config"),
	                      KW("aliases", 'L', &m->aliases), KW_END};
	if (a->npos)
		return sl_error(th, "machine(): takes keyword arguments only");
	if (yoe_kwargs(th, a, "machine", kw, NULL) < 0)
		return NULL;
	if (!*name)
		return sl_error(th, "machine(): requires name");
	if (strcmp(arch, "arm64") && strcmp(arch, "riscv64") && strcmp(arch, "x86_64")) {
		static const char *const arches[] = {"arm64", "riscv64", "x86_64", "aarch64", "amd64"};
		static const char *const fix[] = {"arm64", "riscv64", "x86_64", "arm64", "x86_64"};
		const char *sug = NULL;
		for (int i = 0; i < 5 && *arch; i++)
			if (!strcmp(arch, arches[i]) || edit_distance(arch, arches[i]) <= 1)
				sug = fix[i];
		return sl_error(th, "machine \"%s\": invalid arch \"%s\" (valid: arm64, riscv64, x86_64)%s%s%s", name,
		                arch, sug ? "; did you mean \"" : "", sug ? sug : "", sug ? "\"?" : "");
	}
	m->name = name;
	m->arch = arch;
	m->description = desc;
	m->module = p->cur_module;
	m->pos = yoe_here(ev);
	m->kernel.unit = m->kernel.provides = m->kernel.defconfig = m->kernel.cmdline = "";
	if (kern) {
		m->has_kernel = true;
		m->kernel.unit = sfield(p, kern, "unit");
		m->kernel.provides = sfield(p, kern, "provides");
		m->kernel.defconfig = sfield(p, kern, "defconfig");
		m->kernel.cmdline = sfield(p, kern, "cmdline");
		sl_value du = sl_struct_get(kern, "distro_unit");
		if (du && yoe_conv(th, "kernel", "distro_unit", du, 'M', &m->kernel.distro_unit, NULL) < 0)
			return NULL;
		if (*m->kernel.unit && m->kernel.distro_unit.n)
			return sl_error(th, "machine \"%s\": kernel sets both unit and distro_unit (use one)", name);
	}
	if (parts && yoe_partitions_from(th, "machine", parts, &m->partitions, &m->npartitions) < 0)
		return NULL;
	m->qemu.machine = m->qemu.cpu = m->qemu.memory = m->qemu.firmware = m->qemu.display = "";
	if (qemu) {
		m->qemu.set = true;
		m->qemu.machine = sfield(p, qemu, "machine");
		m->qemu.cpu = sfield(p, qemu, "cpu");
		m->qemu.memory = sfield(p, qemu, "memory");
		m->qemu.firmware = sfield(p, qemu, "firmware");
		m->qemu.display = sfield(p, qemu, "display");
		sl_value ports = sl_struct_get(qemu, "ports");
		if (ports && yoe_conv(th, "qemu_config", "ports", ports, 'L', &m->qemu.ports, NULL) < 0)
			return NULL;
	}
	yoe_add_machine(p, m);
	return SL_NONE;
}
