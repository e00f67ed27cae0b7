/* runtime/apk/walk.c — the sorted, validated listing of a destdir (see
 * walk.h).  Services get their runlevel symlink as a synthesized entry, so
 * packing never modifies its input tree. */
#include "apk/walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct apk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct apk_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static int push(struct wlist *l, size_t *cap, const char *rel, const char *abs,
                const struct stat *st, const char *link)
{
	if (l->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct wentry *v = realloc(l->v, nc * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		*cap = nc;
	}
	struct wentry *e = &l->v[l->n];
	memset(e, 0, sizeof *e);
	e->rel = strdup(rel);
	e->abs = abs ? strdup(abs) : NULL;
	e->link = link ? strdup(link) : NULL;
	e->st = *st;
	l->n++;
	if (!e->rel || (abs && !e->abs) || (link && !e->link))
		return -1;
	return 0;
}

/* scan lists dir (absolute path abs, relative rel) recursively. */
static int scan(const char *abs, const char *rel, struct wlist *l, size_t *cap,
                struct apk_err *err)
{
	DIR *d = opendir(abs);
	if (!d)
		return fail(err, "%s: cannot read directory: %s (check its permissions)", abs,
		            strerror(errno));
	struct dirent *de;
	int r = 0;
	errno = 0;
	while (r == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *a = NULL, *rp = NULL;
		if (asprintf(&a, "%s/%s", abs, de->d_name) < 0
		    || asprintf(&rp, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0) {
			free(a);
			closedir(d);
			return fail(err, "%s: out of memory", abs);
		}
		struct stat st;
		if (!utf8_valid(de->d_name))
			r = fail(err, "%s: file name is not valid UTF-8 (rename it in the unit's "
			         "install step)", a);
		else if (lstat(a, &st) != 0)
			r = fail(err, "%s: %s", a, strerror(errno));
		else if (S_ISSOCK(st.st_mode))
			r = fail(err, "%s: is a socket; packages hold only files, directories, "
			         "symlinks, devices and FIFOs (remove it in the install step)", a);
		else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)
		         && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISFIFO(st.st_mode))
			r = fail(err, "%s: unsupported file type (remove it in the install step)", a);
		else if (push(l, cap, rp, a, &st, NULL) != 0)
			r = fail(err, "%s: out of memory", a);
		else if (S_ISDIR(st.st_mode))
			r = scan(a, rp, l, cap, err);
		free(a);
		free(rp);
		errno = 0;
	}
	if (r == 0 && errno != 0)
		r = fail(err, "%s: cannot read directory: %s", abs, strerror(errno));
	closedir(d);
	return r;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct wentry *)a)->rel, ((const struct wentry *)b)->rel);
}

static int exists(const char *root, const char *rel)
{
	char p[8192];
	struct stat st;
	if (!root)
		return 0;
	snprintf(p, sizeof p, "%s/%s", root, rel);
	return lstat(p, &st) == 0;
}

/* add_services synthesizes etc/runlevels/default/<svc> → /etc/init.d/<svc>
 * (and its parent directories when the tree lacks them). */
static int add_services(const struct pack_opts *o, struct wlist *l, size_t *cap,
                        struct apk_err *err)
{
	static const char *const dirs[] = {"etc", "etc/runlevels", "etc/runlevels/default"};
	if (o->services.n == 0)
		return 0;
	struct stat dst = {.st_mode = S_IFDIR | 0755};
	for (size_t i = 0; i < 3; i++)
		if (!exists(o->destdir, dirs[i]) && push(l, cap, dirs[i], NULL, &dst, NULL))
			return fail(err, "out of memory");
	for (size_t i = 0; i < o->services.n; i++) {
		const char *svc = o->services.v[i];
		char init[1024], rl[1024], target[1100];
		if (!*svc || strchr(svc, '/') || !strcmp(svc, ".") || !strcmp(svc, ".."))
			return fail(err, "service '%s': not a valid service name", svc);
		snprintf(init, sizeof init, "etc/init.d/%s", svc);
		if (!exists(o->destdir, init) && !exists(o->sysroot, init))
			return fail(err, "service '%s': %s/%s does not exist%s (install the init script "
			            "or drop it from services)", svc, o->destdir, init,
			            o->sysroot ? " (nor in the sysroot)" : "");
		snprintf(rl, sizeof rl, "etc/runlevels/default/%s", svc);
		if (exists(o->destdir, rl))
			continue;
		snprintf(target, sizeof target, "/%s", init);
		struct stat lst = {.st_mode = S_IFLNK | 0777};
		if (push(l, cap, rl, NULL, &lst, target))
			return fail(err, "out of memory");
	}
	return 0;
}

static int cmp_rel(const void *key, const void *elem)
{
	return strcmp(key, ((const struct wentry *)elem)->rel);
}

/* apply_modes restores directory modes container-step recorded in
 * <destdir>.modes (`MODE path` lines) before it made every directory
 * owner-writable, so a 0555 /proc is packed as 0555, not as the build left
 * it.  A missing file means nothing was changed. */
static int apply_modes(const char *destdir, struct wlist *l, struct apk_err *err)
{
	char *path;
	if (asprintf(&path, "%s.modes", destdir) < 0)
		return fail(err, "out of memory");
	FILE *f = fopen(path, "r");
	int rc = 0;
	char line[4096];
	int no = 0;
	while (f && fgets(line, sizeof line, f)) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		char *sp = strchr(line, ' ');
		char *end = NULL;
		unsigned long mode = sp ? strtoul(line, &end, 8) : 0;
		if (!sp || end != sp || mode > 07777) {
			rc = fail(err, "%s:%d: expected `MODE path` (octal mode), got '%s'", path, no, line);
			break;
		}
		struct wentry *e = bsearch(sp + 1, l->v, l->n, sizeof *l->v, cmp_rel);
		if (e && S_ISDIR(e->st.st_mode))
			e->st.st_mode = (e->st.st_mode & ~(mode_t)07777) | (mode_t)mode;
	}
	if (f)
		fclose(f);
	free(path);
	return rc;
}

int walk_destdir(const struct pack_opts *o, struct wlist *out, struct apk_err *err)
{
	struct stat st;
	size_t cap = 0;
	memset(out, 0, sizeof *out);
	if (stat(o->destdir, &st) != 0)
		return fail(err, "destdir %s: %s (did the unit's install step run?)", o->destdir,
		            strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, "%s: destdir is not a directory", o->destdir);
	if (scan(o->destdir, "", out, &cap, err) != 0 || add_services(o, out, &cap, err) != 0) {
		wlist_free(out);
		return -1;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, cmp);
	/* Drop duplicates (a synthesized entry the tree also had). */
	size_t w = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (w && !strcmp(out->v[w - 1].rel, out->v[i].rel)) {
			free(out->v[i].rel);
			free(out->v[i].abs);
			free(out->v[i].link);
			continue;
		}
		out->v[w++] = out->v[i];
	}
	out->n = w;
	if (apply_modes(o->destdir, out, err) != 0) {
		wlist_free(out);
		return -1;
	}
	return 0;
}

void wlist_free(struct wlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].rel);
		free(l->v[i].abs);
		free(l->v[i].link);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}
