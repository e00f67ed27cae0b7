/* runtime/image/initrd.c — builds the boot initramfs from the rootfs's
 * kernel modules and busybox (initrd.h): picks the kernel version, resolves
 * and copies the modules, adds busybox (initrd_busybox.c), the skeleton and
 * /init (initscript.c), and writes the archive with the rootfs's cpio
 * writer and the listing with its manifest writer — the initramfs has a
 * manifest of its own (initrd_tree.h).  Every rootfs path is looked up
 * through the rootfs manifest with symlinks resolved inside the tree
 * (boot_resolve): nothing outside the staging tree is read.
 */
#include "image/initrd.h"
#include "image/boot.h"
#include "image/cpio.h"
#include "image/initrd_tree.h"
#include "image/initscript.h"
#include "image/moddep.h"
#include "lib/fsutil.h"
#include "lib/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* build is the state of one initramfs. */
struct build {
	struct itree t;             /* what goes in */
	char kver[256];
	char moddir[4096];          /* lib/modules/<kver>, resolved in the rootfs */
};

/* err is itree_err for the build. */
static void err(const struct build *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void err(const struct build *b, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	itree_err(&b->t, "%s", msg);
}

/* note prints a one-line note (not a warning: nothing is wrong). */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_verror("note", fmt, ap);
	va_end(ap);
}

/* kernel_matches: the kernel file's name (given or resolved) is
 * <anything>-<kver>, as vmlinuz-6.1.0-56-amd64 is. */
static int kernel_matches(const struct build *b, const char *kernel, const char *kver)
{
	char real[4096];
	const char *names[2] = {kernel, boot_resolve(b->t.m, kernel, real, sizeof real)
	                                ? real : ""};
	for (int i = 0; i < 2; i++) {
		const char *slash = strrchr(names[i], '/');
		const char *base = slash ? slash + 1 : names[i];
		const char *dash = strchr(base, '-');
		if (dash && !strcmp(dash + 1, kver))
			return 1;
	}
	return 0;
}

/* pick_kver finds the kernel version whose modules go in. */
static int pick_kver(struct build *b, const char *kernel)
{
	char dir[4096], list[2048] = "";
	const struct mentry *e = boot_resolve(b->t.m, "lib/modules", dir, sizeof dir);
	if (!e || e->type != M_DIR) {
		err(b, "the rootfs has no /lib/modules (add the package with the kernel's "
		    "modules, or drop initrd_modules)");
		return -1;
	}
	char first[256] = "", match[256] = "";
	size_t n, dlen = strlen(dir), found = 0, matched = 0;
	struct mentry **v = manifest_sorted(b->t.m, &n);
	for (size_t i = 0; v && i < n; i++) {
		const char *kv = v[i]->path + dlen + 1;
		if (v[i]->type != M_DIR || strncmp(v[i]->path, dir, dlen) ||
		    v[i]->path[dlen] != '/' || strchr(kv, '/') ||
		    strlen(kv) >= sizeof first)
			continue;
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
		         found ? ", " : "", kv);
		if (!found++)
			snprintf(first, sizeof first, "%s", kv);
		if (kernel_matches(b, kernel, kv) && !matched++)
			snprintf(match, sizeof match, "%s", kv);
	}
	free(v);
	if (!found) {
		err(b, "the rootfs has no /lib/modules/<kernel version>/ (add the package "
		    "with the kernel's modules)");
		return -1;
	}
	if (found > 1 && matched != 1) {
		err(b, "the rootfs has modules for %zu kernel versions (%s) and the "
		    "kernel /%s names none of them (set [image] kernel = "
		    "boot/vmlinuz-<version>, or install one kernel)", found, list, kernel);
		return -1;
	}
	snprintf(b->kver, sizeof b->kver, "%s", found == 1 ? first : match);
	snprintf(b->moddir, sizeof b->moddir, "%s/%s", dir, b->kver);
	return 0;
}

/* read_index reads lib/modules/<kver>/<name>; NULL when absent. */
static char *read_index(const struct build *b, const char *name)
{
	char path[4200], real[4096], host[8300];
	snprintf(path, sizeof path, "%s/%s", b->moddir, name);
	if (!itree_find_file(&b->t, path, real, sizeof real))
		return NULL;
	snprintf(host, sizeof host, "%s/%s", b->t.stage, real);
	return read_file(host, NULL);
}

/* module_ok: busybox insmod reads .ko, and .ko.gz/.ko.xz when built with
 * FEATURE_SEAMLESS_GZ/XZ (Debian's and Alpine's are); nothing reads zstd. */
static int module_ok(const struct build *b, const char *path)
{
	static const char *const ok[] = {".ko", ".ko.gz", ".ko.xz"};
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (n > strlen(ok[i]) && !strcmp(path + n - strlen(ok[i]), ok[i]))
			return 1;
	const char *dot = strstr(path, ".ko.");
	err(b, "/%s is %s, which the initramfs's busybox insmod cannot load (build "
	    "the kernel with CONFIG_MODULE_COMPRESS_NONE, _GZIP or _XZ)", path,
	    dot ? "compressed" : "not a .ko module file");
	return 0;
}

/* copy_modules copies the resolved modules to lib/modules/<kver>/ and
 * writes a modules.dep of just them (for modprobe in the rescue shell).
 * Fills mods (initramfs paths, load order) for /init. */
static int copy_modules(struct build *b, const struct moddep_entry *ents, size_t n,
                        struct initscript_mod *mods)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = f ? 0 : -1;
	for (size_t i = 0; !rc && i < n; i++) {
		char path[4200], real[4096], in[4400];
		const char *p = ents[i].path;
		/* modules.dep paths are relative to lib/modules/<kver>/, or absolute */
		if (p[0] == '/') {
			snprintf(path, sizeof path, "%s", p + 1);
			snprintf(in, sizeof in, "%s", p + 1);
		} else {
			snprintf(path, sizeof path, "%s/%s", b->moddir, p);
			snprintf(in, sizeof in, "lib/modules/%s/%s", b->kver, p);
		}
		const struct mentry *e = itree_find_file(&b->t, path, real, sizeof real);
		if (!e) {
			err(b, "modules.dep lists /%s, not a file of the rootfs", path);
			rc = -1;
		} else if (!module_ok(b, path) ||
		           itree_add_file(&b->t, in, e, real, 0644)) {
			rc = -1;
		} else if (asprintf(&mods[i].path, "/%s", in) < 0) {
			mods[i].path = NULL;
			rc = -1;
		} else {
			mods[i].optional = ents[i].optional;
			fprintf(f, "%s:", p);
			for (size_t k = 0; k < ents[i].ndeps; k++)
				fprintf(f, " %s", ents[i].deps[k]);
			fputc('\n', f);
		}
	}
	if (f && fclose(f))
		rc = -1;
	if (!rc) {
		char dep[4400];
		snprintf(dep, sizeof dep, "lib/modules/%s/modules.dep", b->kver);
		rc = itree_add_text(&b->t, dep, text, 0644);
	}
	free(text);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* all_indexed checks that depmod indexed every module file of the kernel.
 * One it could not read (Debian's kmod is built without zlib and skips
 * .ko.gz files without a word) has unknown dependencies, and a module that
 * needs it would fail to load at boot: refuse here instead. */
static int all_indexed(const struct build *b, const struct moddep *d)
{
	char **known = calloc(d->nmods + 1, sizeof *known), first[4096] = "";
	size_t n, dlen = strlen(b->moddir), missing = 0;
	struct mentry **v = known ? manifest_sorted(b->t.m, &n) : NULL;
	if (!v) {
		free(known);
		log_error("%s: out of memory", b->t.s->path);
		return -1;
	}
	for (size_t i = 0; i < d->nmods; i++)
		known[i] = d->mods[i].path;
	qsort(known, d->nmods, sizeof *known, cmp_str);
	for (size_t i = 0; i < n; i++) {
		const char *rel = v[i]->path + dlen + 1, *base = strrchr(v[i]->path, '/');
		const char *ko = base ? strstr(base, ".ko") : NULL;
		if (strncmp(v[i]->path, b->moddir, dlen) || v[i]->path[dlen] != '/' ||
		    (v[i]->type != M_REG && v[i]->type != M_HARDLINK) || !ko ||
		    (strcmp(ko, ".ko") && strncmp(ko, ".ko.", 4)) ||
		    bsearch(&rel, known, d->nmods, sizeof *known, cmp_str))
			continue;
		if (!missing++)
			snprintf(first, sizeof first, "%s", rel);
	}
	free(v);
	free(known);
	if (missing)
		err(b, "depmod did not index %zu module file%s of /%s (%s%s), so what "
		    "they provide and need is unknown: the host's kmod cannot read them "
		    "(`depmod -V` shows -ZLIB: no .ko.gz, -ZSTD: no .ko.zst) or they are "
		    "no modules (install a kmod that reads them, or build the kernel's "
		    "modules uncompressed or xz-compressed)", missing, missing > 1 ? "s" : "",
		    b->moddir, first, missing > 1 ? ", ..." : "");
	return missing ? -1 : 0;
}

/* add_modules resolves initrd_modules over the kernel's indexes and copies
 * the modules in; *mods gets the load order for /init. */
static int add_modules(struct build *b, struct initscript_mod **mods, size_t *nmods)
{
	char *text[4] = {read_index(b, "modules.dep"), read_index(b, "modules.builtin"),
	                 read_index(b, "modules.softdep"), read_index(b, "modules.alias")};
	char where[4200], why[4600];
	struct moddep d;
	struct moddep_entry *ents = NULL;
	size_t n = 0;
	int rc = -1, parsed = 0;
	snprintf(where, sizeof where, "lib/modules/%s", b->kver);
	if (!text[0]) {
		err(b, "/%s/modules.dep is missing (image-assemble runs depmod for it: "
		    "install kmod, scripts/install-deps)", b->moddir);
		goto out;
	}
	if (moddep_parse(&d, text[0], text[1], text[2], text[3])) {
		log_error("%s: out of memory", b->t.s->path);
		goto out;
	}
	parsed = 1;
	if (all_indexed(b, &d))
		goto out;
	if (moddep_resolve(&d, b->t.s->initrd_modules, b->t.s->ninitrd_modules, where,
	                   &ents, &n, why, sizeof why)) {
		err(b, "%s", why);
		goto out;
	}
	if (!(*mods = calloc(n + 1, sizeof **mods))) {
		log_error("%s: out of memory", b->t.s->path);
		goto out;
	}
	if (!(rc = copy_modules(b, ents, n, *mods)))
		*nmods = n;
out:
	if (rc && *mods) {
		for (size_t i = 0; i < n; i++)
			free((*mods)[i].path);
		free(*mods);
		*mods = NULL;
	}
	free(ents);
	if (parsed)
		moddep_free(&d);
	for (int i = 0; i < 4; i++)
		free(text[i]);
	return rc;
}

/* add_skeleton adds the directories /init mounts on and the two device
 * nodes the kernel and the shell need before devtmpfs is mounted. */
static int add_skeleton(struct build *b)
{
	static const struct { const char *path; enum mtype type; mode_t mode;
	                      unsigned major, minor; } ents[] = {
		{"dev", M_DIR, 0755, 0, 0},
		{"dev/console", M_CHR, 0600, 5, 1},
		{"dev/null", M_CHR, 0666, 1, 3},
		{"newroot", M_DIR, 0755, 0, 0},
		{"proc", M_DIR, 0555, 0, 0},
		{"sys", M_DIR, 0555, 0, 0},
	};
	for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
		struct mentry *e = itree_put(&b->t, ents[i].path, ents[i].type,
		                             ents[i].mode);
		if (!e)
			return -1;
		e->major = ents[i].major;
		e->minor = ents[i].minor;
	}
	return 0;
}

static int write_manifest(struct build *b, const struct pkg *pkgs,
                          const char *(*out_add)(const char *final))
{
	if (!b->t.s->initrd_manifest)
		return 0;
	char **names = calloc(b->t.s->npackages + 1, sizeof *names);
	const char *t = names ? out_add(b->t.s->initrd_manifest) : NULL;
	for (size_t i = 0; names && i < b->t.s->npackages; i++)
		names[i] = (char *)pkgs[i].name;
	int rc = !t || manifest_write(&b->t.out, t, names) ? -1 : 0;
	free(names);
	return rc;
}

/* build_all fills the initramfs tree and writes the archive to out. */
static int build_all(struct build *b, const char *kernel, const char *out)
{
	struct initscript_mod *mods = NULL;
	size_t nmods = 0;
	int rc = -1;
	if (pick_kver(b, kernel ? kernel : "") || add_modules(b, &mods, &nmods) ||
	    initrd_add_busybox(&b->t) || add_skeleton(b))
		goto done;
	char *text = initscript_text(b->t.s->name, mods, nmods);
	if (!text) {
		err(b, "a module path of kernel %s has a quote or control character "
		    "(rename the module)", b->kver);
		goto done;
	}
	rc = itree_add_text(&b->t, "init", text, 0755);
	free(text);
	if (!rc)
		rc = cpio_write(out, &b->t.out, b->t.root, b->t.s->epoch);
done:
	for (size_t i = 0; i < nmods; i++)
		free(mods[i].path);
	free(mods);
	return rc;
}

int initrd_make(const struct image_spec *s, const struct manifest *m,
                const struct pkg *pkgs, const char *stage, const char *tmpdir,
                const char *kernel, const char *(*out_add)(const char *final),
                char **initrd)
{
	if (!s->ninitrd_modules) {
		/* An initrd_out from an earlier build would boot with the new kernel. */
		if (s->boot == BOOT_DIRECT && !*initrd && s->initrd_out &&
		    unlink(s->initrd_out) && errno != ENOENT) {
			log_errno("%s: cannot remove the stale initrd %s (the image has "
			          "none; remove it by hand)", s->path, s->initrd_out);
			return -1;
		}
		return 0;
	}
	struct build b = {.t = {.s = s, .m = m, .stage = stage}};
	char *out = path_join(tmpdir, "initrd.img");
	int rc = -1;
	manifest_init(&b.t.out);
	b.t.root = path_join(tmpdir, "initramfs");
	if (!out || !b.t.root || mkdir(b.t.root, 0755)) {
		log_errno("%s: cannot create", b.t.root ? b.t.root : tmpdir);
		goto done;
	}
	if (build_all(&b, kernel, out) || write_manifest(&b, pkgs, out_add))
		goto done;
	if (*initrd)
		note("%s: the initramfs built from initrd_modules replaces /%s from the "
		     "rootfs", s->path, *initrd);
	free(*initrd);
	*initrd = out;
	out = NULL;
	rc = 0;
done:
	free(out);
	free(b.t.root);
	manifest_free(&b.t.out);
	return rc;
}
