/* gen/emit/specs.c — writes the INI specs the helpers read: unit.ini for
 * container-step (format: docs/step.md) and image.ini for image-assemble
 * (docs/image.md).  Values use container-step's backslash escapes, long
 * values are split into `key+ =` continuation lines (inih reads at most 200
 * bytes a line), and a file is rewritten only when its bytes change, so an
 * unchanged spec keeps its mtime and rebuilds nothing. */
#include "emit/specs.h"
#include "yoe/session.h"
#include "emit/speccache.h"
#include "lib/atomicfile.h"

#include <errno.h>
#include <stdint.h>
#include <xxhash.h>
#include <stdlib.h>
#include <string.h>

/* Longest value chunk per line; leaves room for the key under inih's 200. */
#define CHUNK 120

/* Bytes that never need an escape (not controls, DEL, `\`, `;`, `#` or
 * space: a space needs one only at the ends or in install fields). */
static bool plain[256];

static void init_plain(void)
{
	if (plain['a'])
		return;
	for (int c = 0x21; c < 0x7f; c++)
		plain[c] = c != '\\' && c != ';' && c != '#';
	for (int c = 0x80; c < 0x100; c++)
		plain[c] = true;
}

/* put_escaped appends s with the spec escapes; all_spaces also escapes
 * inner spaces (install fields are split on spaces).  Room for the worst
 * case (4 bytes a byte) is made once; bytes are then stored directly. */
static void put_escaped(struct buf *b, const char *s, bool all_spaces)
{
	static const char hex[] = "0123456789abcdef";
	init_plain();
	size_t n = strlen(s);
	if (b->len + 4 * n + 1 > b->cap)
		buf_grow(b, 4 * n);
	char *o = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (plain[c] || (c == ' ' && !all_spaces && i != 0 && i != n - 1)) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '\n': *o++ = 'n'; break;
		case '\t': *o++ = 't'; break;
		case ' ': *o++ = 's'; break;
		case '\\': case ';': case '#': *o++ = (char)c; break;
		default:
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	b->len = (size_t)(o - b->data);
}

/* kv writes `key = value`, splitting long escaped values into `key+ =`
 * lines at points that do not cut an escape sequence in two.  The value is
 * escaped straight into b; only a long one is moved out and split. */
static void kv(struct buf *b, const char *key, const char *val)
{
	size_t start = b->len;
	buf_adds(b, key);
	buf_add(b, " = ", 3);
	size_t vstart = b->len;
	put_escaped(b, val ? val : "", false);
	size_t len = b->len - vstart;
	if (len <= CHUNK) {
		buf_addc(b, '\n');
		return;
	}
	char *s = malloc(len + 1);
	if (!s) {
		fputs("yoe: out of memory\n", stderr);
		abort();
	}
	memcpy(s, b->data + vstart, len + 1);
	b->len = start;
	size_t off = 0;
	bool first = true;
	do {
		size_t take = len - off > CHUNK ? CHUNK : len - off;
		if (off + take < len) {
			/* inih trims each line, so a chunk may not start or end with a
			 * space, and an escape sequence may not be cut in two. */
			size_t k = off, end = off + take, best = 0;
			while (k < end) {
				size_t seq = s[k] != '\\' ? 1 : s[k + 1] == 'x' ? 4 : 2;
				if (k + seq > end)
					break;
				k += seq;
				if (s[k - 1] != ' ' && s[k] != ' ')
					best = k;
			}
			take = (best ? best : k) - off;
		}
		buf_adds(b, key);
		buf_adds(b, first ? " = " : "+ = ");
		buf_add(b, s + off, take);
		buf_addc(b, '\n');
		first = false;
		off += take;
	} while (off < len);
	free(s);
}

static const char *str_or(const char *s, const char *def) { return s && *s ? s : def; }

/* console_of: the device of the last console= on the machine's kernel
 * command line ("ttyS0" from "console=ttyS0,115200"), "" if none. */
static const char *console_of(struct yoe_project *p)
{
	struct yoe_machine *m = yoe_machine_get(p, p->machine);
	const char *c = m && m->has_kernel ? m->kernel.cmdline : "", *found = NULL;
	for (const char *s = c; (s = strstr(s, "console=")); s += 8)
		if (s == c || s[-1] == ' ')
			found = s + 8;
	return found ? ar_strndup(&p->arena, found, strcspn(found, ", ")) : "";
}

/* files_dir: where install_file/install_template read from, project-relative. */
static const char *files_dir(struct yoe_project *p, const struct yoe_unit *u)
{
	for (size_t t = 0; t < u->ntasks; t++)
		for (size_t s = 0; s < u->tasks[t].nsteps; s++)
			if (u->tasks[t].steps[s].base_dir && *u->tasks[t].steps[s].base_dir)
				return yoe_relpath(p, u->tasks[t].steps[s].base_dir);
	return "";
}

static void put_extra(struct buf *b, const struct yoe_jval *v)
{
	if (v->kind == YJ_STR) {
		buf_adds(b, v->s);
		return;
	}
	yoe_json_value(b, v);
}

/* commit_spec writes a spec at its project-relative path (gen may run
 * from anywhere) and returns that relative path. */
/* Set by commit_spec: whether the last spec written changed on disk. */
static bool last_changed;
/* ... and the XXH3-64 of its bytes, in hex. */
static char last_hash[17];

bool spec_changed(void) { return last_changed; }
const char *spec_hash(void) { return last_hash; }

static const char *commit_spec(struct yoe_project *p, const char *path, struct buf *b)
{
	const char *abs = ar_join(&p->arena, p->root, path);
	/* No fsync (speccache_write): 4,000 specs would cost seconds, and gen
	 * rewrites a lost one. */
	static const char hex[] = "0123456789abcdef";
	uint64_t h = XXH3_64bits(b->data ? b->data : "", b->len);
	for (int k = 15; k >= 0; k--, h >>= 4)
		last_hash[k] = hex[h & 15];
	int r = speccache_write(abs, b->data ? b->data : "", b->len);
	buf_free(b);
	last_changed = r != 0;
	if (r < 0) {
		yoe_error(p, NULL, "cannot write %s: %s", abs, strerror(errno));
		return NULL;
	}
	return path;
}

/* extra_str: a string extra keyword of the unit ("" if absent). */
static const char *extra_str(const struct yoe_unit *u, const char *name)
{
	for (size_t i = 0; i < u->nextra; i++)
		if (!strcmp(u->extra_keys[i], name) && u->extra_vals[i]->kind == YJ_STR)
			return u->extra_vals[i]->s;
	return "";
}

/* container_image: the tag a container unit's image gets. */
static const char *container_image(struct yoe_project *p, const struct yoe_unit *c)
{
	return lower_cat(p, "yoe/", c->name, ":", c->version, "-", p->arch, NULL);
}

/* put_container writes the [container] section of a container unit. */
static void put_container(struct buf *b, struct yoe_project *p, const struct yoe_unit *u)
{
	buf_adds(b, "[container]\n");
	if (*u->source)
		kv(b, "rootfs_tarball", ar_printf(&p->arena, "cache/sources/sha256/%s", u->sha256));
	for (size_t t = 0; t < u->ntasks; t++)
		for (size_t s = 0; s < u->tasks[t].nsteps; s++)
			if (u->tasks[t].steps[s].kind == YS_CMD)
				kv(b, "setup", u->tasks[t].steps[s].text);
	const char *df = extra_str(u, "dockerfile");
	if (*df) {
		const char *dir = u->file ? ar_strdup(&p->arena, u->file) : "";
		char *slash = strrchr(dir, '/'), *dot = NULL;
		if (slash)
			*slash = '\0';
		/* the Dockerfile lives in the unit's files directory */
		const char *stem = u->file ? strrchr(u->file, '/') + 1 : u->name;
		char *st = ar_strdup(&p->arena, stem);
		if ((dot = strrchr(st, '.')))
			*dot = '\0';
		kv(b, "dockerfile", yoe_relpath(p, ar_printf(&p->arena, "%s/%s/%s", dir, st, df)));
	}
	kv(b, "image", container_image(p, u));
}

/* put_package writes [package]: apk-sign pack's options for the unit's
 * package (its long option names as keys, list options repeated), so the
 * package edge names only the spec instead of carrying them all. */
static void put_package(struct buf *b, struct yoe_project *p, const struct yoe_unit *u,
                        const struct lower_paths *lp, const char *const *rdeps, size_t nrdeps)
{
	char num[24];
	buf_adds(b, "[package]\n");
	kv(b, "destdir", ar_join(&p->arena, lp->dir, "destdir"));
	kv(b, "name", u->name);
	kv(b, "version", *u->version ? u->version : "0");
	kv(b, "release", lower_num(num, (long long)u->release));
	kv(b, "arch", lp->repo_arch);
	if (*u->description)
		kv(b, "description", u->description);
	if (*u->license)
		kv(b, "license", u->license);
	for (size_t k = 0; k < nrdeps; k++)
		kv(b, "depend", rdeps[k]);
	for (size_t k = 0; k < u->provides.n; k++)
		kv(b, "provides", u->provides.v[k]);
	for (size_t k = 0; k < u->replaces.n; k++)
		kv(b, "replaces", u->replaces.v[k]);
	for (size_t k = 0; k < u->services.n; k++)
		kv(b, "service", u->services.v[k]);
	if (u->services.n)
		kv(b, "sysroot", ar_join(&p->arena, lp->dir, "sysroot"));
}

const char *write_unit_spec(struct yoe_project *p, const struct yoe_unit *u, const char *distro,
                            const char *key, const struct lower_paths *lp, const struct spec_dep *deps,
                            size_t ndeps, const struct yoe_unit *cu, const struct lower_paths *cp,
                            const char *const *rdeps, size_t nrdeps)
{
	struct buf b = {0};
	buf_adds(&b, "# container-step spec written by `yoe gen` (docs/step.md); do not edit.\n[unit]\n");
	kv(&b, "name", u->name);
	kv(&b, "version", u->version);
	char num[24];
	kv(&b, "release", lower_num(num, (long long)u->release));
	kv(&b, "arch", p->arch);
	kv(&b, "machine", p->machine);
	kv(&b, "distro", distro);
	kv(&b, "console", console_of(p));
	kv(&b, "project", p->name);
	kv(&b, "project_version", p->version);
	kv(&b, "key", key);
	kv(&b, "scope", lp->scope);
	kv(&b, "shell", str_or(u->shell, "sh"));
	bool is_container = !strcmp(u->class, "container");
	kv(&b, "container", is_container ? "host" : cu ? cu->name : str_or(u->container, "host"));
	kv(&b, "container_arch", str_or(u->container_arch, "target"));
	if (cu) {
		kv(&b, "container_rootfs", ar_join(&p->arena, cp->dir, "rootfs"));
		kv(&b, "container_image", container_image(p, cu));
	}
	kv(&b, "files_dir", files_dir(p, u));
	const char *own = yoe_unit_files_dir(p, u);
	if (own)
		kv(&b, "files", yoe_relpath(p, own));
	kv(&b, "dir", lp->dir);
	if (u->environment.n) {
		buf_adds(&b, "[env]\n");
		for (size_t i = 0; i < u->environment.n; i++)
			kv(&b, u->environment.keys[i], u->environment.vals[i]);
	}
	if (u->nextra) {
		buf_adds(&b, "[vars]\n");
		for (size_t i = 0; i < u->nextra; i++) {
			struct buf v = {0};
			put_extra(&v, u->extra_vals[i]);
			kv(&b, u->extra_keys[i], v.data ? v.data : "");
			buf_free(&v);
		}
	}
	if (ndeps) {
		buf_adds(&b, "[deps]\n");
		for (size_t i = 0; i < ndeps; i++)
			kv(&b, deps[i].name, deps[i].stage);
	}
	if (u->cache_dirs.n) {
		buf_adds(&b, "[cache]\n");
		for (size_t i = 0; i < u->cache_dirs.n; i++)
			kv(&b, u->cache_dirs.keys[i],
			   ar_printf(&p->arena, "cache/units/%s/%s", u->name, u->cache_dirs.vals[i]));
	}
	if (is_container) {
		put_container(&b, p, u);
		return commit_spec(p, ar_join(&p->arena, lp->dir, "unit.ini"), &b);
	}
	for (size_t t = 0; t < u->ntasks; t++) {
		const struct yoe_task *task = &u->tasks[t];
		struct buf name = {0};
		put_escaped(&name, task->name, true);
		buf_adds(&b, "[task ");
		buf_adds(&b, name.data ? name.data : "build");
		buf_adds(&b, "]\n");
		buf_free(&name);
		if (task->network)
			kv(&b, "network", "true");
		if (task->container && *task->container)
			kv(&b, "container", task->container);
		for (size_t s = 0; s < task->nsteps; s++) {
			const struct yoe_step *st = &task->steps[s];
			if (st->kind == YS_CMD) {
				kv(&b, "step", st->text);
			} else if (st->kind == YS_INSTALL_FILE || st->kind == YS_INSTALL_TEMPLATE) {
				buf_printf(&b, "%s = %04o ", st->kind == YS_INSTALL_FILE ? "install" : "template",
				           st->mode ? st->mode : 0644);
				put_escaped(&b, st->src, true);
				buf_addc(&b, ' ');
				put_escaped(&b, st->dest, true);
				buf_addc(&b, '\n');
			} else {
				buf_free(&b);
				yoe_error(p, &st->pos,
				          "unit \"%s\": task \"%s\" has a Starlark function step; yoe runs "
				          "build logic only as shell steps in the sandbox (write the step as "
				          "a shell string)", u->name, task->name);
				return NULL;
			}
		}
	}
	put_package(&b, p, u, lp, rdeps, nrdeps);
	return commit_spec(p, ar_join(&p->arena, lp->dir, "unit.ini"), &b);
}

/* boot_of picks the boot method from the machine: x86 with a vfat
 * partition boots with syslinux; no vfat partition means direct kernel
 * boot; other arches leave booting to the board's firmware. */
static const char *boot_of(const struct yoe_machine *m, const struct yoe_partition *parts, size_t n)
{
	bool vfat = false;
	for (size_t i = 0; i < n; i++)
		vfat |= !strcmp(parts[i].type, "vfat");
	if (!vfat)
		return "direct";
	return m && !strcmp(m->arch, "x86_64") ? "syslinux" : "none";
}

/* put_initrd_modules writes the image's `initramfs_modules = [...]` one
 * `initrd_modules` line each (no line limit) and sets *any; false after an
 * error. */
static bool put_initrd_modules(struct yoe_project *p, const struct yoe_unit *u, struct buf *b,
                               bool *any)
{
	*any = false;
	for (size_t i = 0; i < u->nextra; i++) {
		if (strcmp(u->extra_keys[i], "initramfs_modules"))
			continue;
		const struct yoe_jval *v = u->extra_vals[i];
		if (v->kind != YJ_LIST) {
			yoe_error(p, &u->pos, "image %s: initramfs_modules must be a list of kernel "
			          "module names, not a %s", u->name, v->kind == YJ_STR ? "string" : "value");
			return false;
		}
		for (size_t k = 0; k < v->n; k++) {
			const struct yoe_jval *m = v->items[k];
			if (m->kind != YJ_STR || !*m->s || strpbrk(m->s, " \t/;#\\")) {
				yoe_error(p, &u->pos, "image %s: initramfs_modules must be a list of "
				          "kernel module names like \"virtio_blk\"", u->name);
				return false;
			}
			kv(b, "initrd_modules", m->s);
			*any = true;
		}
	}
	return true;
}

/* qemu_line appends `key = value` for qemu.ini; values are written as they
 * are (yoe run reads them raw), so one with a line break is refused. */
static bool qemu_line(struct yoe_project *p, const struct yoe_unit *u, struct buf *b,
                      const char *key, const char *val)
{
	if (!val || !*val)
		return true;
	if (strpbrk(val, "\n\r") || strlen(val) > 180) {
		yoe_error(p, &u->pos, "image %s: %s for yoe run is too long or has a line break",
		          u->name, key);
		return false;
	}
	buf_printf(b, "%s = %s\n", key, val);
	return true;
}

/* write_qemu_spec writes dir/qemu.ini, what `yoe run` needs to boot the
 * image (docs/run.md), for machines with a qemu_config. */
static bool write_qemu_spec(struct yoe_project *p, const struct yoe_unit *u,
                            const struct yoe_machine *m, const struct lower_paths *lp,
                            const char *boot, bool initrd)
{
	if (!m || !m->qemu.set)
		return true;
	struct buf b = {0};
	buf_adds(&b, "# yoe run's view of this image, written by `yoe gen`; do not edit.\n[run]\n");
	bool ok = qemu_line(p, u, &b, "image", lp->image) && qemu_line(p, u, &b, "machine", m->name)
	          && qemu_line(p, u, &b, "arch", m->arch) && qemu_line(p, u, &b, "boot", boot);
	if (ok && !strcmp(boot, "direct")) {
		ok = qemu_line(p, u, &b, "kernel", ar_printf(&p->arena, "%s/vmlinuz", lp->dir));
		if (ok && initrd)
			ok = qemu_line(p, u, &b, "initrd", ar_printf(&p->arena, "%s/initrd.img", lp->dir));
	}
	if (ok && m->has_kernel)
		ok = qemu_line(p, u, &b, "cmdline", m->kernel.cmdline);
	buf_adds(&b, "[qemu]\n");
	ok = ok && qemu_line(p, u, &b, "machine", m->qemu.machine)
	     && qemu_line(p, u, &b, "cpu", m->qemu.cpu) && qemu_line(p, u, &b, "memory", m->qemu.memory)
	     && qemu_line(p, u, &b, "firmware", m->qemu.firmware)
	     && qemu_line(p, u, &b, "display", m->qemu.display);
	for (size_t k = 0; ok && k < m->qemu.ports.n; k++)
		ok = qemu_line(p, u, &b, "port", m->qemu.ports.v[k]);
	if (!ok) {
		buf_free(&b);
		return false;
	}
	return commit_spec(p, ar_printf(&p->arena, "%s/qemu.ini", lp->dir), &b) != NULL;
}

const char *write_image_spec(struct yoe_project *p, const struct yoe_unit *u, const char *key,
                             const struct lower_paths *lp, const struct strlist *apks,
                             const char *pubkey)
{
	struct yoe_machine *m = yoe_machine_get(p, p->machine);
	const struct yoe_partition *parts = u->npartitions ? u->partitions : m ? m->partitions : NULL;
	size_t nparts = u->npartitions ? u->npartitions : m ? m->npartitions : 0;
	struct buf b = {0};
	buf_adds(&b, "# image-assemble spec written by `yoe gen` (docs/image.md); do not edit.\n[image]\n");
	kv(&b, "name", u->name);
	kv(&b, "output", lp->image);
	kv(&b, "key", pubkey);
	kv(&b, "hostname", str_or(u->hostname, p->machine));
	if (u->timezone && *u->timezone)
		kv(&b, "timezone", u->timezone);
	kv(&b, "arch", lower_apk_arch(p->arch));
	kv(&b, "image_key", key);
	const char *boot = boot_of(m, parts, nparts);
	kv(&b, "boot", boot);
	if (m && m->has_kernel && *m->kernel.cmdline)
		kv(&b, "cmdline", m->kernel.cmdline);
	bool initrd;
	if (!put_initrd_modules(p, u, &b, &initrd)) {
		buf_free(&b);
		return NULL;
	}
	if (!strcmp(boot, "direct")) {
		kv(&b, "kernel_out", ar_printf(&p->arena, "%s/vmlinuz", lp->dir));
		kv(&b, "initrd_out", ar_printf(&p->arena, "%s/initrd.img", lp->dir));
	}
	for (size_t i = 0; i < nparts; i++) {
		buf_printf(&b, "[partition \"%s\"]\n", parts[i].label);
		kv(&b, "type", parts[i].type);
		kv(&b, "size", parts[i].size);
		if (parts[i].root)
			kv(&b, "root", "true");
	}
	buf_adds(&b, "[packages]\n");
	for (size_t i = 0; i < apks->n; i++)
		kv(&b, "apk", apks->v[i]);
	if (!write_qemu_spec(p, u, m, lp, boot, initrd)) {
		buf_free(&b);
		return NULL;
	}
	return commit_spec(p, ar_printf(&p->arena, "%s/image.ini", lp->dir), &b);
}
